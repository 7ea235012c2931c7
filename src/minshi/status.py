"""Status rules: progress, 序时进度 and the status of a metric or task as of a date.

Pure functions over `minshi.models` (DESIGN.md, "Status rules"). Comparisons of an actual value
against its target, and of progress against 序时进度, are exact (Decimal and Fraction); floats
appear only in the ratios handed back for display.

Decisions where DESIGN.md leaves room:

- No report counts as no progress: 0 for `>=`, `=` and `~`; the baseline for `<=` (counting it as
  0 would make an unreported `<=` target done). `progress` stays None until something is reported.
- `done` needs a report (a `>=` target of 0 is not done by silence).
- `=` targets are done when the actual reaches the target: building 4 schools of a planned 3 has
  met the target (超额完成), it has not missed it. `~` targets are done within `bands.approx`
  percent below the target, and of course above it.
- A target of 0 or less (outside `<=`) or a `<=` target without a baseline above it cannot give a
  progress ratio; such metrics are `done` when met, `overdue` after the deadline, and otherwise
  `not_measured` — except a reported `<=` value over its cap, which is `behind`: it needs
  attention, but how far behind cannot be measured.
- `percent` metrics are measured rates, not accumulated work: before the deadline an unreported
  rate is `not_measured`; a reported rate below target is `on_track`, `behind` or `far_behind` by
  the same bands against 序时进度, but never `ahead` (an unmet rate is ahead of nothing).
- A metric without a target in force (e.g. 以市级实际下达为准, not yet set) is `not_measured`,
  even after its deadline: there is nothing to judge it against.
- Non-finite values (NaN, Infinity) are not measurements: they count as no report.
- 序时进度 follows the metric's planned schedule when it has one (`schedule.planned_expected`);
  a milestone with dated stages is `behind` one stage short of the stage due by the date and
  `far_behind` two or more short (its deadline and `done` still come first).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from minshi.models import Bands, Metric, Period, SchedulePoint
from minshi.schedule import planned_expected, stage_expected, stages_behind
from minshi.tuples import NamedTuple

Status = Literal[
    "done", "overdue", "ahead", "on_track", "behind", "far_behind", "not_measured", "closed"
]

# Worst first; a task's status is the worst of its metrics. `closed` (已销号) is a task's only,
# once the office has closed it (it is done, on verified figures).
STATUS_ORDER: tuple[Status, ...] = (
    "overdue",
    "far_behind",
    "behind",
    "not_measured",
    "on_track",
    "ahead",
    "done",
    "closed",
)

FINISHED: frozenset[Status] = frozenset({"done", "closed"})  # nothing more to do: not incomplete

_RANK: dict[Status, int] = {status: rank for rank, status in enumerate(STATUS_ORDER)}
# behind 序时进度 at a month-end, for the months in a row (overdue is the furthest behind)
BEHIND: tuple[Status, ...] = ("behind", "far_behind", "overdue")
_HUNDRED = Fraction(100)


class Reading(NamedTuple):
    """What the journal says of one metric as of a date (the latest entry dated ≤ D)."""

    value: Decimal | None = None  # cumulative quantity, or the measured rate for percent metrics
    done: bool = False  # milestones: 已完成
    stage: str | None = None  # milestones: 当前阶段
    percent: Decimal | None = None  # milestones: 形象进度 %
    date: date | None = None  # the "as of" date of that entry


class MetricState(NamedTuple):
    status: Status
    target: Decimal | None  # the target in force as of D (revisions applied)
    actual: Decimal | None  # value, or 形象进度 % for milestones (100 when done)
    progress: float | None  # ratio, uncapped (0.42 = 42 %); None when not measurable
    expected: float  # 序时进度 ratio in [0, 1] (following the plan, when there is one)
    deadline: date
    stage_expected: str | None = None  # milestones with stages: the stage due by the date


def target_as_of(metric: Metric, as_of: date) -> Decimal | None:
    """The metric's target, replaced by its latest revision dated ≤ as_of (later wins a tie)."""
    target = metric.target
    latest: date | None = None
    for revision in metric.revisions:
        if revision.date <= as_of and (latest is None or revision.date >= latest):
            target, latest = revision.target, revision.date
    return target


@functools.lru_cache(maxsize=256)  # the metrics of a notice share a few deadlines and dates
def _expected(start: date, deadline: date, as_of: date) -> Fraction:
    total = max((deadline - start).days, 0) + 1
    elapsed = (as_of - start).days + 1
    return Fraction(min(max(elapsed, 0), total), total)


def expected_progress(start: date, deadline: date, as_of: date) -> float:
    """序时进度: days start..as_of over days start..deadline, both inclusive, clamped to [0, 1].

    It is 1.0 on the deadline day and 0 before the start; a deadline before the start is taken
    as the start itself.
    """
    return float(_expected(start, deadline, as_of))


def _finite(value: Decimal | None) -> Decimal | None:
    return value if value is not None and value.is_finite() else None


def _ratio(metric: Metric, actual: Decimal | None, target: Decimal | None) -> Fraction | None:
    """The exact progress ratio, or None when it cannot be measured."""
    actual, target = _finite(actual), _finite(target)
    if actual is None:
        return None
    if metric.kind == "milestone":
        return Fraction(actual) / _HUNDRED
    if target is None:
        return None
    if metric.comparator == "<=":
        baseline = _finite(metric.baseline)
        if baseline is None or baseline <= target:  # never divide by the target, nor by zero
            return None
        return (Fraction(baseline) - Fraction(actual)) / (Fraction(baseline) - Fraction(target))
    if target <= 0:
        return None
    return _quotient(actual, target)


def _quotient(a: Decimal, b: Decimal) -> Fraction:
    """a ÷ b exactly (b > 0): one fraction made from the two numbers' integer ratios, where
    dividing two fractions made from each would make three."""
    a_num, a_den = a.as_integer_ratio()
    b_num, b_den = b.as_integer_ratio()
    return Fraction(a_num * b_den, a_den * b_num)


def _as_float(ratio: Fraction | None) -> float | None:
    if ratio is None:
        return None
    try:
        result = float(ratio)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def progress_ratio(metric: Metric, actual: Decimal | None, target: Decimal | None) -> float | None:
    """Progress as a ratio (uncapped), or None when nothing is reported or it cannot be measured.

    `>=`, `=`, `~`: actual ÷ target (target > 0). `<=`: (baseline − actual) ÷ (baseline − target),
    only with a baseline above the target. Milestones: 形象进度 % ÷ 100.
    """
    return _as_float(_ratio(metric, actual, target))


def _met(metric: Metric, actual: Decimal, target: Decimal, bands: Bands) -> bool:
    if metric.comparator == "<=":
        return actual <= target
    if metric.comparator == "~":
        approx = _finite(bands.approx) or Decimal(0)
        return Fraction(actual) * _HUNDRED >= Fraction(target) * (_HUNDRED - Fraction(approx))
    return actual >= target  # ">=", "=" (exceeding counts as met) and unspecified


@functools.lru_cache(maxsize=64)
def _points(band: Decimal) -> Fraction:
    """A band in percentage points as a ratio (10 points → 1/10); the few bands in use are
    remembered, since every metric of every month-end looked at is judged with them."""
    return Fraction(_finite(band) or Decimal(0)) / _HUNDRED


def _by_pace(progress: Fraction, expected: Fraction, bands: Bands, *, may_lead: bool) -> Status:
    if may_lead and progress >= expected + _points(bands.ahead):
        return "ahead"
    lag = expected - progress
    if lag <= _points(bands.behind):
        return "on_track"
    if lag <= _points(bands.far_behind):
        return "behind"
    return "far_behind"


def metric_state(
    metric: Metric,
    reading: Reading | None,
    *,
    as_of: date,
    period: Period,
    bands: Bands = Bands(),
    schedule: Sequence[SchedulePoint] | None = None,
) -> MetricState:
    """The status of one metric as of a date, with the figures it was judged on. `schedule` is
    the plan in force (`models.plan_of`: the metric's own or its task's); by default the
    metric's own."""
    deadline = metric.deadline or period.end
    plan = metric.schedule if schedule is None else schedule
    if plan:
        expected = planned_expected(period.start, deadline, as_of, plan)
    else:
        expected = _expected(period.start, deadline, as_of)
    target = _finite(target_as_of(metric, as_of))
    late = as_of > deadline
    due = stage_expected(metric.stages, as_of)
    due_name = due.name if due is not None else None

    def state(status: Status, actual: Decimal | None, progress: Fraction | None) -> MetricState:
        return MetricState(
            status, target, actual, _as_float(progress), float(expected), deadline, due_name
        )

    if metric.kind == "milestone":
        if reading is not None and reading.done:
            return state("done", Decimal(100), Fraction(1))
        percent = _finite(reading.percent) if reading is not None else None
        progress = _ratio(metric, percent, target)
        if late:
            return state("overdue", percent, progress)
        short = stages_behind(metric.stages, reading.stage if reading else None, as_of)
        status: Status = "on_track" if short == 0 else "behind" if short == 1 else "far_behind"
        return state(status, percent, progress)

    actual = _finite(reading.value) if reading is not None else None
    progress = _ratio(metric, actual, target)
    if target is None:
        return state("not_measured", actual, progress)
    if actual is not None and _met(metric, actual, target, bands):
        return state("done", actual, progress)
    if late:
        return state("overdue", actual, progress)

    pace = progress
    if actual is None and metric.kind != "percent":
        # Nothing reported counts as no progress (the baseline, for "<=").
        zero = metric.baseline if metric.comparator == "<=" else Decimal(0)
        pace = _ratio(metric, zero, target) if zero is not None else None
    if pace is None:
        over_cap = actual is not None and metric.comparator == "<="
        return state("behind" if over_cap else "not_measured", actual, progress)
    status = _by_pace(pace, expected, bands, may_lead=metric.kind != "percent")
    return state(status, actual, progress)


def goal_value(
    metric: Metric, target: Decimal | None, bands: Bands = Bands()
) -> Fraction | Decimal | None:
    """The value at which a target is met (the rule of `done`): the target itself, or for `~`
    the target less `bands.approx` percent; None without a target in force. Milestones: 100."""
    if metric.kind == "milestone":
        return Decimal(100)
    target = _finite(target)
    if target is None:
        return None
    if metric.comparator == "~":
        approx = Fraction(_finite(bands.approx) or Decimal(0))
        return Fraction(target) * (_HUNDRED - approx) / _HUNDRED
    return target


def is_behind(
    metric: Metric,
    reading: Reading | None,
    *,
    as_of: date,
    period: Period,
    bands: Bands = Bands(),
    schedule: Sequence[SchedulePoint] | None = None,
) -> bool:
    """Whether `metric_state` says `behind`, `far_behind` or `overdue`. The common case (a figure
    reported for a `>=` or `=` target above 0, not met, before the deadline, no revisions) is
    decided in integers — the months behind in a row ask it of every month-end — and every other
    case by `metric_state` itself."""
    deadline = metric.deadline or period.end
    value = reading.value if reading is not None else None
    target = metric.target
    if (
        metric.kind == "milestone"
        or metric.comparator not in (">=", "=")
        or metric.revisions
        or value is None
        or target is None
        or not (value.is_finite() and target.is_finite() and target > 0)
        or as_of > deadline
    ):
        state = metric_state(
            metric, reading, as_of=as_of, period=period, bands=bands, schedule=schedule
        )
        return state.status in BEHIND
    if value >= target:
        return False  # done
    plan = metric.schedule if schedule is None else schedule
    expected = (
        planned_expected(period.start, deadline, as_of, plan)
        if plan
        else _expected(period.start, deadline, as_of)
    )
    # behind when expected - value/target > the band: value/target < bound
    bound = expected - _points(bands.behind)
    vn, vd = value.as_integer_ratio()
    tn, td = target.as_integer_ratio()
    return vn * td * bound.denominator < bound.numerator * tn * vd


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of some statuses, in STATUS_ORDER (not_measured when there are none)."""
    return min(statuses, key=_RANK.__getitem__, default="not_measured")


def task_status(statuses: Iterable[Status]) -> Status:
    """A task's status: the worst of its measured metrics'.

    A metric not yet measured (a rate before its first report, a target not yet set) says
    nothing of the pace, so it does not pull a task that is on pace down to 待评估; it does
    keep the task from being done. Only a task with nothing measured is not_measured.
    """
    statuses = list(statuses)
    measured = [s for s in statuses if s != "not_measured"]
    if not measured:
        return "not_measured"
    rolled = worst(measured)
    if rolled == "done" and len(measured) < len(statuses):
        return "on_track"
    return rolled


def capped(progress: float | None) -> float:
    """Progress for roll-ups: None counts as 0, and the ratio is held within [0, 1]."""
    if progress is None or math.isnan(progress):
        return 0.0
    return min(max(progress, 0.0), 1.0)
