"""The progress journal, written once; each backend gives only its dialect.

The journal is append-only: an entry is never changed or erased. Undoing an entry writes a
retraction (a row whose `retracts` names it); reports as of a date D use, per metric, the latest
entry dated ≤ D that is neither a retraction nor retracted, so a past report can be reproduced.

Every write is one transaction that holds the writers' lock of the backend, so ids follow the
order of recording and concurrent writers (cron and a clerk) never lose an update. A read in
several statements (`snapshot`) is one read transaction: it sees one moment.

The SQL below is written once, with `?` for parameters and `{entry}`/`{series}` for the tables;
a backend (`sqlite`, `postgres`) says how to connect, lock, migrate and name its errors.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from minshi.errors import InputError, StoreError
from minshi.status import Reading
from minshi.store.entries import (
    Damaged,
    NewEntry,
    ProgressEntry,
    RowReader,
    SeriesKey,
    check_loadable,
    check_retraction_args,
    damaged_entry,
    entry_from_row,
    journal_checksum,
    refuse_retraction,
    stored_entry,
    validate_entry,
)
from minshi.store.history import History
from minshi.store.integrity import (
    BAD_RETRACTIONS,
    MISSING_SERIES,
    bad_retraction,
    out_of_sequence,
    unreadable,
)

Having = Literal["note", "invested"]
Basis = Literal["reported", "verified"]
BASES: tuple[Basis, ...] = ("reported", "verified")
Latest = dict[SeriesKey, ProgressEntry]


Cursor = Any  # a DB-API cursor of the backend (sqlite3 or psycopg)

# the condition each `having` adds to the search for the latest entry
_HAVING = {"note": "AND x.note <> ''", "invested": "AND x.invested IS NOT NULL"}
_HAS: dict[Having, Callable[[ProgressEntry], bool]] = {
    "note": lambda e: e.note != "",
    "invested": lambda e: e.invested is not None,
}
_COLUMNS = (
    "e.id, e.notice, e.task, e.metric, e.date, e.recorded_at, e.value, e.done, e.stage, "
    "e.percent, e.invested, e.note, e.recorded_by, e.retracts, e.written_as, e.allocated, e.paid"
)
# an entry's standing with the office: returned if it ever was (that is final), else its latest
# verification, if any
_REVIEW_JOIN = (
    " LEFT JOIN {review} v ON v.id = (SELECT v2.id FROM {review} v2 WHERE v2.entry = e.id"
    " ORDER BY CASE WHEN v2.decision = 'returned' THEN 0 ELSE 1 END, v2.id DESC LIMIT 1)"
)
_REVIEW_COLUMNS = "v.decision, v.recorded_by, v.recorded_at, v.reason"
_SELECT = (
    f"SELECT {_COLUMNS}, r.id, {_REVIEW_COLUMNS} FROM {{entry}} e"
    f" LEFT JOIN {{entry}} r ON r.retracts = e.id{_REVIEW_JOIN}"
)
_INSERT = (
    "INSERT INTO {entry} (id, notice, task, metric, date, recorded_at, value, done, stage, "
    "percent, invested, note, recorded_by, retracts, written_as, allocated, paid)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_RETURNED = "EXISTS (SELECT 1 FROM {review} v3 WHERE v3.entry = x.id AND v3.decision = 'returned')"
_VERIFIED = "EXISTS (SELECT 1 FROM {review} v4 WHERE v4.entry = x.id AND v4.decision = 'verified')"
# which entries count, on each basis: a returned entry counts for nothing, like a retraction
_BASIS = {
    "reported": f"AND NOT {_RETURNED}",
    "verified": f"AND NOT {_RETURNED} AND {_VERIFIED}",
}
_NOT_RETRACTED = "NOT EXISTS (SELECT 1 FROM {{entry}} r2 WHERE r2.retracts = {alias}.id)"
# per metric ever reported (the series table), the entry that counts as of a date: the index on
# (notice, task, metric, date) is walked backwards, one step per metric
_LATEST = f"""
    SELECT {_COLUMNS}, NULL, {_REVIEW_COLUMNS}
    FROM {{series}} s
    JOIN {{entry}} e ON e.id = (
        SELECT x.id FROM {{entry}} x
        WHERE x.notice = s.notice AND x.task = s.task AND x.metric = s.metric
          AND x.retracts IS NULL AND x.date <= ?
          AND {_NOT_RETRACTED.format(alias="x")} {{basis}} {{having}}
        ORDER BY x.date DESC, x.id DESC
        LIMIT 1
    ){_REVIEW_JOIN}
    WHERE {{where}}
"""
# every standing report (not a retraction, not retracted) of the series chosen, dated ≤ a date, in
# series and date order: the series table first, then the index on (notice, task, metric, date),
# which alone answers it. Each series' stretch ends with its latest report (the snapshot's), which
# is how the stretches are told apart; what the reports said is read by id when wanted (_READINGS)
_HISTORY = f"""
    SELECT e.id, e.date
    FROM {{series}} s CROSS JOIN {{entry}} e
    WHERE e.notice = s.notice AND e.task = s.task AND e.metric = s.metric
      AND e.retracts IS NULL AND e.date <= ? AND {_NOT_RETRACTED.format(alias="e")} {{basis}}
      AND {{where}}
    ORDER BY s.notice, s.task, s.metric, e.date, e.id
"""
_READINGS = "SELECT e.id, e.date, e.value, e.done, e.stage, e.percent FROM {entry} e WHERE e.id IN "
_READ_AT_ONCE = 5000  # ids in one statement


class Journal:
    """The progress journal's entries (the office's checks of them: `store.office.Store`).
    Every write is one transaction: all of it is stored, or nothing.

    Opening never writes; the first write creates the store (when it was opened to write).
    """

    location: str  # human-readable: a path, or a URL without its password
    reader: RowReader  # how this backend's stored fields become Python values

    # -- what a backend gives (a plain base class: abc would cost start-up time) -------------

    def _exists(self) -> bool:
        """Whether the store holds a journal yet (another process may have created it)."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Cursor]:
        """A cursor for reading, its errors turned into StoreError."""
        raise NotImplementedError

    def _snapshot(self) -> AbstractContextManager[Cursor]:
        """A cursor inside one read transaction: every statement sees the same moment."""
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Cursor]:
        """A cursor inside one write transaction holding the writers' lock; the store is
        created and migrated first when needed."""
        raise NotImplementedError

    def _clock(self, cur: Cursor) -> datetime:
        """The recording time (UTC), taken under the writers' lock."""
        raise NotImplementedError

    def _sql(self, text: str) -> str:
        """`text` in this backend's dialect: its table names and parameter marks."""
        raise NotImplementedError

    def _day(self, day: date) -> Any:
        """A date as this backend's parameter."""
        raise NotImplementedError

    def _row(self, e: ProgressEntry) -> tuple[Any, ...]:
        """An entry as this backend's row, in the order of the INSERT."""
        raise NotImplementedError

    def _backend_problems(self, cur: Cursor) -> tuple[list[str], bool]:
        """The backend's own integrity problems, and whether the store is sound enough for the
        journal's own checks to mean anything."""
        raise NotImplementedError

    def migrate(self) -> int:
        """Create the store if needed, bring its schema up to date; the schema version."""
        raise NotImplementedError

    def backup(self, dest: Path) -> None:
        """Write a consistent copy of the store to `dest` (which must not exist yet)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _copying(self, cur: Cursor) -> None:  # noqa: B027
        """Tell a server that this transaction copies a journal (ids, times, roles kept)."""

    def _refuse_unwritable(self, cur: Cursor, tasks: set[tuple[str, int]]) -> None:  # noqa: B027
        """InputError for tasks this connection may not write (a server with roles); a store
        without roles lets every writer write every task."""

    def sync_leads(self, notice_id: str, leads: Mapping[int, Sequence[str]]) -> bool:
        """Record which units lead each task of a notice, where a server enforces who may
        write what; False for a store without roles (nothing to record)."""
        return False

    def grant(self, unit: str, role: str, *, all_tasks: bool = False) -> None:
        """Let a database role write for a unit: the tasks it leads, or all (supervision)."""
        raise InputError(
            "db grant needs a PostgreSQL store (--db postgresql://…); a SQLite file has no roles"
        )

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def latest(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        having: Having | None = None,
        tasks: Collection[int] | None = None,
        basis: Basis = "reported",
    ) -> Latest:
        """Per (notice, task, metric): the entry counting as of `as_of` on a basis (reported:
        the latest not returned; verified: the latest verified); with `having`, the newest such
        entry that carries a note (进展情况) or an invested amount. `notice` and `tasks` limit it
        to those series (reading only what will be shown)."""
        if (tasks is not None and not tasks) or not self._exists():
            return {}
        with self._read() as cur:
            return self._latest(cur, as_of, notice, having, tasks, basis, {})

    def snapshot(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
        basis: Basis = "reported",
    ) -> tuple[Latest, Latest, Latest, Latest]:
        """`follow_up` without the history: what counts, with a note, with an amount, and on
        the other basis, read in one read transaction."""
        found = self.follow_up(as_of, notice=notice, tasks=tasks, basis=basis, needing=_none)
        return found[0], found[1], found[2], found[3]

    def follow_up(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
        basis: Basis = "reported",
        needing: Callable[[Latest, Latest, Latest, Latest], Collection[int]] | None = None,
    ) -> tuple[Latest, Latest, Latest, Latest, History]:
        """Per (notice, task, metric), on a basis: the entry that counts, the newest with a
        note and with an invested amount, the entry that counts on the other basis, and which
        reports stand (`History`, for the months behind in a row and the forecasts), all read
        in one read transaction: a note, an amount or an outlook never comes from another
        moment of the journal than the value beside it, however many writers are at work.
        With `needing`, the history only of the tasks it names when given the rest (it is
        called inside the transaction: a task whose metrics are all done needs none)."""
        nothing = History({}, [], [], self._day, self._readings)
        if (tasks is not None and not tasks) or not self._exists():
            if needing is not None:
                needing({}, {}, {}, {})
            return {}, {}, {}, {}, nothing
        other: Basis = "verified" if basis == "reported" else "reported"
        seen: dict[int, ProgressEntry] = {}  # one entry is often latest in several ways
        with self._snapshot() as cur:
            latest = self._latest(cur, as_of, notice, None, tasks, basis, seen)
            noted = self._newest_having(cur, "note", latest, as_of, notice, basis, seen)
            funded = self._newest_having(cur, "invested", latest, as_of, notice, basis, seen)
            on_other = self._latest(cur, as_of, notice, None, tasks, other, seen)
            wanted = tasks if needing is None else needing(latest, noted, funded, on_other)
            history = self._history(cur, as_of, notice, wanted, latest, basis)
        history.know(latest.values())
        return latest, noted, funded, on_other, history

    def log(
        self,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        include_retracted: bool = True,
    ) -> list[ProgressEntry]:
        """Entries newest first (by id), filtered by notice, task and "as of" date."""
        if limit is not None and limit < 0:
            raise InputError(f"the number of entries must not be negative, not {limit}")
        if (tasks is not None and not tasks) or limit == 0 or not self._exists():
            return []
        where, params = _chosen(notice, tasks, "e.")
        if since is not None:
            where.append("e.date >= ?")
            params.append(self._day(since))
        if until is not None:
            where.append("e.date <= ?")
            params.append(self._day(until))
        if not include_retracted:
            where.append("e.retracts IS NULL AND r.id IS NULL")
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.id DESC"
        if limit is not None:
            sql += f" LIMIT {min(int(limit), 2**62)}"
        return self._fetch_entries(sql, params)

    def last_entry(self, *, by: str | None = None) -> ProgressEntry | None:
        """The newest entry that is not a retraction and not retracted (of `by`, when given)."""
        if not self._exists():
            return None
        sql = (
            f"SELECT {_COLUMNS}, NULL, {_REVIEW_COLUMNS} FROM {{entry}} e{_REVIEW_JOIN}"
            f" WHERE e.retracts IS NULL AND {_NOT_RETRACTED.format(alias='e')}"
            + (" AND e.recorded_by = ?" if by is not None else "")
            + " ORDER BY e.id DESC LIMIT 1"
        )
        found = self._fetch_entries(sql, [] if by is None else [by])
        return found[0] if found else None

    def get(self, entry_id: int) -> ProgressEntry | None:
        if not _is_id(entry_id) or not self._exists():
            return None
        found = self._fetch_entries(_SELECT + " WHERE e.id = ?", [entry_id])
        return found[0] if found else None

    def count(self) -> int:
        """Number of rows in the journal, retractions included."""
        if not self._exists():
            return 0
        with self._read() as cur:
            cur.execute(self._sql("SELECT count(*) FROM {entry}"))
            return int(cur.fetchone()[0])

    # -- writing -----------------------------------------------------------------------------

    def add(self, entries: Sequence[NewEntry]) -> list[ProgressEntry]:
        """Append entries in one transaction and return them as stored."""
        if len(entries) == 0:
            return []
        for position, new in enumerate(entries):  # before anything is created or locked
            validate_entry(new, position if len(entries) > 1 else None)
        with self._write() as cur:
            self._refuse_unwritable(cur, {(e.notice, e.task) for e in entries})
            first, now = self._next_id(cur), self._clock(cur)
            stored = [stored_entry(new, first + n, now) for n, new in enumerate(entries)]
            cur.executemany(self._sql(_INSERT), [self._row(e) for e in stored])
            # as the store keeps them: a server sets the time and the writing role itself
            cur.execute(self._sql(_SELECT + " WHERE e.id >= ? ORDER BY e.id"), [first])
            return [self._entry(row) for row in cur.fetchall()]

    def retract(self, entry_id: int, *, by: str, note: str = "") -> ProgressEntry:
        """Record the retraction of an entry; InputError if unknown or already retracted."""
        check_retraction_args(entry_id, by, note)
        if not self._exists():
            raise InputError(f"there is no entry {entry_id} in the store {self.location}")
        with self._write() as cur:
            cur.execute(self._sql(_SELECT + " WHERE e.id = ?"), [entry_id])
            row = cur.fetchone()
            target = None if row is None else self._entry(row)
            refuse_retraction(target, entry_id, self.location)
            assert target is not None
            self._refuse_unwritable(cur, {(target.notice, target.task)})
            retraction = ProgressEntry(
                id=self._next_id(cur),
                notice=target.notice,
                task=target.task,
                metric=target.metric,
                date=target.date,
                recorded_at=self._clock(cur),
                note=note,
                by=by,
                retracts=target.id,
            )
            cur.execute(self._sql(_INSERT), self._row(retraction))
            cur.execute(self._sql(_SELECT + " WHERE e.id = ?"), [retraction.id])
            return self._entry(cur.fetchone())

    def _fill_entries(self, cur: Cursor, entries: Sequence[ProgressEntry]) -> None:
        """Write a whole journal, ids, times and roles kept, into this empty store, inside the
        caller's write transaction, verified by its checksum (`office.Store.fill`)."""
        check_loadable(entries)
        expected = journal_checksum(entries)
        cur.execute(self._sql("SELECT count(*) FROM {entry}"))
        held = cur.fetchone()[0]
        if held:
            raise StoreError(
                f"the store {self.location} already holds {held} entries:"
                " a journal is copied only into an empty store"
            )
        self._refuse_unwritable(cur, {(e.notice, e.task) for e in entries})
        self._copying(cur)
        cur.executemany(self._sql(_INSERT), [self._row(e) for e in entries])
        cur.execute(self._sql(_SELECT))
        if journal_checksum(self._entry(row) for row in cur.fetchall()) != expected:
            raise StoreError(f"the copy in {self.location} does not match its source")

    # -- maintenance -------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """Integrity problems, one line each; [] when the store is sound (or does not exist)."""
        if not self._exists():
            return []
        with self._read() as cur:
            problems, go_on = self._backend_problems(cur)
            if not go_on:
                return problems
            cur.execute(self._sql(BAD_RETRACTIONS))
            problems += [bad_retraction(*row) for row in cur.fetchall()]
            cur.execute(self._sql(MISSING_SERIES))
            missing = cur.fetchone()[0]
            if missing:
                problems.append(f"{missing} metrics are missing from the series table")
            cur.execute(self._sql("SELECT id, recorded_at FROM {entry} ORDER BY id"))
            problems += out_of_sequence(cur.fetchall(), self.reader)
            cur.execute(self._sql(_SELECT))
            problems += unreadable(cur.fetchall(), self.reader)
        return problems

    # -- inside ------------------------------------------------------------------------------

    def _latest(
        self,
        cur: Cursor,
        as_of: date,
        notice: str | None,
        having: Having | None,
        tasks: Collection[int] | None,
        basis: Basis,
        seen: dict[int, ProgressEntry],
    ) -> Latest:
        where, chosen = _chosen(notice, tasks, "s.")
        params = [self._day(as_of), *chosen]
        if basis not in _BASIS:
            raise InputError(f"unknown basis '{basis}' (use reported or verified)")
        if basis == "verified":  # nothing verified yet (most of a year): no series to walk
            cur.execute(self._sql("SELECT 1 FROM {review} WHERE decision = 'verified' LIMIT 1"))
            if cur.fetchone() is None:
                return {}
        sql = _LATEST.replace("{having}", _HAVING[having] if having else "")
        sql = sql.replace("{basis}", _BASIS[basis]).replace(
            "{where}", " AND ".join(where) or "1 = 1"
        )
        cur.execute(self._sql(sql), params)
        rows = cur.fetchall()  # the whole answer, then parse
        entries = [seen.get(row[0]) or seen.setdefault(row[0], self._entry(row)) for row in rows]
        return {e.key: e for e in entries}

    def _newest_having(
        self,
        cur: Cursor,
        having: Having,
        latest: Latest,
        as_of: date,
        notice: str | None,
        basis: Basis,
        seen: dict[int, ProgressEntry],
    ) -> Latest:
        """Per series of `latest`, the newest entry with a note (or an amount): its latest when
        that has one (a clerk's report usually does), else the journal's, searched only for
        the tasks where it is not."""
        found = {k: e for k, e in latest.items() if _HAS[having](e)}
        rest = {k[1] for k in latest if k not in found}
        if rest:
            more = self._latest(cur, as_of, notice, having, rest, basis, seen)
            found.update((k, e) for k, e in more.items() if k not in found)
        return found

    def _history(
        self,
        cur: Cursor,
        as_of: date,
        notice: str | None,
        tasks: Collection[int] | None,
        latest: Latest,
        basis: Basis,
    ) -> History:
        if tasks is not None and not tasks:
            return History({}, [], [], self._day, self._readings)
        where, chosen = _chosen(notice, tasks, "s.")
        params = [self._day(as_of), *chosen]
        sql = _HISTORY.replace("{basis}", _BASIS[basis].replace("x.id", "e.id"))
        cur.execute(self._sql(sql.replace("{where}", " AND ".join(where) or "1 = 1")), params)
        rows = cur.fetchall()
        ids = [row[0] for row in rows]
        series_of = {entry.id: key for key, entry in latest.items()}
        series: dict[SeriesKey, tuple[int, int]] = {}
        start = 0
        for end, entry_id in enumerate(ids, start=1):
            key = series_of.get(entry_id)
            if key is not None:  # a series' latest report ends its stretch
                series[key] = (start, end)
                start = end
        if start != len(ids):
            raise StoreError(
                f"the journal in {self.location} reads inconsistently: run minshi db check"
            )
        return History(series, ids, [row[1] for row in rows], self._day, self._readings)

    def _readings(self, ids: Collection[int]) -> dict[int, Reading]:
        """What the reports `ids` said (an entry never changes: any moment gives the same)."""
        ordered = sorted(ids)
        rows: list[Sequence[Any]] = []
        with self._read() as cur:
            for at in range(0, len(ordered), _READ_AT_ONCE):
                chunk = ordered[at : at + _READ_AT_ONCE]
                cur.execute(self._sql(_READINGS + f"({_integers(chunk)})"))
                rows += cur.fetchall()
        day, number, found = self.reader.day, self.reader.number, {}
        for entry_id, when, value, done, stage, percent in rows:
            try:
                found[int(entry_id)] = Reading(
                    number(value), bool(done), stage, number(percent), day(when)
                )
            except Damaged as exc:
                raise damaged_entry(self.location, entry_id, exc) from None
        return found

    def _fetch_entries(self, sql: str, params: Sequence[Any]) -> list[ProgressEntry]:
        with self._read() as cur:
            cur.execute(self._sql(sql), params)
            rows = cur.fetchall()
        return [self._entry(row) for row in rows]

    def _next_id(self, cur: Cursor) -> int:
        # ids are never reused: nothing is ever deleted, and the writers' lock is held
        cur.execute(self._sql("SELECT coalesce(max(id), 0) + 1 FROM {entry}"))
        return int(cur.fetchone()[0])

    def _entry(self, row: Sequence[Any]) -> ProgressEntry:
        """The entry a row holds; StoreError naming it when a field of it is damaged."""
        try:
            return entry_from_row(row, self.reader)
        except Damaged as exc:
            raise damaged_entry(self.location, row[0], exc) from None


def _integers(values: Collection[int]) -> str:
    return ", ".join(str(int(v)) for v in sorted(set(values)))


def _chosen(
    notice: str | None, tasks: Collection[int] | None, alias: str = ""
) -> tuple[list[str], list[Any]]:
    """The conditions (and their parameters) that keep the rows of one notice and some tasks;
    the task numbers are integers, so they stand in the text."""
    where, params = [], []
    if notice is not None:
        where.append(f"{alias}notice = ?")
        params.append(notice)
    if tasks is not None:
        where.append(f"{alias}task IN ({_integers(tasks)})")
    return where, params


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _none(*_: object) -> set[int]:
    return set()
