"""A task's progress over the year: how each metric stood at its last report of each month."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from minshi.followup.evaluate import MetricView, Snapshot, TaskView, evaluate_task
from minshi.models import Metric, NoticeHead, Task
from minshi.store import Basis, ProgressEntry, SeriesKey, Store
from minshi.tuples import NamedTuple


class MetricHistory(NamedTuple):
    metric: Metric
    points: list[tuple[date, MetricView]]  # per month reported, its last report, oldest first


def history(
    notice: NoticeHead, task: Task, entries: Iterable[ProgressEntry], as_of: date
) -> list[MetricHistory]:
    """For each metric of `task`, its last report of each month up to `as_of`, judged by the
    same rules as on that day. `entries` is the task's journal; retractions and what they took
    back are left out."""
    standing = sorted(
        (
            e
            for e in entries
            if (e.notice, e.task) == (notice.id, task.id)
            and e.date <= as_of
            and not e.is_retraction
            and not e.is_retracted
        ),
        key=lambda e: (e.date, e.id),
    )
    months: dict[str, dict[tuple[int, int], tuple[date, MetricView]]] = {
        m.key: {} for m in task.metrics
    }
    latest: dict[SeriesKey, ProgressEntry] = {}
    for n, entry in enumerate(standing):
        latest[entry.key] = entry
        day = entry.date
        if n + 1 < len(standing) and standing[n + 1].date == day:
            continue  # evaluate once the day's reports are all in
        for mv in evaluate_task(notice, task, Snapshot(latest, {}, {}), day).metrics:
            if mv.reading is not None and mv.reading.date == day:  # reported that day
                months[mv.metric.key][(day.year, day.month)] = (day, mv)
    return [MetricHistory(m, list(months[m.key].values())) for m in task.metrics]


def history_of(
    store: Store, view: TaskView, as_of: date, basis: Basis = "reported"
) -> list[MetricHistory]:
    """`history` of a task as evaluated in `view`, from its journal in `store`, on a basis."""
    entries = store.log(notice=view.notice.id, tasks={view.task.id}, until=as_of)
    counted = [e for e in entries if _on_basis(e, basis)]
    return history(view.notice, view.task, counted, as_of)


def _on_basis(entry: ProgressEntry, basis: Basis) -> bool:
    """Whether an entry counts on a basis: not returned; verified, for the verified basis."""
    if entry.is_retraction:
        return True  # a retraction takes back what it names, on every basis
    return entry.state != "returned" and (basis == "reported" or entry.state == "verified")
