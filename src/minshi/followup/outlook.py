"""How each metric stands over the months (docs/design.md, "Planned schedules and early warning"):
months behind in a row (`lag_months`), the forecast from the pace of its recent reports, the early
warning, and the action due under the office's escalation rules.

All of it comes from the series' standing reports as of the date (`Store.follow_up`: one query for
every series shown), each report read only when it is looked at. Only a metric behind as of the
date walks back month by month, and only as long as it stays behind; past the deadline a month-end
with the same reading and target as the next one is not judged again.

Decisions (also in docs/design.md):

- A month-end counts as behind when the metric was `behind`, `far_behind` or `overdue` at its end
  (judged by the same rules, on the reports dated up to it); the run is counted back from the last
  month-end on or before the date and stops at the first one that was not. It is 0 when the metric
  is not behind on the date itself, and month-ends before the notice was issued do not count.
- A metric already done has no forecast; the early warning is for a metric on pace today
  (`on_track` or `ahead`) whose forecast misses its deadline.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from datetime import date
from decimal import Decimal

from minshi.config import DEFAULT_ESCALATION, Escalation, action_due
from minshi.models import Metric, NoticeHead, Task, plan_of
from minshi.schedule import (
    RECENT_MONTHS,
    Forecast,
    month_ends,
    months_back,
    pace_forecast,
)
from minshi.status import (
    BEHIND,
    MetricState,
    Reading,
    Status,
    goal_value,
    is_behind,
    target_as_of,
)
from minshi.store import History, Reports
from minshi.tuples import NamedTuple

LAGGING: tuple[Status, ...] = BEHIND
ON_PACE: tuple[Status, ...] = ("on_track", "ahead")
_HUNDRED = Decimal(100)


class Outlook(NamedTuple):
    lag_months: int = 0  # month-ends in a row behind 序时进度, up to the date
    action: str | None = None  # what the escalation rules say is due for that many months
    forecast: Forecast | None = None  # at the pace of the recent reports
    early_warning: bool = False  # on pace today, but the forecast misses the deadline


NO_OUTLOOK = Outlook()
_NONE: Sequence[Reading] = ()


class _Series:
    """A task's reports as of a date, by metric: what stood at the end of any earlier day."""

    def __init__(self, notice: NoticeHead, task: Task, history: History) -> None:
        self.reports = {m.key: history.get((notice.id, task.id, m.key)) for m in task.metrics}
        self.first_day = max(notice.notice.period.start, notice.notice.issued)
        metrics = task.metrics
        self.parts = {m.key: [p.key for p in metrics if p.parent == m.key] for m in metrics}

    def reported(self, key: str) -> bool:
        """Whether the metric, or a part of it, has any report."""
        return any(self.reports[k] for k in [key, *self.parts[key]])

    def _index(self, key: str, day: date) -> int:
        """How many of the metric's own reports are dated ≤ `day`."""
        reports = self.reports[key]
        return reports.count_until(day) if reports else 0

    def at(self, key: str, day: date) -> tuple[Reading | None, Hashable]:
        """The reading at the end of `day` (a sum of parts as `evaluate` makes it), and a token
        that is equal for equal readings."""
        count = self._index(key, day)
        reports = self.reports[key]
        if count and reports is not None:
            return reports[count - 1], count
        if not self.parts[key]:
            return None, 0
        counts = tuple(self._index(k, day) for k in self.parts[key])
        parts = [
            reports[n - 1]
            for k, n in zip(self.parts[key], counts, strict=True)
            if n and (reports := self.reports[k]) is not None
        ]
        values = [r.value for r in parts if r.value is not None]
        if not values:
            return None, counts
        newest = max(r.date for r in parts if r.date)
        return Reading(value=sum(values, Decimal(0)), date=newest), counts

    def points(self, metric: Metric) -> list[tuple[date, Decimal]]:
        """Every value the metric took, by report date (a sum: whenever a part was reported)."""
        key = metric.key
        days = _dates(self.reports[key])
        if not days and self.parts[key]:
            days = sorted({d for k in self.parts[key] for d in _dates(self.reports[k])})
        result = []
        for day in days:
            value = _value(metric, self.at(key, day)[0])
            if value is not None:
                result.append((day, value))
        return result

    def pace_ends(self, metric: Metric, as_of: date) -> tuple[tuple[date, Decimal], ...] | None:
        """The reports the pace runs between (`schedule.forecast`'s choice), reading only
        those: the latest with a value, and the last one three months before (else the first)."""
        reports = self.reports[metric.key]
        if not reports:
            return None if not self.parts[metric.key] else _ends(self.points(metric), as_of)

        def valued(index: int) -> tuple[date, Decimal] | None:
            reading = reports[index]
            value = _value(metric, reading)
            return None if value is None or reading.date is None else (reading.date, value)

        count = len(reports)
        last = next((v for i in reversed(range(count)) if (v := valued(i))), None)
        if last is None:
            return None
        before = reports.count_until(months_back(as_of, RECENT_MONTHS))
        base = next((v for i in reversed(range(before)) if (v := valued(i))), None)
        if base is None:  # the first day with a value: its last report
            first = next((v for i in range(count) if (v := valued(i))), None)
            if first is None:
                return None
            same = reports.count_until(first[0])
            base = next(v for i in reversed(range(same)) if (v := valued(i)))
        return base, last


def _dates(reports: Reports | None) -> list[date]:
    return [reports[i].date or date.min for i in range(len(reports))] if reports else []


def _wanted(series: _Series, metric: Metric, state: MetricState, as_of: date) -> Iterator[int]:
    """The reports the outlook of a metric will look at, to read them all at once: the one the
    pace is measured from, and for a metric behind, those standing at each month-end."""
    if state.status == "done":  # no forecast, and not behind
        return
    keys = series.parts[metric.key] or [metric.key]
    ends = month_ends(series.first_day, as_of) if state.status in LAGGING else ()
    window = months_back(as_of, RECENT_MONTHS)
    for key in [metric.key, *keys]:
        reports = series.reports[key]
        if not reports:
            continue
        before = reports.count_until(window)
        yield reports.id_of(before - 1 if before else 0)
        for end in ends:
            count = reports.count_until(end)
            if count:
                yield reports.id_of(count - 1)


def reports_wanted(
    notice: NoticeHead, task: Task, states: Sequence[MetricState], history: History, as_of: date
) -> Iterator[int]:
    """The reports `task_outlooks` will look at (`History.load` reads them in one go)."""
    series = _Series(notice, task, history)
    for metric, state in zip(task.metrics, states, strict=True):
        yield from _wanted(series, metric, state, as_of)


def _value(metric: Metric, reading: Reading | None) -> Decimal | None:
    """A reading as a number: the value, or a milestone's 形象进度 (100 when done)."""
    if reading is None:
        return None
    if metric.kind == "milestone":
        return _HUNDRED if reading.done else reading.percent
    return reading.value


def _ends(
    points: Sequence[tuple[date, Decimal]], as_of: date
) -> tuple[tuple[date, Decimal], ...] | None:
    """The base and last report `schedule.forecast` would take from `points`."""
    by_day = dict(points)
    if len(by_day) < 2:
        return None
    days = sorted(by_day)
    window = months_back(as_of, RECENT_MONTHS)
    earlier = [d for d in days if d <= window]
    base = earlier[-1] if earlier else days[0]
    return (base, by_day[base]), (days[-1], by_day[days[-1]])


def _lag(
    series: _Series, notice: NoticeHead, task: Task, metric: Metric, state: MetricState, as_of: date
) -> int:
    """Month-ends in a row, back from the last one ≤ `as_of`, at which the metric was behind."""
    if state.status not in LAGGING:
        return 0
    info = notice.notice
    plan = plan_of(metric, task)
    # never reported, target never revised: past the deadline every month-end is like the date
    silent = not metric.revisions and not series.reported(metric.key)
    seen: dict[Hashable, bool] = {}
    lag = 0
    for end in reversed(month_ends(series.first_day, as_of)):
        if end != as_of and not (silent and end > state.deadline):  # else: judged already
            reading, token = series.at(metric.key, end)
            # past the deadline only the reading and the target in force matter
            key = (token, target_as_of(metric, end)) if end > state.deadline else end
            if key not in seen:
                seen[key] = is_behind(
                    metric, reading, as_of=end, period=info.period, bands=info.bands, schedule=plan
                )
            if not seen[key]:
                break
        lag += 1
    return lag


def task_outlooks(
    notice: NoticeHead,
    task: Task,
    states: Sequence[MetricState],
    history: History,
    as_of: date,
    rules: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> list[Outlook]:
    """The outlook of each metric of `task` (in order), given its state as of `as_of`."""
    bands = notice.notice.bands
    series = _Series(notice, task, history)
    outlooks = []
    for metric, state in zip(task.metrics, states, strict=True):
        lag = _lag(series, notice, task, metric, state, as_of)
        ahead = None
        ends = series.pace_ends(metric, as_of) if state.status != "done" else None
        if ends is not None:
            goal = goal_value(metric, state.target, bands)
            ahead = pace_forecast(
                ends[0],
                ends[1],
                deadline=state.deadline,
                goal=goal,
                downward=metric.comparator == "<=",
                ceiling=_HUNDRED if metric.kind in ("percent", "milestone") else None,
            )
        early = (
            state.status in ON_PACE
            and ahead is not None
            and state.target is not None
            and (ahead.date_reached is None or ahead.date_reached > state.deadline)
        )
        outlooks.append(Outlook(lag, action_due(lag, as_of, rules), ahead, early))
    return outlooks
