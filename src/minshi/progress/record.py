"""Recording progress: a clerk's submission, a whole file, taking a report back, the history.

Each function judges what it is given first (`check`) and writes nothing when anything is wrong;
every write is one transaction of the store.
"""

from __future__ import annotations

import bisect
import getpass
import os
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from minshi.catalog import Catalog
from minshi.errors import InputError
from minshi.followup import MetricView, task_as_of
from minshi.models import Metric
from minshi.progress.check import (
    Checked,
    Submission,
    change_doubts,
    check_all,
    check_submission,
)
from minshi.progress.csv import read_csv
from minshi.progress.sheet import read_sheet
from minshi.store import NewEntry, ProgressEntry, SeriesKey, Store
from minshi.store.entries import refuse_retraction
from minshi.tuples import NamedTuple


def login() -> str:
    """Who is at the keyboard, for `by` when it is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a bare cron environment, a container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


class Recorded(NamedTuple):
    """A submission as the journal now holds it, and what it changed."""

    entry: ProgressEntry
    metric: Metric
    before: ProgressEntry | None  # what stood for the metric as of the entry's date
    view: MetricView  # the metric's state as of that date, with the entry in
    warnings: list[str]  # accepted, but worth a second look


def record(
    catalog: Catalog,
    store: Store,
    submission: Submission,
    *,
    by: str | None = None,
    today: date | None = None,
    force: bool = False,
) -> Recorded:
    """Check one submission and add it to the journal (InputError, and nothing written, when
    it is wrong); `force` accepts a figure far above its target."""
    day = today or date.today()
    checked = check_submission(submission, catalog, today=day, by=by or login(), force=force)
    entry = checked.entry
    before = store.latest(entry.date, notice=entry.notice, tasks={entry.task}).get(_key(entry))
    warnings = list(checked.warnings)
    if before is not None:
        warnings += change_doubts(before, entry, checked.metric)
    (saved,) = store.add([entry])
    view = task_as_of(catalog, store, str(entry.task), entry.date, entry.notice)
    return Recorded(saved, checked.metric, before, view.metric(entry.metric), warnings)


class Imported(NamedTuple):
    """What an import wrote (nothing, on a dry run) and what it doubts."""

    source: str
    rows: int
    entries: list[ProgressEntry]
    warnings: list[str] = []  # "line 3: …"


def import_file(
    catalog: Catalog,
    store: Store,
    path: Path,
    *,
    by: str | None = None,
    today: date | None = None,
    force: bool = False,
    again: bool = False,
    dry_run: bool = False,
) -> Imported:
    """Import a progress CSV or a filled-in sheet (.xlsx): every row is checked first, and one
    bad row, or a row already in the journal (unless `again`), refuses the whole file."""
    if path.suffix.lower() == ".xlsx":
        submissions = read_sheet(path)
    else:
        submissions = read_csv(path)
    return import_submissions(
        catalog,
        store,
        submissions,
        str(path),
        by=by,
        today=today,
        force=force,
        again=again,
        dry_run=dry_run,
    )


def import_submissions(
    catalog: Catalog,
    store: Store,
    submissions: Sequence[Submission],
    source: str,
    *,
    by: str | None = None,
    today: date | None = None,
    force: bool = False,
    again: bool = False,
    dry_run: bool = False,
) -> Imported:
    """`import_file` for submissions already read (`source` names them in messages)."""
    checked = check_all(
        submissions,
        catalog,
        today=today or date.today(),
        by=by or login(),
        force=force,
        source=source,
    )
    journal = _standing(store, checked)
    if not again:
        _refuse_repeats(checked, journal, source)
    warnings = [f"{c.where}: {doubt}" for c in checked for doubt in c.warnings]
    warnings += _change_warnings(checked, journal)
    entries = [c.entry for c in checked]
    saved = [] if dry_run else store.add(entries)
    return Imported(source, len(entries), saved, warnings)


def _key(entry: NewEntry | ProgressEntry) -> SeriesKey:
    return (entry.notice, entry.task, entry.metric)


def _standing(store: Store, checked: Sequence[Checked]) -> list[ProgressEntry]:
    """What a file is judged against: the journal's standing entries of its tasks dated within
    the file's days, and for each metric the one standing just before them. (Only these can
    repeat a row or stand before one: reading the whole journal would make every import slower
    than the last.)"""
    tasks = {c.entry.task for c in checked}
    first = min(c.entry.date for c in checked)
    last = max(c.entry.date for c in checked)
    found: list[ProgressEntry] = []
    for notice in sorted({c.entry.notice for c in checked}):
        found += store.latest(first - timedelta(days=1), notice=notice, tasks=tasks).values()
        found += store.log(
            notice=notice, tasks=tasks, since=first, until=last, include_retracted=False
        )
    return found


def _same_report(entry: NewEntry | ProgressEntry) -> tuple[object, ...]:
    """What makes two reports the same report (importing a file twice would repeat them)."""
    return (
        entry.notice,
        entry.task,
        entry.metric,
        entry.date,
        entry.value,
        entry.done,
        entry.stage,
        entry.percent,
        entry.invested,
        entry.note,
    )


def _refuse_repeats(checked: Sequence[Checked], journal: list[ProgressEntry], source: str) -> None:
    """A file imported twice would count every report twice: refuse rows already in the journal."""
    standing = {_same_report(e): e.id for e in journal}
    repeats = [
        f"{c.where}: the same report is already entry {standing[_same_report(c.entry)]}"
        for c in checked
        if _same_report(c.entry) in standing
    ]
    if repeats:
        raise InputError(
            f"{source}: {len(repeats)} of {len(checked)} rows are already in the journal "
            "(imported before?); nothing was imported. Add --again to import them once more",
            details=repeats,
        )


def _change_warnings(checked: Sequence[Checked], journal: list[ProgressEntry]) -> list[str]:
    """The doubts `record` has about a change, for each row of a file: against what stood in
    the journal as of the row's date, or an earlier row of the file for the same metric."""
    # per metric, what stands in order of (date, then recording): the journal, then the file
    series: dict[SeriesKey, list[tuple[date, int, NewEntry | ProgressEntry]]] = {}
    for e in journal:
        series.setdefault(e.key, []).append((e.date, e.id, e))
    first_new = max((e.id for e in journal), default=0) + 1
    for position, c in enumerate(checked):
        series.setdefault(_key(c.entry), []).append((c.entry.date, first_new + position, c.entry))
    for items in series.values():
        items.sort(key=lambda item: (item[0], item[1]))
    warnings = []
    for position, c in enumerate(checked):
        items = series[_key(c.entry)]
        at = bisect.bisect_left(items, (c.entry.date, first_new + position), key=lambda i: i[:2])
        if at:  # what stood just before this row, in the journal or earlier in the file
            warnings += [
                f"{c.where}: {d}" for d in change_doubts(items[at - 1][2], c.entry, c.metric)
            ]
    return warnings


class Undone(NamedTuple):
    """A report taken back (or, on a dry run, that would be) and what stands after it."""

    target: ProgressEntry
    retraction: ProgressEntry | None  # None on a dry run
    after: ProgressEntry | None  # what counts for the metric as of the target's date now
    unit: str | None  # the metric's unit of measure, when the notice still has it


def undo(
    catalog: Catalog,
    store: Store,
    entry_id: int | None = None,
    *,
    by: str | None = None,
    note: str = "",
    dry_run: bool = False,
) -> Undone:
    """Take a report back by recording its retraction; without `entry_id`, the last report of
    `by` (the store is shared with cron and other clerks: never someone else's)."""
    who = by or login()
    if entry_id is None:
        target = store.last_entry(by=who)
        if target is None:
            raise InputError(
                f"{who} has no report to take back; name one: minshi progress undo ENTRY "
                "(see: minshi progress log)"
            )
    else:
        target = store.get(entry_id)
        refuse_retraction(target, entry_id, store.location)
    assert target is not None
    retraction = None if dry_run else store.retract(target.id, by=who, note=note)
    return Undone(target, retraction, _standing_after(store, target), _unit_of(catalog, target))


def _standing_after(store: Store, target: ProgressEntry) -> ProgressEntry | None:
    """What counts for `target`'s metric, as of its date, once `target` is taken back."""
    candidates = [
        e
        for e in store.log(notice=target.notice, tasks={target.task}, until=target.date)
        if e.metric == target.metric
        and e.id != target.id
        and not e.is_retraction
        and not e.is_retracted
    ]
    return max(candidates, key=lambda e: (e.date, e.id), default=None)


def _unit_of(catalog: Catalog, entry: ProgressEntry) -> str | None:
    try:
        _, task = catalog.find_task(entry.task, entry.notice)
    except InputError:  # the notice may have changed since; the unit is only for display
        return None
    return next((m.unit for m in task.metrics if m.key == entry.metric), None)


def journal(
    catalog: Catalog,
    store: Store,
    *,
    task: str | None = None,
    lead: str | None = None,
    unit: str | None = None,
    notice: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[ProgressEntry]:
    """The journal newest first, of a task, of the tasks of a unit, between two dates."""
    if limit is not None and limit < 0:
        raise InputError(f"the number of entries must not be negative, not {limit}")
    if notice is not None:
        notice = catalog.notice(notice).id
    wanted: set[tuple[str, int]] | None = None  # (notice, task) pairs, when narrowed
    if task is not None:
        found_notice, found = catalog.find_task(task, notice)
        wanted = {(found_notice.id, found.id)}
    if lead or unit:
        chosen = {(n.id, t.id) for n, t in catalog.select(notice=notice, lead=lead, unit=unit)}
        wanted = chosen if wanted is None else wanted & chosen
    entries = store.log(
        notice=notice,
        tasks=None if wanted is None else {t for _, t in wanted},
        since=since,
        until=until,
        limit=limit if wanted is None else None,  # else counted once the pairs are kept
    )
    kept = [e for e in entries if wanted is None or (e.notice, e.task) in wanted]
    return kept[:limit] if limit is not None else kept
