"""The words and colours of the follow-up, written once.

Status labels as the office writes them (按序时, 严重滞后 …), the wording of the summary sentence,
the colour of each status on a terminal, in HTML and in a spreadsheet, and how a reading and a
metric's standing are put in words ('40/95 个 (42%)', '进行中 60%，主体完工', '未报').
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from minshi.errors import InputError
from minshi.quantity import format_quantity
from minshi.render.text import percent
from minshi.status import STATUS_ORDER, Status
from minshi.store.entries import decimal_text

if TYPE_CHECKING:
    from minshi.followup import MetricView
    from minshi.rating import GradeRule
    from minshi.store import Rating

STATUS_LABELS: dict[str, str] = {
    "done": "已完成",
    "overdue": "逾期未完成",
    "ahead": "超序时",
    "on_track": "按序时",
    "behind": "滞后",
    "far_behind": "严重滞后",
    "not_measured": "待评估",  # no rate reported yet, or no target in force
    "closed": "已销号",  # the office has closed the task, on verified figures
}

# The flag beside a status (not a status of its own): on pace today, but at the pace of recent
# reports the metric will miss its deadline.
EARLY_WARNING = "预警"


def flagged(label: str, early_warning: bool) -> str:
    """'按序时', or '按序时（预警）' for a metric forecast to miss its deadline."""
    return f"{label}（{EARLY_WARNING}）" if early_warning else label


# How the summary sentence names each status ("超序时进度2件，按序时推进12件").
SENTENCE_LABELS: dict[str, str] = {
    "done": "已完成",
    "ahead": "超序时进度",
    "on_track": "按序时推进",
    "behind": "滞后",
    "far_behind": "严重滞后",
    "overdue": "逾期未完成",
    "not_measured": "待评估",
    "closed": "已销号",
}

# ANSI colour per status, used only on a terminal without NO_COLOR
ANSI: dict[str, str] = {
    "done": "34",  # blue
    "ahead": "32",  # green
    "on_track": "32",
    "behind": "33",  # yellow
    "far_behind": "31",  # red
    "overdue": "1;31",
    "not_measured": "2",
    "closed": "36",  # cyan
}


class Shade(tuple[str, str, str, str]):
    """A status's colours as hex RGB: badge background and ink, bar, spreadsheet fill."""

    @property
    def background(self) -> str:
        return self[0]

    @property
    def ink(self) -> str:
        return self[1]

    @property
    def bar(self) -> str:
        return self[2]

    @property
    def sheet(self) -> str:
        return self[3]


_BLUE = Shade(("dbeafe", "1e3a8a", "2563eb", "BDD7EE"))
_GREEN = Shade(("dcfce7", "14532d", "16a34a", "C6EFCE"))
_YELLOW = Shade(("fef3c7", "713f12", "eab308", "FFEB9C"))
_RED = Shade(("fee2e2", "7f1d1d", "dc2626", "FFC7CE"))
_GREY = Shade(("f3f4f6", "374151", "9ca3af", "EDEDED"))
_TEAL = Shade(("ccfbf1", "134e4a", "0d9488", "B4E5E0"))
# blue done, green on track or ahead, yellow behind, red far behind or overdue, grey unmeasured
PALETTE: dict[str, Shade] = {
    "done": _BLUE,
    "ahead": _GREEN,
    "on_track": _GREEN,
    "behind": _YELLOW,
    "far_behind": _RED,
    "overdue": _RED,
    "not_measured": _GREY,
    "closed": _TEAL,
}


def parse_statuses(text: str) -> set[Status]:
    """Statuses named in a list like "behind,far_behind" or "滞后，严重滞后" (the labels too)."""
    by_name: dict[str, Status] = {s: s for s in STATUS_ORDER}
    by_name.update({STATUS_LABELS[s]: s for s in STATUS_ORDER})
    by_name["逾期"] = "overdue"
    wanted: set[Status] = set()
    unknown: list[str] = []
    for word in text.replace("，", ",").replace("、", ",").split(","):
        word = word.strip()
        if not word:
            continue
        if word.lower() in by_name:
            wanted.add(by_name[word.lower()])
        else:
            unknown.append(word)
    if unknown:
        known = ", ".join(f"{s} ({STATUS_LABELS[s]})" for s in STATUS_ORDER)
        raise InputError(f"unknown status {', '.join(unknown)} (use {known})")
    return wanted


PENDING = "待审核"  # a figure the office has not verified yet
# what the office made of a report (progress log)
ENTRY_STATES = {"reported": PENDING, "verified": "审核通过", "returned": "已退回"}


# ---------------------------------------------------------------------------------------------
# Readings in words


class Reported(Protocol):
    """What a reading or a journal entry says of a metric."""

    @property
    def value(self) -> Decimal | None: ...
    @property
    def done(self) -> bool | None: ...
    @property
    def stage(self) -> str | None: ...
    @property
    def percent(self) -> Decimal | None: ...


def amount(value: Decimal) -> str:
    """284万 rather than 2840000, the way the notice writes it."""
    return format_quantity(value)


def with_unit(value: Decimal, unit: str | None) -> str:
    """'40 个', '284万 平方米', '85%'."""
    return f"{amount(value)} {unit or ''}".rstrip().replace(" %", "%")


def reading_text(reading: Reported | None, unit: str | None) -> str:
    """What a report says: '40 个', '85%', '已完成', '进行中 60%，主体完工'; '—' for nothing."""
    if reading is None:
        return "—"
    if reading.value is not None:
        return with_unit(reading.value, unit)
    if reading.done:
        return STATUS_LABELS["done"]
    shown = f" {amount(reading.percent)}%" if reading.percent is not None else ""
    if reading.stage or shown:
        return f"进行中{shown}" + (f"，{reading.stage}" if reading.stage else "")
    return "—"


def milestone_text(view: MetricView) -> str | None:
    """A milestone as it stands: '已完成', '进行中 60%，主体完工'; None when nothing was said."""
    if view.state.status == "done":
        return STATUS_LABELS["done"]
    said = reading_text(view.reading, None)
    return None if said == "—" else said


def metric_summary(view: MetricView) -> str:
    """'40/95 个 (42%)' for a quantity; '已完成', '进行中 60%，…' or '未报' for a milestone."""
    metric, state = view.metric, view.state
    if metric.kind == "milestone":
        return milestone_text(view) or "未报"
    actual = "—" if state.actual is None else amount(state.actual)
    target = "待定" if state.target is None else amount(state.target)
    share = "" if state.progress is None else f" ({percent(state.progress)})"
    return f"{actual}/{target} {metric.unit or ''}{share}".replace(" %", "%")


def marked(summary: str, pending: bool) -> str:
    """A figure's words, marked when the office has not verified it yet: '40/95 个 (42%)·待审核'."""
    return f"{summary}·{PENDING}" if pending else summary


def shown_summary(view: MetricView) -> str:
    """`metric_summary`, marked when it awaits the office's check (tables and reports)."""
    return marked(metric_summary(view), view.pending)


def summary_with_status(summary: str, status: str) -> str:
    """'40/95 个 (42%)，按序时'; a finished milestone says 已完成 once, not twice."""
    label = STATUS_LABELS[status]
    return summary if summary == label else f"{summary}，{label}"


def metric_state_text(view: MetricView, *, mark_pending: bool = True) -> str:
    """'—/156 所，严重滞后（序时进度50%）' or '3/5 台，逾期未完成（截止2024-06-30）'; the figure
    marked 待审核 when it awaits the office's check, unless `mark_pending` is false (a
    circular or a reminder speaks of lagging, not of the office's checks)."""
    state = view.state
    if state.status == "overdue":
        why = f"截止{state.deadline.isoformat()}"
    else:
        why = f"序时进度{percent(state.expected)}"
    summary = shown_summary(view) if mark_pending else metric_summary(view)
    return f"{summary_with_status(summary, state.status)}（{why}）"


def rating_text(rating: Rating) -> str:
    """'满意 42 · 基本满意 6 · 不满意 2 (满意 84%)', or the percentages as they were given."""
    unit = "%" if rating.percent else ""
    votes = (rating.satisfied, rating.basic, rating.unsatisfied)
    parts = " · ".join(
        f"{label} {decimal_text(v.normalize()) or '0'}{unit}"
        for label, v in zip(("满意", "基本满意", "不满意"), votes, strict=True)
    )
    if rating.percent:
        return parts
    share = rating.votes.shares()[0]
    return f"{parts} (满意 {round(float(share), 1):g}%)"


def grade_rule_text(rule: GradeRule) -> str:
    """'满意：满意票超过50%；基本满意：满意与基本满意票合计超过50%；其余不满意'."""
    satisfied, either = (decimal_text(n.normalize()) for n in rule)
    return f"满意：满意票超过{satisfied}%；基本满意：满意与基本满意票合计超过{either}%；其余不满意"
