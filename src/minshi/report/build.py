"""Building the progress report the office publishes (目标任务及推进情况表).

`build_report` gathers, for one notice as of a date, what every format shows: counts by status,
the table grouped by category with subtotals and a 合计 row, what is overdue or far behind
(grouped by lead unit) and the units that have stopped reporting.

Decisions (also in docs/design.md):

- Counts and the summary sentence count tasks (件), by each task's status (its worst metric's).
- The investment columns and the investment clause appear when some task of the selection has
  an `investment_plan` or a reported amount; JSON and CSV always carry the fields.
- 占比 of a subtotal, the 合计 and the summary counts only the tasks with an investment plan
  (above 0): their invested ÷ their plans. Money reported for a task without a plan (计划外)
  stays in 投资完成额度 and is named beside the share, so the figures printed always add up.
- 进展情况 is the newest note reported for the task as of the date, with its date.
- A unit is late reporting (`stale`) when it leads a task not yet done and has reported none of
  the metrics it answers for (`catalog.answers_for`) within `stale_days` before the as-of date;
  days are counted from the notice's issue (or the period's start, if later) when it never
  reported. Tasks already done need no more reports.
- `failing` (for `--fail-on`) looks at metrics, so that `--fail-on overdue` fires for a task
  whose worst metric is overdue and for one with any overdue metric alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from minshi.catalog import Catalog, answers_for
from minshi.config import DEFAULT_ESCALATION, Escalation
from minshi.errors import InputError
from minshi.followup import TaskView, evaluate
from minshi.models import Notice
from minshi.rating import GradeRule
from minshi.report.model import (
    ATTENTION,
    DEFAULT_STALE_DAYS,
    SUMMARY_ORDER,
    AttentionGroup,
    MetricLine,
    Report,
    ReportRow,
    Section,
    StaleUnit,
    Totals,
)
from minshi.report.year_end import build_funds, build_year_end
from minshi.status import Status, expected_progress
from minshi.store import Basis, Store

CHINESE_ORDINALS = "一二三四五六七八九十"


def build_report(
    catalog: Catalog,
    store: Store,
    as_of: date | None,
    *,
    notice: str | None = None,
    lead: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    stale_days: int = DEFAULT_STALE_DAYS,
    basis: Basis = "reported",
    year_end: bool = False,
    rule: GradeRule = GradeRule(),
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> Report:
    """The report on one notice as of a date, for all its tasks or those of a unit / category;
    with `year_end`, the annual summary too. Without a date: today, or for the annual summary
    the end of the notice's period once it is past.

    Unknown units, categories and notices raise InputError.
    """
    if lead and unit:
        raise InputError("give --lead or --unit, not both")
    if stale_days < 1:
        raise InputError(f"--stale-days must be 1 or more, not {stale_days}")
    chosen = catalog.notice(notice)
    period = chosen.notice.period
    if as_of is None:
        as_of = date.today()
        if year_end:
            as_of = min(as_of, period.end)
    if year_end and as_of < period.start:
        raise InputError(
            f"{as_of} is before the year of {chosen.id} ({period.start} – {period.end}): "
            "there is no year to sum up yet"
        )
    pairs = catalog.select(notice=chosen.id, lead=lead, unit=unit, category=category)
    who, scope = "", []
    lead_unit = catalog.resolve_unit(lead) if lead else None
    if lead or unit:
        name = lead_unit or catalog.resolve_unit(unit or "")
        who = f"{name}牵头的" if lead else f"{name}牵头或配合的"
        scope.append(f"{name}牵头" if lead else f"{name}牵头或配合")
    if category:
        scope.append(category)
    rows = [_row(v) for v in evaluate(store, as_of, pairs, chosen.id, basis, escalation=escalation)]

    sections = []
    categories = list(dict.fromkeys(r.task.category for r in rows))
    for i, cat in enumerate(categories):
        in_cat = [r for r in rows if r.task.category == cat]
        ordinal = CHINESE_ORDINALS[i] if i < len(CHINESE_ORDINALS) else str(i + 1)
        sections.append(
            Section(cat, f"{ordinal}、{cat}重点民生实事", in_cat, _totals(f"{cat}小计", in_cat))
        )
    title = chosen.notice.title
    return Report(
        notice=chosen,
        as_of=as_of,
        title=f"{title}及推进情况表" if title.endswith("目标任务") else f"{title}推进情况表",
        scope=" · ".join(scope),
        expected=expected_progress(chosen.notice.period.start, chosen.notice.period.end, as_of),
        sections=sections,
        total=_totals("合计", rows),
        who=who,
        category=category or "",
        attention=_attention(rows, lead_unit),
        stale_days=stale_days,
        stale_units=_stale_units(chosen, rows, as_of, stale_days, lead_unit),
        has_investment=any(r.plan is not None or r.invested is not None for r in rows),
        basis=basis,
        unverified=sum(line.view.pending for row in rows for line in row.metrics),
        funds=build_funds(rows),
        year_end=build_year_end(rows, period.end.year, rule) if year_end else None,
        early_warnings=[(r, m) for r in rows for m in r.metrics if m.view.outlook.early_warning],
        rule=rule,
    )


def failing(report: Report, statuses: Iterable[str]) -> list[tuple[ReportRow, MetricLine]]:
    """The metrics of the report whose status is one of `statuses` (for `--fail-on`)."""
    wanted = set(statuses)
    return [(row, line) for row in report.rows for line in row.metrics if line.status in wanted]


def attention_by_task(group: AttentionGroup) -> list[tuple[ReportRow, list[MetricLine]]]:
    """A unit's overdue and far-behind metrics, task by task."""
    tasks: dict[int, tuple[ReportRow, list[MetricLine]]] = {}
    for row, line in group.items:
        tasks.setdefault(row.task.id, (row, []))[1].append(line)
    return list(tasks.values())


def _row(view: TaskView) -> ReportRow:
    lines = [
        MetricLine(view=m, lead=(m.metric.owner,) if m.metric.owner else tuple(view.task.lead))
        for m in view.metrics
    ]
    return ReportRow(view=view, metrics=lines, note=view.note_entry)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _totals(label: str, rows: Sequence[ReportRow]) -> Totals:
    counts: dict[Status, int] = dict.fromkeys(SUMMARY_ORDER, 0)
    for row in rows:
        counts[row.status] += 1
    invested = _sum(r.invested for r in rows)
    planned = [r for r in rows if r.planned]
    planned_invested = _sum(r.invested for r in planned)
    if planned_invested is None and planned and invested is not None:
        planned_invested = Decimal(0)  # money is reported, none of it for the planned tasks
    return Totals(
        label=label,
        tasks=len(rows),
        counts=counts,
        plan=_sum(r.plan for r in rows),
        invested=invested,
        planned_invested=planned_invested,
        unplanned_invested=_sum(r.invested for r in rows if not r.planned),
    )


def _attention(rows: Sequence[ReportRow], lead: str | None) -> list[AttentionGroup]:
    """Per lead unit, the overdue and far-behind metrics it answers for (`answers_for`): a
    sum of parts lagging names the owners of the parts, each for their own part."""
    groups: dict[str, list[tuple[ReportRow, MetricLine]]] = {}
    for row in rows:
        owners = [m.owner for m in row.task.metrics if m.owner]
        for unit in dict.fromkeys([*row.task.lead, *owners]):
            if lead is not None and unit != lead:
                continue
            keys = {m.key for m in answers_for(row.task, unit, "lead")}
            for line in row.metrics:
                if line.status in ATTENTION and line.view.metric.key in keys:
                    groups.setdefault(unit, []).append((row, line))
    return [AttentionGroup(unit, items) for unit, items in groups.items()]


def _stale_units(
    notice: Notice, rows: Sequence[ReportRow], as_of: date, days: int, lead: str | None
) -> list[StaleUnit]:
    info = notice.notice
    since = max(info.period.start, info.issued)  # follow-up starts when the notice is out
    late: dict[str, list[tuple[int, date | None]]] = {}  # unit → (task, its newest report)
    newest_of: dict[str, date] = {}  # unit → its newest report on any task
    for row in rows:
        owners = [m.owner for m in row.task.metrics if m.owner]
        for name in dict.fromkeys([*row.task.lead, *owners]):
            if lead is not None and name != lead:
                continue
            keys = {m.key for m in answers_for(row.task, name, "lead")}
            answers = [m for m in row.view.metrics if m.metric.key in keys]
            newest = max((m.entry.date for m in answers if m.entry is not None), default=None)
            if newest is not None and newest > newest_of.get(name, date.min):
                newest_of[name] = newest
            if row.status == "done" or all(m.state.status == "done" for m in answers):
                continue  # nothing more to report
            if (as_of - (newest or since)).days > days:
                late.setdefault(name, []).append((row.task.id, newest))
    result = [StaleUnit(name, newest_of.get(name), tasks) for name, tasks in late.items()]
    result.sort(key=lambda s: (s.last_reported or date.min, s.unit))
    return result
