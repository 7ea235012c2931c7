"""Every task with its metrics' state as of a date: the notice, the journal and the status rules
joined, and each metric's outlook over the months (`outlook`). No I/O of its own beyond one read
of the journal (`read_snapshot`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from minshi.config import DEFAULT_ESCALATION, Escalation
from minshi.followup.outlook import NO_OUTLOOK, Outlook, reports_wanted, task_outlooks
from minshi.models import Metric, Notice, SchedulePoint, Task, plan_of
from minshi.status import MetricState, Reading, Status, metric_state, task_status
from minshi.store import History, ProgressEntry, SeriesKey, Store

Latest = Mapping[SeriesKey, ProgressEntry]


class MetricView(NamedTuple):
    metric: Metric
    state: MetricState
    reading: Reading | None
    entry: ProgressEntry | None  # the entry behind the reading (None for a sum of parts)
    outlook: Outlook = NO_OUTLOOK  # months behind in a row, forecast, early warning, action
    plan: Sequence[SchedulePoint] = ()  # the schedule in force: the metric's own or its task's


class TaskView(NamedTuple):
    notice: Notice
    task: Task
    metrics: list[MetricView]
    status: Status
    latest: ProgressEntry | None  # the newest entry of any metric of the task
    note_entry: ProgressEntry | None  # the newest entry with a note: the task's 进展情况
    invested: Decimal | None  # 投资完成额度 (万元), latest reported for the task

    def metric(self, key: str) -> MetricView:
        return next(mv for mv in self.metrics if mv.metric.key == key)


class Snapshot(NamedTuple):
    """What the journal says as of a date, per (notice, task, metric): the entry that counts,
    and the newest ones with a note (进展情况) and with an invested amount, which a later
    report without them does not hide."""

    latest: Mapping[SeriesKey, ProgressEntry]
    noted: Mapping[SeriesKey, ProgressEntry]
    funded: Mapping[SeriesKey, ProgressEntry]
    history: History | None = None  # every standing report, for the outlook (None: no outlook)


def read_snapshot(
    store: Store, as_of: date, notice: str | None = None, tasks: Collection[int] | None = None
) -> Snapshot:
    """The journal as of a date, for one notice or all, for some tasks or all: one read
    transaction, so a note is never newer than the figure beside it while others write, nor
    the months behind in a row computed from other reports than the status."""
    latest, noted, funded, history = store.follow_up(as_of, notice=notice, tasks=tasks)
    return Snapshot(latest=latest, noted=noted, funded=funded, history=history)


def reading_of(entry: ProgressEntry) -> Reading:
    return Reading(
        value=entry.value,
        done=bool(entry.done),
        stage=entry.stage,
        percent=entry.percent,
        date=entry.date,
    )


def _sum_of_parts(parts: list[Reading]) -> Reading | None:
    values = [p.value for p in parts if p.value is not None]
    if not values:
        return None
    dates = [p.date for p in parts if p.date is not None]
    return Reading(value=sum(values, Decimal(0)), date=max(dates) if dates else None)


def _newest(entries: Iterable[ProgressEntry | None]) -> ProgressEntry | None:
    return max((e for e in entries if e is not None), key=lambda e: (e.date, e.id), default=None)


def evaluate_task(
    notice: Notice,
    task: Task,
    snapshot: Snapshot,
    as_of: date,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> TaskView:
    """The state of each metric of `task` as of `as_of`, and the task's own status; with the
    snapshot's history, each metric's outlook under the `escalation` rules."""
    info = notice.notice
    keys = [(notice.id, task.id, m.key) for m in task.metrics]
    entries = {m.key: snapshot.latest.get(k) for m, k in zip(task.metrics, keys, strict=True)}
    readings = {k: reading_of(e) for k, e in entries.items() if e is not None}
    views: list[MetricView] = []
    for metric in task.metrics:
        reading = readings.get(metric.key)
        parts = [m.key for m in task.metrics if m.parent == metric.key]
        if reading is None and parts:  # a split target is the sum of its parts
            reading = _sum_of_parts([readings[k] for k in parts if k in readings])
        plan = plan_of(metric, task)
        state = metric_state(
            metric, reading, as_of=as_of, period=info.period, bands=info.bands, schedule=plan
        )
        views.append(MetricView(metric, state, reading, entries[metric.key], plan=plan))
    if snapshot.history is not None:
        states = [v.state for v in views]
        outlooks = task_outlooks(notice, task, states, snapshot.history, as_of, escalation)
        views = [v._replace(outlook=o) for v, o in zip(views, outlooks, strict=True)]
    newest = _newest(entries.values())
    note_entry = _newest(snapshot.noted.get(k) for k in keys)
    funded = _newest(snapshot.funded.get(k) for k in keys)
    status = task_status(v.state.status for v in views)
    invested = funded.invested if funded else None
    return TaskView(notice, task, views, status, newest, note_entry, invested)


def evaluate(
    store: Store,
    as_of: date,
    pairs: Iterable[tuple[Notice, Task]],
    notice: str | None = None,
    *,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> list[TaskView]:
    """The tasks `pairs` as of a date, reading the journal of those tasks only; the actions due
    follow the `escalation` rules (the office's, from minshi.toml, or the defaults)."""
    pairs = list(pairs)
    views: list[TaskView] = []

    def needing(latest: Latest, noted: Latest, funded: Latest) -> set[int]:
        """The tasks whose outlook needs their reports: those with a metric not done (a metric
        done has no forecast and is not behind)."""
        snapshot = Snapshot(latest, noted, funded)
        views.extend(evaluate_task(n, t, snapshot, as_of) for n, t in pairs)
        return {v.task.id for v in views if not _all_done(v)}

    tasks = {t.id for _, t in pairs}
    *_, history = store.follow_up(as_of, notice=notice, tasks=tasks, needing=needing)
    # the reports the outlooks will look at, read in one go; then the outlooks
    open_views = [v for v in views if not _all_done(v)]
    history.load(
        entry_id
        for v in open_views
        for entry_id in reports_wanted(
            v.notice, v.task, [m.state for m in v.metrics], history, as_of
        )
    )
    return [v if _all_done(v) else _with_outlooks(v, history, as_of, escalation) for v in views]


def _all_done(view: TaskView) -> bool:
    return all(m.state.status == "done" for m in view.metrics)


def _with_outlooks(
    view: TaskView, history: History, as_of: date, escalation: Sequence[Escalation]
) -> TaskView:
    states = [m.state for m in view.metrics]
    outlooks = task_outlooks(view.notice, view.task, states, history, as_of, escalation)
    metrics = [m._replace(outlook=o) for m, o in zip(view.metrics, outlooks, strict=True)]
    return view._replace(metrics=metrics)
