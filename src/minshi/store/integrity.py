"""The journal's integrity checks (`minshi db check`): what no minshi could have written.

Retractions of what does not exist or of another metric, metrics missing from the series table,
ids and recording times out of sequence, rows that cannot be read back or break the entry rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minshi.errors import InputError
from minshi.store.entries import (
    Damaged,
    RowReader,
    as_new_entry,
    entry_from_row,
    validate_entry,
)

BAD_RETRACTIONS = """
    SELECT r.id, r.retracts,
           CASE WHEN t.id IS NULL THEN 'missing'
                WHEN t.retracts IS NOT NULL THEN 'retraction'
                ELSE 'metric' END
    FROM {entry} r LEFT JOIN {entry} t ON t.id = r.retracts
    WHERE r.retracts IS NOT NULL AND (
        t.id IS NULL OR t.retracts IS NOT NULL OR t.notice <> r.notice
        OR t.task <> r.task OR t.metric <> r.metric)
"""
MISSING_SERIES = (
    "SELECT count(*) FROM (SELECT notice, task, metric FROM {entry} WHERE retracts IS NULL"
    " EXCEPT SELECT notice, task, metric FROM {series}) m"
)


def bad_retraction(retraction: int, retracted: int, kind: str) -> str:
    which = {"missing": "does not exist", "retraction": "is itself a retraction"}
    return f"entry {retraction} retracts entry {retracted}, which " + which.get(
        kind, "belongs to another metric"
    )


def unreadable(rows: Sequence[Sequence[Any]], reader: RowReader) -> list[str]:
    """The lines for rows that cannot be read back or break the entry rules."""
    problems = []
    for row in rows:
        try:
            entry = entry_from_row(row, reader)
            if not entry.is_retraction:
                validate_entry(as_new_entry(entry))
        except Damaged as exc:
            problems.append(f"entry {row[0]} cannot be read: it holds {exc.what}")
        except InputError as exc:
            problems.append(f"entry {row[0]} cannot be read: {exc.message}")
    return problems


def out_of_sequence(rows: Sequence[Sequence[Any]], reader: RowReader) -> list[str]:
    """Entries whose id or recording time no minshi could have given: ids are 1, 2, 3 … and
    times never go back (a row written around minshi, e.g. a forged id or date)."""
    problems = []
    expected, before = 1, None
    for id_, recorded_at in rows:
        if int(id_) != expected:
            problems.append(f"entry {id_} is out of sequence: the next id would be {expected}")
        try:
            moment = reader.moment(recorded_at)
        except Damaged:
            moment = None  # named by the check of unreadable entries
        if moment is not None and before is not None and moment < before:
            problems.append(
                f"entry {id_} was recorded at {moment.isoformat(timespec='seconds')},"
                f" before the entry ahead of it ({before.isoformat(timespec='seconds')})"
            )
        before = moment or before
        expected = int(id_) + 1
    return problems
