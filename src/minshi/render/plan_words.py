"""Plans, stages, forecasts and escalation in words, as the office writes them.

'6月30日前完成60%，11月30日前完成100%', '开工（3月31日）、主体完工（8月31日）',
'按近三个月进度，预计11月20日完成', '按近三个月进度，预计年底完成87%', '连续3个月滞后，应通报批评',
and the escalation rules as a sentence. Used by `show`, the report, the circular and reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from minshi.config import Escalation
from minshi.models import SchedulePoint, Stage
from minshi.render.labels import EARLY_WARNING, amount, with_unit
from minshi.render.text import percent, safe_text
from minshi.schedule import RECENT_MONTHS, months_back
from minshi.status import progress_ratio

if TYPE_CHECKING:
    from minshi.followup import Due, MetricView

DUE_KINDS = {"deadline": "截止日", "schedule": "计划节点", "stage": "阶段节点"}


def day_text(day: date, year: int | None = None) -> str:
    """'6月30日' within `year`, else '2025年2月3日'."""
    if day.year == year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def plan_text(plan: Sequence[SchedulePoint], year: int | None = None) -> str:
    """'6月30日前完成60%，11月30日前完成100%'."""
    return "，".join(f"{day_text(p.by, year)}前完成{amount(p.share)}%" for p in plan)


def stages_text(stages: Sequence[Stage], year: int | None = None) -> str:
    """'开工（3月31日）、主体完工（8月31日）、竣工验收（11月30日）'."""
    return "、".join(f"{s.name}（{day_text(s.by, year)}）" for s in stages)


def deadline_words(deadline: date) -> str:
    """'年底' for 31 December, else '截止日（6月30日）'."""
    if (deadline.month, deadline.day) == (12, 31):
        return "年底"
    return f"截止日（{day_text(deadline, deadline.year)}）"


def forecast_text(view: MetricView, as_of: date) -> str | None:
    """'按近三个月进度，预计11月20日完成', '按近三个月进度，预计年底完成87%'; None without a
    forecast."""
    ahead = view.outlook.forecast
    if ahead is None:
        return None
    metric, state = view.metric, view.state
    # RECENT_MONTHS is three: the pace from a report up to about four months old is "recent"
    recent = ahead.since >= months_back(as_of, RECENT_MONTHS + 1)
    head = "按近三个月进度" if recent else f"按{day_text(ahead.since, as_of.year)}以来的进度"
    reached, deadline = ahead.date_reached, state.deadline
    if reached is not None and (reached <= deadline or as_of > deadline):
        return f"{head}，预计{day_text(reached, as_of.year)}完成"
    if as_of > deadline:
        return f"{head}，没有进展"
    share = progress_ratio(metric, ahead.value_at_deadline, state.target)
    if metric.kind == "milestone":
        share = float(ahead.value_at_deadline) / 100
    when = deadline_words(deadline)
    if share is None:
        return f"{head}，预计{when}为{with_unit(ahead.value_at_deadline, metric.unit)}"
    return f"{head}，预计{when}完成{percent(share)}"


def due_what(due: Due) -> str:
    """What must be reached by a date: '应全部完成', '应完成60%（57个）', '应达到主体完工'."""
    if due.kind == "stage":
        return f"应达到{due.stage}"
    if due.kind == "deadline" or due.share is None:
        return "应全部完成"
    metric, target = due.metric.metric, due.metric.state.target
    share = f"应完成{amount(due.share)}%"
    if target is None or metric.comparator == "<=" or metric.kind != "quantity":
        return share
    return f"{share}（{amount(target * due.share / 100)}{metric.unit or ''}）"


def lag_text(view: MetricView) -> str:
    """'连续3个月滞后，应通报批评'; '' when not behind at a month-end."""
    outlook = view.outlook
    if not outlook.lag_months:
        return ""
    text = f"连续{outlook.lag_months}个月滞后"
    return f"{text}，应{outlook.action}" if outlook.action else text


def escalation_text(rules: Sequence[Escalation]) -> str:
    """'连续滞后1个月，督促整改；连续滞后2个月，约谈单位主要负责人；连续滞后3个月及以上，通报批评'
    (in the order given: the last rule that applies is the one that counts)."""
    if not rules:
        return "未设处置规则"
    parts = []
    for n, rule in enumerate(rules):
        since = f"{rule.since[0]}月{rule.since[1]}日起" if rule.since else ""
        more = "" if any(r.months > rule.months for r in rules[n + 1 :]) else "及以上"
        parts.append(f"{since}连续滞后{rule.months}个月{more}，{rule.action}")
    return "；".join(parts)


def plan_notes(metrics: Sequence[MetricView], as_of: date, year: int) -> list[str]:
    """The lines `show` prints under its table: each metric's plan, stages and forecast (text from
    the data shown safely)."""
    lines = []
    for view in metrics:
        metric, name = view.metric, view.metric.name
        plan = view.plan
        if plan:
            lines.append(f"{name} · 计划进度：{plan_text(plan, year)}")
        if metric.stages:
            due = view.state.stage_expected
            expected = f"；截至{day_text(as_of, year)}应达到{due}" if due else ""
            lines.append(f"{name} · 阶段节点：{stages_text(metric.stages, year)}{expected}")
        said = forecast_text(view, as_of)
        if said:
            warn = f"（{EARLY_WARNING}：预计不能按期完成）" if view.outlook.early_warning else ""
            lines.append(f"{name} · {said}{warn}")
    return [safe_text(line) for line in lines]
