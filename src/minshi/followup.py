"""The year's follow-up: every task of the catalog with its metrics' state as of a date.

Joins the notice data (catalog), the latest journal entries (store) and the status rules (status),
and turns the result into the JSON records of DESIGN.md's contract. No I/O of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from minshi.catalog import Catalog
from minshi.models import Metric, Notice, Task, metric_deadline
from minshi.render import number, percent
from minshi.status import STATUS_LABELS, MetricState, Reading, Status, metric_state, task_status
from minshi.store.base import ProgressEntry, SeriesKey, Store


@dataclass(frozen=True, slots=True)
class MetricView:
    metric: Metric
    state: MetricState
    reading: Reading | None
    entry: ProgressEntry | None  # the entry behind the reading (None for a sum of parts)


@dataclass(frozen=True, slots=True)
class TaskView:
    notice: Notice
    task: Task
    metrics: list[MetricView]
    status: Status
    latest: ProgressEntry | None  # the newest entry of any metric of the task
    note_entry: ProgressEntry | None  # the newest entry with a note: the task's 进展情况
    invested: Decimal | None  # 投资完成额度 (万元), latest reported for the task


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


@dataclass(frozen=True, slots=True)
class Journal:
    """What the journal says as of a date, per (notice, task, metric): the entry that counts,
    and the newest ones with a note (进展情况) and with an invested amount, which a later
    report without them does not hide."""

    latest: Mapping[SeriesKey, ProgressEntry]
    noted: Mapping[SeriesKey, ProgressEntry]
    funded: Mapping[SeriesKey, ProgressEntry]


def read_journal(
    store: Store, as_of: date, notice: str | None = None, tasks: Collection[int] | None = None
) -> Journal:
    """The journal as of a date, for one notice or all, for some tasks or all: one snapshot, so
    a note is never newer than the figure beside it while others write."""
    latest, noted, funded = store.snapshot(as_of, notice=notice, tasks=tasks)
    return Journal(latest=latest, noted=noted, funded=funded)


def _newest(entries: Iterable[ProgressEntry | None]) -> ProgressEntry | None:
    return max((e for e in entries if e is not None), key=lambda e: (e.date, e.id), default=None)


def evaluate_task(notice: Notice, task: Task, journal: Journal, as_of: date) -> TaskView:
    """The state of each metric of `task` as of `as_of`, and the task's own status."""
    info = notice.notice
    keys = [(notice.id, task.id, m.key) for m in task.metrics]
    entries = {m.key: journal.latest.get(k) for m, k in zip(task.metrics, keys, strict=True)}
    readings = {k: reading_of(e) for k, e in entries.items() if e is not None}
    views: list[MetricView] = []
    for metric in task.metrics:
        reading = readings.get(metric.key)
        if reading is None and any(m.parent == metric.key for m in task.metrics):
            # a split target is the sum of its parts
            parts = [m.key for m in task.metrics if m.parent == metric.key]
            reading = _sum_of_parts([readings[k] for k in parts if k in readings])
        state = metric_state(metric, reading, as_of=as_of, period=info.period, bands=info.bands)
        views.append(MetricView(metric, state, reading, entries[metric.key]))
    newest = _newest(entries.values())
    note_entry = _newest(journal.noted.get(k) for k in keys)
    funded = _newest(journal.funded.get(k) for k in keys)
    status = task_status(v.state.status for v in views)
    invested = funded.invested if funded else None
    return TaskView(notice, task, views, status, newest, note_entry, invested)


def evaluate(
    catalog: Catalog,
    journal: Journal,
    as_of: date,
    tasks: Iterable[tuple[Notice, Task]] | None = None,
) -> list[TaskView]:
    pairs = catalog.tasks() if tasks is None else tasks
    return [evaluate_task(notice, task, journal, as_of) for notice, task in pairs]


def evaluate_chosen(
    store: Store,
    catalog: Catalog,
    as_of: date,
    pairs: list[tuple[Notice, Task]],
    notice: str | None = None,
) -> list[TaskView]:
    """The chosen tasks (`Catalog.select`) as of a date, reading the journal of those only."""
    journal = read_journal(store, as_of, notice, {t.id for _, t in pairs})
    return evaluate(catalog, journal, as_of, pairs)


def amount(value: Decimal) -> str:
    """284万 rather than 2840000, the way the notice writes it."""
    from minshi.quantity import format_quantity

    return format_quantity(value)


def metric_summary(view: MetricView) -> str:
    """'40/95 个 (42%)' for a quantity; '已完成', '进行中 60%，…' or '未报' for a milestone."""
    metric, state = view.metric, view.state
    if metric.kind == "milestone":
        if state.status == "done":
            return "已完成"
        stage = view.reading.stage if view.reading else None
        done = f" {amount(state.actual)}%" if state.actual is not None else ""
        if stage or done:
            return f"进行中{done}" + (f"，{stage}" if stage else "")
        return "未报"
    actual = "—" if state.actual is None else amount(state.actual)
    target = "待定" if state.target is None else amount(state.target)
    share = "" if state.progress is None else f" ({percent(state.progress)})"
    return f"{actual}/{target} {metric.unit or ''}{share}".replace(" %", "%")


# ---------------------------------------------------------------------------------------------
# JSON records (DESIGN.md, "Contract for scripts")


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def metric_record(view: MetricView, notice: Notice) -> dict[str, Any]:
    m, s = view.metric, view.state
    return {
        "key": m.key,
        "name": m.name,
        "kind": m.kind,
        "target": number(s.target),
        "unit": m.unit,
        "comparator": m.comparator,
        "deadline": metric_deadline(m, notice.notice).isoformat(),
        "actual": number(s.actual),
        "progress": _ratio(s.progress),
        "expected": _ratio(s.expected),
        "status": s.status,
        "status_label": STATUS_LABELS[s.status],
        "last_reported": view.reading.date.isoformat()
        if view.reading and view.reading.date
        else None,
        "provisional": m.provisional,
        "owner": m.owner,
        "parent": m.parent,
        "stage": view.reading.stage if view.reading else None,
        "summary": metric_summary(view),
    }


def task_record(view: TaskView) -> dict[str, Any]:
    t = view.task
    return {
        "id": t.id,
        "notice": view.notice.id,
        "name": t.name,
        "category": t.category,
        "lead": list(t.lead),
        "cooperating": list(t.cooperating),
        "cooperating_more": t.cooperating_more,
        "target_text": t.target_text,
        "investment_plan": number(t.investment_plan),
        "invested": number(view.invested),
        "status": view.status,
        "status_label": STATUS_LABELS[view.status],
        "note": view.note_entry.note if view.note_entry else None,
        "note_date": view.note_entry.date.isoformat() if view.note_entry else None,
        "last_reported": view.latest.date.isoformat() if view.latest else None,
        "metrics": [metric_record(m, view.notice) for m in view.metrics],
    }


def metric_rows(views: Iterable[TaskView]) -> list[dict[str, Any]]:
    """One row per metric: the `overdue` / `incomplete` contract."""
    rows = []
    for view in views:
        for m in view.metrics:
            record = metric_record(m, view.notice)
            rows.append(
                {
                    "notice": view.notice.id,
                    "task": view.task.id,
                    "task_name": view.task.name,
                    **{k: record[k] for k in ("key", "name", "kind", "target", "unit", "actual")},
                    "progress": record["progress"],
                    "expected": record["expected"],
                    "deadline": record["deadline"],
                    "status": record["status"],
                    "status_label": record["status_label"],
                    "lead": [m.metric.owner] if m.metric.owner else list(view.task.lead),
                    "last_reported": record["last_reported"],
                    "stage": record["stage"],
                    "summary": record["summary"],
                }
            )
    return rows
