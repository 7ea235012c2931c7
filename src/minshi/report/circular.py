"""The monthly 督查通报 (circular) as data: built here, written by `render`.

For one notice as of a date (a month's end, usually): the tasks' statuses for the summary, and the
units that need naming, ranked, each with what it answers for (`catalog.answers_for`, as a lead
unit or the owner of a part) that lags, for how many months in a row and the action due, what is
on pace but forecast to miss (预警), what it has not reported this month, and what the office
returned to it.

Decisions (also in docs/design.md):

- A metric lags when it is `behind`, `far_behind` or `overdue` as of the date; a unit's months in
  a row are its longest run, and its action the one the escalation rules give for that run.
- Not reported: a metric not yet done without a report dated from the first day of the month to
  the date (a reminder counts from the first day of the month before).
- Units are ranked by (1) months behind in a row, (2) overdue and far-behind metrics, (3) lagging
  metrics, (4) metrics not reported, (5) reports returned, the more the higher, then by name; a
  unit with nothing of this is not named (early warnings alone do not rank a unit, they are
  shown).
- The returned reports are given to the builder (`returned`): which reports the office returned
  is recorded by its checks, and the command passes what the store holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from minshi.catalog import Catalog, answers_for
from minshi.config import DEFAULT_ESCALATION, Escalation, action_due
from minshi.days import parse_month
from minshi.errors import InputError
from minshi.followup import LAGGING, MetricView, TaskView, evaluate
from minshi.models import Notice
from minshi.report.model import SUMMARY_ORDER
from minshi.schedule import month_end
from minshi.status import Status, expected_progress
from minshi.store import Store
from minshi.store.entries import awaiting_correction
from minshi.tuples import NamedTuple

SEVERE: tuple[Status, ...] = ("overdue", "far_behind")


class Item(NamedTuple):
    """A metric as a circular or a reminder names it, with its task."""

    view: TaskView
    metric: MetricView

    @property
    def status(self) -> Status:
        return self.metric.state.status

    @property
    def lag_months(self) -> int:
        return self.metric.outlook.lag_months


class Missing(NamedTuple):
    """A metric not yet done and not reported in the period asked about."""

    item: Item
    last_reported: date | None  # its latest report, if any


class Returned(NamedTuple):
    """A report the office returned to the unit (退回), with the reason it gave."""

    notice: str
    task: int
    metric: str  # the metric's key
    entry: int  # the entry returned
    as_of: date  # the entry's "as of" date
    reason: str
    returned_on: date
    by: str = ""


class UnitSection(NamedTuple):
    """What a circular or a reminder says of one unit."""

    unit: str
    lagging: list[Item]
    warnings: list[Item]  # on pace, forecast to miss the deadline
    missing: list[Missing]
    returned: list[Returned]
    lag_months: int  # the longest run of months behind among its lagging metrics
    action: str | None  # the action due for that run

    @property
    def severe(self) -> int:
        return sum(1 for item in self.lagging if item.status in SEVERE)

    @property
    def named(self) -> bool:
        """Whether the circular names the unit: something lags, is missing or was returned."""
        return bool(self.lagging or self.missing or self.returned)

    def rank_key(self) -> tuple[int, int, int, int, int, str]:
        return (
            -self.lag_months,
            -self.severe,
            -len(self.lagging),
            -len(self.missing),
            -len(self.returned),
            self.unit,
        )


class Circular(NamedTuple):
    notice: Notice
    as_of: date
    since: date  # reports dated from this day count as this month's
    title: str  # 万州区2024年重点民生实事推进情况督查通报
    expected: float  # the year's 序时进度 as of the date
    counts: dict[Status, int]  # tasks by status
    tasks: int
    units: list[UnitSection]  # the units named, ranked
    warnings: list[UnitSection]  # units with early warnings only, by name
    rules: tuple[Escalation, ...]

    @property
    def lagging(self) -> int:
        return sum(len(u.lagging) for u in self.units)


def circular_date(month: str | None, as_of: date | None, today: date) -> date:
    """The date a circular is as of: `as_of`, or the last day of `month` (a month that has
    ended), or by default the last day of the month before `today`'s."""
    if month and as_of:
        raise InputError("give --month or --as-of, not both")
    if as_of is not None:
        return as_of
    if not month:
        return today.replace(day=1) - timedelta(days=1)
    year, number = parse_month(month, "--month")
    end = month_end(year, number)
    if end > today:
        raise InputError(
            f"{year}-{number:02d} has not ended yet (today is {today}); "
            f"for a circular up to today give --as-of {today}"
        )
    return end


def circular_title(notice: Notice) -> str:
    """'万州区2024年重点民生实事推进情况督查通报' from the notice's title."""
    base = notice.notice.title
    for ending in ("工作目标任务", "目标任务"):
        base = base.removesuffix(ending)
    return f"{base}推进情况督查通报"


def unit_sections(
    views: Iterable[TaskView],
    as_of: date,
    since: date,
    rules: Sequence[Escalation],
    returned: Sequence[Returned] = (),
    units: Sequence[str] | None = None,
) -> dict[str, UnitSection]:
    """Per unit leading a task (or owning a part), in the order first met: the metrics it
    answers for that lag, are forecast to miss, or were not reported since `since`, and the
    reports returned to it; only the `units` given, if any."""
    views = list(views)
    found: dict[str, tuple[list[Item], list[Item], list[Missing], list[Returned]]] = {}
    answering: dict[tuple[str, int, str], list[str]] = {}  # metric → its units
    for view in views:
        task = view.task
        owners = [m.owner for m in task.metrics if m.owner]
        for unit in dict.fromkeys([*task.lead, *owners]):
            if units is not None and unit not in units:
                continue
            lagging, warnings, missing, _ = found.setdefault(unit, ([], [], [], []))
            keys = {m.key for m in answers_for(task, unit, "lead")}
            for mv in view.metrics:
                if mv.metric.key not in keys:
                    continue
                answering.setdefault((view.notice.id, task.id, mv.metric.key), []).append(unit)
                item = Item(view, mv)
                if mv.state.status in LAGGING:
                    lagging.append(item)
                elif mv.outlook.early_warning:
                    warnings.append(item)
                last = mv.reading.date if mv.reading is not None else None
                if mv.state.status != "done" and (last is None or last < since):
                    missing.append(Missing(item, last))
    for back in returned:
        for unit in answering.get((back.notice, back.task, back.metric), []):
            found[unit][3].append(back)
    sections = {}
    for unit, (lagging, warnings, missing, back_to) in found.items():
        months = max((item.lag_months for item in lagging), default=0)
        action = action_due(months, as_of, rules)
        sections[unit] = UnitSection(unit, lagging, warnings, missing, back_to, months, action)
    return sections


def returned_as_of(store: Store, as_of: date, notice: str) -> list[Returned]:
    """The reports of a notice the office had returned (退回) by the end of `as_of` that no
    report recorded by then has put right: what units still had to correct on that day."""
    known = [e for e in store.log(notice=notice) if e.recorded_at.date() <= as_of]
    return [
        Returned(
            e.notice, e.task, e.metric, e.id, e.date, e.reason, e.reviewed_at.date(), e.reviewed_by
        )  # fmt: skip
        for e in awaiting_correction(known)
        if e.reviewed_at is not None and e.reviewed_at.date() <= as_of
    ]


def build_circular(
    catalog: Catalog,
    store: Store,
    as_of: date,
    *,
    notice: str | None = None,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
    returned: Sequence[Returned] | None = None,
) -> Circular:
    """The circular on one notice as of a date; `returned` holds the reports the office has
    returned (退回) in that notice (default: those of the store, `returned_as_of`)."""
    chosen = catalog.notice(notice)
    period = chosen.notice.period
    if as_of < period.start:
        raise InputError(
            f"{as_of} is before the period of {chosen.id} ({period.start} – {period.end}): "
            "there is nothing to circulate yet"
        )
    pairs = catalog.select(notice=chosen.id)
    views = evaluate(store, as_of, pairs, chosen.id, escalation=escalation)
    since = as_of.replace(day=1)
    if returned is None:
        returned = returned_as_of(store, as_of, chosen.id)
    sections = unit_sections(views, as_of, since, escalation, returned)
    named = sorted((s for s in sections.values() if s.named), key=UnitSection.rank_key)
    warned = sorted((s for s in sections.values() if s.warnings and not s.named), key=_unit)
    counts: dict[Status, int] = dict.fromkeys(SUMMARY_ORDER, 0)
    for view in views:
        counts[view.status] += 1
    return Circular(
        notice=chosen,
        as_of=as_of,
        since=since,
        title=circular_title(chosen),
        expected=expected_progress(period.start, period.end, as_of),
        counts=counts,
        tasks=len(views),
        units=named,
        warnings=warned,
        rules=tuple(escalation),
    )


def _unit(section: UnitSection) -> str:
    return section.unit
