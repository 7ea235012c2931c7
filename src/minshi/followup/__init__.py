"""The year's follow-up: the journal evaluated against the notice as of a date.

The questions every reading command asks: the tasks chosen by unit, category or text with their
status (`tasks_as_of`), one task in full (`task_as_of`), and the metrics a unit answers for with
theirs (`metrics_as_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from minshi.catalog import Catalog, Role, answers_for
from minshi.config import DEFAULT_ESCALATION, Escalation
from minshi.errors import InputError
from minshi.followup.due import DEFAULT_WITHIN, MAX_WITHIN, Due, due_items
from minshi.followup.evaluate import (
    MetricView,
    Snapshot,
    TaskView,
    evaluate,
    evaluate_task,
    read_snapshot,
    reading_of,
)
from minshi.followup.history import MetricHistory, history, history_of
from minshi.followup.outlook import LAGGING, Outlook
from minshi.status import Status
from minshi.store import Basis, Store

__all__ = [
    "DEFAULT_WITHIN",
    "LAGGING",
    "MAX_WITHIN",
    "Due",
    "MetricHistory",
    "MetricView",
    "Outlook",
    "Snapshot",
    "TaskView",
    "evaluate",
    "evaluate_task",
    "due_as_of",
    "due_items",
    "history",
    "history_of",
    "metrics_as_of",
    "read_snapshot",
    "reading_of",
    "task_as_of",
    "tasks_as_of",
]


def tasks_as_of(
    catalog: Catalog,
    store: Store,
    as_of: date,
    *,
    notice: str | None = None,
    lead: str | None = None,
    coop: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    search: str | None = None,
    statuses: set[Status] | None = None,
    basis: Basis = "reported",
    voted: bool = False,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> list[TaskView]:
    """The tasks chosen (`Catalog.select`) as of a date, on a basis (the figures reported, or
    those the office verified), of the given statuses if any; the actions due follow the
    `escalation` rules."""
    pairs = catalog.select(
        notice=notice,
        lead=lead,
        coop=coop,
        unit=unit,
        category=category,
        search=search,
        voted=voted,
    )
    views = evaluate(store, as_of, pairs, notice, basis, escalation=escalation)
    return [v for v in views if not statuses or v.status in statuses]


def task_as_of(
    catalog: Catalog,
    store: Store,
    ref: str,
    as_of: date,
    notice: str | None = None,
    basis: Basis = "reported",
    *,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> TaskView:
    """One task (`16`, or `ID/16`) as of a date, on a basis."""
    found_notice, found = catalog.find_task(ref, notice)
    pairs = [(found_notice, found)]
    return evaluate(store, as_of, pairs, found_notice.id, basis, escalation=escalation)[0]


def metrics_as_of(
    catalog: Catalog,
    store: Store,
    as_of: date,
    *,
    notice: str | None = None,
    lead: str | None = None,
    unit: str | None = None,
    keep: Callable[[Status], bool] | None = None,
    basis: Basis = "reported",
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
) -> list[tuple[TaskView, MetricView]]:
    """Metric by metric as of a date: every metric, or with `lead` / `unit` the metrics that
    unit answers for (`catalog.answers_for`; `lead` when both are given); only those whose
    status `keep` accepts."""
    views = tasks_as_of(
        catalog,
        store,
        as_of,
        notice=notice,
        lead=lead,
        unit=unit,
        basis=basis,
        escalation=escalation,
    )
    name = lead or unit
    role: Role = "lead" if lead else "any"
    who = catalog.resolve_unit(name) if name else None
    rows = []
    for view in views:
        mine = None if who is None else {m.key for m in answers_for(view.task, who, role)}
        for mv in view.metrics:
            answered = mine is None or mv.metric.key in mine
            status: Status = "closed" if view.closure else mv.state.status
            if answered and (keep is None or keep(status)):
                rows.append((view, mv))
    return rows


def due_as_of(
    catalog: Catalog,
    store: Store,
    as_of: date,
    within: int = DEFAULT_WITHIN,
    *,
    notice: str | None = None,
    lead: str | None = None,
    unit: str | None = None,
) -> list[Due]:
    """Deadlines, schedule points and stages from `as_of` to `within` days later that are not
    yet met, for every metric or those a unit answers for (`metrics_as_of`)."""
    if not 0 <= within <= MAX_WITHIN:
        raise InputError(f"--within must be from 0 to {MAX_WITHIN} days, not {within}")
    pairs = metrics_as_of(
        catalog, store, as_of, notice=notice, lead=lead, unit=unit, keep=lambda s: s != "done"
    )
    return due_items(pairs, as_of, as_of + timedelta(days=within))
