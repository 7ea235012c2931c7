"""Every task with its metrics' state as of a date: the notice, the journal and the status rules
joined, and each metric's outlook over the months (`outlook`). No I/O of its own beyond one read
of the journal (`read_snapshot`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from minshi.config import DEFAULT_ESCALATION, Escalation
from minshi.followup.outlook import NO_OUTLOOK, Outlook, reports_wanted, task_outlooks
from minshi.models import Metric, NoticeHead, SchedulePoint, Task, plan_of
from minshi.status import MetricState, Reading, Status, metric_state, task_status
from minshi.store import Basis, History, ProgressEntry, SeriesKey, Store
from minshi.store.entries import Closure
from minshi.store.funds import Funding
from minshi.store.ratings import Rating
from minshi.tuples import NamedTuple

Latest = Mapping[SeriesKey, ProgressEntry]


class MetricView(NamedTuple):
    metric: Metric
    state: MetricState
    reading: Reading | None
    entry: ProgressEntry | None  # the entry behind the reading (None for a sum of parts)
    reported: Decimal | None = None  # the latest figure reported (and not returned)
    verified: Decimal | None = None  # the latest figure the office verified
    pending: bool = False  # the figure shown awaits the office's check (待审核)
    outlook: Outlook = NO_OUTLOOK  # months behind in a row, forecast, early warning, action
    plan: Sequence[SchedulePoint] = ()  # the schedule in force: the metric's own or its task's


class TaskView(NamedTuple):
    notice: NoticeHead  # the task's notice, or its head only (Catalog.select)
    task: Task
    metrics: list[MetricView]
    status: Status
    latest: ProgressEntry | None  # the newest entry of any metric of the task
    note_entry: ProgressEntry | None  # the newest entry with a note: the task's 进展情况
    invested: Decimal | None  # 投资完成额度 (万元), latest reported for the task
    closure: Closure | None = None  # the office closed the task (销号): its record
    allocated: Decimal | None = None  # 到位资金 (万元), latest reported for the task
    paid: Decimal | None = None  # 已支付 (万元), latest reported for the task
    rating: Rating | None = None  # the 满意度测评 that counts as of the date

    def metric(self, key: str) -> MetricView:
        return next(mv for mv in self.metrics if mv.metric.key == key)


class Snapshot(NamedTuple):
    """What the journal says as of a date, per (notice, task, metric): the entry that counts,
    and the newest ones with a note (进展情况) and with an invested amount, which a later
    report without them does not hide."""

    latest: Mapping[SeriesKey, ProgressEntry]
    noted: Mapping[SeriesKey, ProgressEntry]
    funded: Mapping[SeriesKey, ProgressEntry]
    other: Mapping[SeriesKey, ProgressEntry] = {}  # the latest on the other basis
    basis: Basis = "reported"
    closures: Mapping[tuple[str, int], Closure] = {}
    funds: Mapping[tuple[str, int], Funding] = {}
    history: History | None = None  # every standing report, for the outlook (None: no outlook)
    ratings: Mapping[tuple[str, int], Rating] = {}  # the rating that counts, per task


def read_snapshot(
    store: Store,
    as_of: date,
    notice: str | None = None,
    tasks: Collection[int] | None = None,
    basis: Basis = "reported",
) -> Snapshot:
    """The journal as of a date on a basis (the figures reported, or those the office
    verified), for one notice or all, for some tasks or all: one read transaction, so a note
    is never newer than the figure beside it while others write, nor the months behind in a
    row computed from other reports than the status."""
    closures = store.closures(notice=notice, tasks=tasks)
    funds = store.funds_as_of(as_of, notice=notice, tasks=tasks, basis=basis)
    ratings = store.ratings(as_of=as_of, notice=notice, tasks=tasks)
    latest, noted, funded, other, history = store.follow_up(
        as_of, notice=notice, tasks=tasks, basis=basis
    )
    return Snapshot(latest, noted, funded, other, basis, closures, funds, history, ratings)


def figure(entry: ProgressEntry | None) -> Decimal | None:
    """The figure an entry reports: its value, or a milestone's 形象进度 (100 when done)."""
    if entry is None:
        return None
    if entry.value is not None:
        return entry.value
    return Decimal(100) if entry.done else entry.percent


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
    found = [e for e in entries if e is not None]
    if len(found) < 2:
        return found[0] if found else None
    return max(found, key=lambda e: (e.date, e.id))


def evaluate_task(
    notice: NoticeHead,
    task: Task,
    snapshot: Snapshot,
    as_of: date,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> TaskView:
    """The state of each metric of `task` as of `as_of`, and the task's own status; with the
    snapshot's history, each metric's outlook under the `escalation` rules."""
    info = notice.notice
    keys = [(notice.id, task.id, m.key) for m in task.metrics]
    entries = dict(zip([m.key for m in task.metrics], map(snapshot.latest.get, keys), strict=True))
    others = (  # the other basis: nothing to look up while nothing is verified
        {m.key: snapshot.other.get(k) for m, k in zip(task.metrics, keys, strict=True)}
        if snapshot.other
        else {}
    )
    readings = {k: reading_of(e) for k, e in entries.items() if e is not None}
    # a split target's parts, by the key of the metric they add up to
    parts_of: dict[str, list[str]] = {}
    for m in task.metrics:
        if m.parent is not None:
            parts_of.setdefault(m.parent, []).append(m.key)
    views: list[MetricView] = []
    for metric in task.metrics:
        reading = readings.get(metric.key)
        parts = parts_of.get(metric.key)
        mine = parts or [metric.key]  # the entries this metric's figure comes from
        if reading is None and parts:  # a split target is the sum of its parts
            reading = _sum_of_parts([readings[k] for k in parts if k in readings])
        plan = plan_of(metric, task)
        state = metric_state(
            metric, reading, as_of=as_of, period=info.period, bands=info.bands, schedule=plan
        )
        on_basis = _figure_of(entries, mine)
        on_other = _figure_of(others, mine)
        reported, verified = (
            (on_basis, on_other) if snapshot.basis == "reported" else (on_other, on_basis)
        )
        pending = any(e is not None and e.state != "verified" for e in map(entries.get, mine))
        entry = entries[metric.key]
        views.append(
            MetricView(metric, state, reading, entry, reported, verified, pending, NO_OUTLOOK, plan)
        )
    if snapshot.history is not None:
        states = [v.state for v in views]
        outlooks = task_outlooks(notice, task, states, snapshot.history, as_of, escalation)
        views = [v._replace(outlook=o) for v, o in zip(views, outlooks, strict=True)]
    newest = _newest(entries.values())
    note_entry = _newest(map(snapshot.noted.get, keys)) if snapshot.noted else None
    funded = _newest(map(snapshot.funded.get, keys)) if snapshot.funded else None
    closure = snapshot.closures.get((notice.id, task.id))
    status: Status = "closed" if closure else task_status(v.state.status for v in views)
    invested = funded.invested if funded else None
    money = snapshot.funds.get((notice.id, task.id), _NO_FUNDING)
    rating = snapshot.ratings.get((notice.id, task.id))
    return TaskView(
        notice, task, views, status, newest, note_entry, invested, closure, *money, rating
    )


_NO_FUNDING = Funding()


def _figure_of(entries: Mapping[str, ProgressEntry | None], keys: list[str]) -> Decimal | None:
    """The figure of one metric, or the sum of its parts' (None when none was reported)."""
    if len(keys) == 1:
        return figure(entries.get(keys[0]))
    figures = [f for f in (figure(entries.get(k)) for k in keys) if f is not None]
    return sum(figures, Decimal(0)) if figures else None


def evaluate(
    store: Store,
    as_of: date,
    pairs: Iterable[tuple[NoticeHead, Task]],
    notice: str | None = None,
    basis: Basis = "reported",
    *,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> list[TaskView]:
    """The tasks `pairs` as of a date on a basis, reading the journal of those tasks only; the
    actions due follow the `escalation` rules (the office's, from minshi.toml, or the
    defaults)."""
    pairs = list(pairs)
    views: list[TaskView] = []
    tasks = {t.id for _, t in pairs}
    closures = store.closures(notice=notice, tasks=tasks)
    funds = store.funds_as_of(as_of, notice=notice, tasks=tasks, basis=basis)
    ratings = store.ratings(as_of=as_of, notice=notice, tasks=tasks)

    def needing(latest: Latest, noted: Latest, funded: Latest, other: Latest) -> set[int]:
        """The tasks whose outlook needs their reports: those with a metric not done (a metric
        done has no forecast and is not behind)."""
        snapshot = Snapshot(latest, noted, funded, other, basis, closures, funds, None, ratings)
        views.extend(evaluate_task(n, t, snapshot, as_of) for n, t in pairs)
        return {v.task.id for v in views if not _all_done(v)}

    *_, history = store.follow_up(as_of, notice=notice, tasks=tasks, basis=basis, needing=needing)
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
