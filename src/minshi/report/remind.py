"""A unit's reminder (提醒) as data: what falls due soon, what lags, what is forecast to miss,
what was returned and what it has not reported; built here, worded by `render.remind`.

"Not reported" counts from the first day of the month before the date: a reminder sent in the
first days of July asks for June's figures, one sent later in July still does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from minshi.catalog import Catalog, answers_for
from minshi.config import DEFAULT_ESCALATION, Escalation
from minshi.errors import InputError
from minshi.followup import DEFAULT_WITHIN, MAX_WITHIN, Due, due_items, evaluate
from minshi.models import Notice
from minshi.report.circular import Returned, UnitSection, returned_as_of, unit_sections
from minshi.status import expected_progress
from minshi.store import Store
from minshi.tuples import NamedTuple


class Reminder(NamedTuple):
    unit: str
    notice: Notice
    as_of: date
    expected: float  # the year's 序时进度 as of the date
    within: int  # days ahead that `due` covers
    since: date  # reports dated from this day count
    due: list[Due]
    section: UnitSection  # what lags, is forecast to miss, was returned, is missing


def lead_units(notice: Notice) -> list[str]:
    """Every unit that leads a task of the notice or owns a part, in the notice's order."""
    found = [
        name
        for task in notice.tasks
        for name in (*task.lead, *(m.owner for m in task.metrics if m.owner))
    ]
    return list(dict.fromkeys(found))


def build_reminders(
    catalog: Catalog,
    store: Store,
    as_of: date,
    *,
    lead: str | None = None,
    notice: str | None = None,
    within: int = DEFAULT_WITHIN,
    escalation: Sequence[Escalation] = DEFAULT_ESCALATION,
    returned: Sequence[Returned] | None = None,
) -> list[Reminder]:
    """One reminder for the unit `lead`, or for every unit that leads a task of the notice."""
    if not 0 <= within <= MAX_WITHIN:
        raise InputError(f"--within must be from 0 to {MAX_WITHIN} days, not {within}")
    chosen = catalog.notice(notice)
    units = [catalog.resolve_unit(lead)] if lead else lead_units(chosen)
    if lead and units[0] not in lead_units(chosen):
        raise InputError(f"{units[0]} leads no task of {chosen.id}: nothing to remind it of")
    pairs = catalog.select(notice=chosen.id, lead=lead)
    views = evaluate(store, as_of, pairs, chosen.id, escalation=escalation)
    since = (as_of.replace(day=1) - timedelta(days=1)).replace(day=1)
    if returned is None:
        returned = returned_as_of(store, as_of, chosen.id)
    sections = unit_sections(views, as_of, since, escalation, returned, units)
    period = chosen.notice.period
    expected = expected_progress(period.start, period.end, as_of)
    until = as_of + timedelta(days=within)
    reminders = []
    for unit in units:
        mine = [
            (view, mv)
            for view in views
            for keys in [{m.key for m in answers_for(view.task, unit, "lead")}]
            for mv in view.metrics
            if mv.metric.key in keys
        ]
        section = sections.get(unit) or UnitSection(unit, [], [], [], [], 0, None)
        due = due_items(mine, as_of, until)
        reminders.append(Reminder(unit, chosen, as_of, expected, within, since, due, section))
    return reminders
