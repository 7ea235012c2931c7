"""The progress journal in one SQLite file (stdlib sqlite3): WAL, one transaction per write.

Safety rules, in the order they are applied when a file is opened:
- a file that does not exist is never created by a read; a write creates it (and its folder);
- a file that is not a database, is damaged, belongs to another program or was written by a
  newer minshi is refused before anything is written to it;
- every write is `BEGIN IMMEDIATE … COMMIT`, waiting up to the busy timeout for other writers;
- a read in several statements (`snapshot`) is one read transaction, so it sees one moment;
- a stored field that cannot be read back is a StoreError naming the entry, never a traceback;
- the database itself forbids changing or deleting entries (triggers), so the journal stays
  append-only whatever program opens it.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi.errors import FileAccessError, InputError, StoreError
from minshi.store.base import (
    Damaged,
    Having,
    NewEntry,
    ProgressEntry,
    RowReader,
    SeriesKey,
    bad_retraction,
    bad_retractions_sql,
    check_loadable,
    check_retraction_args,
    damaged_entry,
    decimal_text,
    entry_from_row,
    journal_checksum,
    latest_sql,
    refuse_retraction,
    series_problems_sql,
    stored_entry,
    unreadable_entries,
    validate_entry,
)

APPLICATION_ID = 0x6D6E7368  # "mnsh" in the file header: marks a minshi store
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a writer waits for another one
BUSY_TIMEOUT_ENV = "MINSHI_BUSY_TIMEOUT"


def _number_check(column: str) -> str:
    """A number as every store keeps it (`decimal_text`): digits, at most one point between
    digits. (Stores created before this check was tightened hold digits and points only; a
    reader refuses what does not parse, and `check` names it.)"""
    return (
        f"CHECK ({column} GLOB '[0-9]*' AND {column} NOT GLOB '*[^0-9.]*'"
        f" AND {column} NOT GLOB '*.*.*' AND {column} NOT GLOB '*.')"
    )


# Ordered migrations: MIGRATIONS[n] takes a store from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"""
        CREATE TABLE entry (
            id          INTEGER PRIMARY KEY,
            notice      TEXT    NOT NULL CHECK (length(notice) > 0),
            task        INTEGER NOT NULL CHECK (typeof(task) = 'integer' AND task >= 1),
            metric      TEXT    NOT NULL CHECK (length(metric) > 0),
            date        TEXT    NOT NULL CHECK (date IS strftime('%Y-%m-%d', date)),
            recorded_at TEXT    NOT NULL,
            value       TEXT    {_number_check("value")},
            done        INTEGER CHECK (done IN (0, 1)),
            stage       TEXT,
            percent     TEXT    {_number_check("percent")},
            invested    TEXT    {_number_check("invested")},
            note        TEXT    NOT NULL DEFAULT '',
            recorded_by TEXT    NOT NULL DEFAULT '',
            retracts    INTEGER UNIQUE REFERENCES entry (id),
            CHECK (retracts IS NULL OR retracts < id)
        )
        """,
        # latest(as_of) walks this index backwards from as_of, one step per metric
        """
        CREATE INDEX entry_by_series ON entry (notice, task, metric, date)
        WHERE retracts IS NULL
        """,
        # every (notice, task, metric) ever reported, kept by the database itself
        """
        CREATE TABLE series (
            notice TEXT    NOT NULL,
            task   INTEGER NOT NULL,
            metric TEXT    NOT NULL,
            PRIMARY KEY (notice, task, metric)
        ) WITHOUT ROWID
        """,
        """
        CREATE TRIGGER entry_series AFTER INSERT ON entry WHEN NEW.retracts IS NULL
        BEGIN
            INSERT OR IGNORE INTO series (notice, task, metric)
            VALUES (NEW.notice, NEW.task, NEW.metric);
        END
        """,
        """
        CREATE TRIGGER entry_retraction BEFORE INSERT ON entry WHEN NEW.retracts IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'a retraction must name an entry of the same metric')
            WHERE NOT EXISTS (
                SELECT 1 FROM entry t
                WHERE t.id = NEW.retracts AND t.retracts IS NULL AND t.notice = NEW.notice
                  AND t.task = NEW.task AND t.metric = NEW.metric
            );
        END
        """,
        """
        CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
        BEGIN
            SELECT RAISE(ABORT, 'the progress journal is append-only: entries are never changed');
        END
        """,
        """
        CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
        BEGIN
            SELECT RAISE(ABORT, 'the progress journal is append-only: entries are never deleted');
        END
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
_SCHEMA_OBJECTS = {
    "entry",
    "series",
    "entry_by_series",
    "entry_series",
    "entry_retraction",
    "entry_no_update",
    "entry_no_delete",
}

_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")  # what `_number_check` allows
# what PRAGMA integrity_check says of a row the schema forbids (rather than of a damaged file)
_ROW_PROBLEMS = ("integrity: CHECK constraint failed", "integrity: NULL value in")

_COLUMNS = (
    "e.id, e.notice, e.task, e.metric, e.date, e.recorded_at, e.value, e.done, e.stage, "
    "e.percent, e.invested, e.note, e.recorded_by, e.retracts"
)
_SELECT = f"SELECT {_COLUMNS}, r.id FROM entry e LEFT JOIN entry r ON r.retracts = e.id"
_INSERT = (
    "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value, done, stage, "
    "percent, invested, note, recorded_by, retracts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_NOT_RETRACTED = "NOT EXISTS (SELECT 1 FROM entry r2 WHERE r2.retracts = {alias}.id)"
_LATEST = f"""
    SELECT {_COLUMNS}, NULL
    FROM series s
    JOIN entry e ON e.id = (
        SELECT x.id FROM entry x
        WHERE x.notice = s.notice AND x.task = s.task AND x.metric = s.metric
          AND x.retracts IS NULL AND x.date <= :as_of
          AND {_NOT_RETRACTED.format(alias="x")} {{having}}
        ORDER BY x.date DESC, x.id DESC
        LIMIT 1
    )
    WHERE {{where}}
"""


def busy_timeout() -> float:
    """Seconds a writer waits for another one: MINSHI_BUSY_TIMEOUT, or 10."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:  # also refuses nan
        raise InputError(f"{BUSY_TIMEOUT_ENV} must be a number of seconds, not {raw!r}")
    return seconds


class SQLiteStore:
    """The journal in a SQLite file. Opening never writes; the first write creates the file."""

    def __init__(self, path: str | Path, *, create: bool) -> None:
        self.path = Path(os.path.abspath(os.fspath(path)))
        self.location = str(self.path)
        self._create = create
        self._timeout = busy_timeout()
        self._conn: sqlite3.Connection | None = None
        self._version = 0  # schema version of the open file; 0: no store in it yet
        self._ready = False  # checked and migrated for writing
        self._journal_mode = ""
        if self.path.is_dir():
            raise StoreError(f"the store {self.location} is a folder, not a file")
        if self.path.exists():
            self._conn = self._open(mode="rw")

    # -- reading ---------------------------------------------------------------------------

    def latest(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        having: Having | None = None,
        tasks: Collection[int] | None = None,
    ) -> dict[SeriesKey, ProgressEntry]:
        conn = self._readable()
        if conn is None or (tasks is not None and not tasks):
            return {}
        with self._errors("read"):
            return self._latest(conn, as_of, notice, having, tasks)

    def snapshot(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
    ) -> tuple[
        dict[SeriesKey, ProgressEntry],
        dict[SeriesKey, ProgressEntry],
        dict[SeriesKey, ProgressEntry],
    ]:
        conn = self._readable()
        if conn is None or (tasks is not None and not tasks):
            return {}, {}, {}
        with self._errors("read"), _read_transaction(conn):
            return (
                self._latest(conn, as_of, notice, None, tasks),
                self._latest(conn, as_of, notice, "note", tasks),
                self._latest(conn, as_of, notice, "invested", tasks),
            )

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
        conn = self._readable()
        if conn is None or (tasks is not None and not tasks) or limit == 0:
            return []
        where: list[str] = []
        params: list[Any] = []
        if notice is not None:
            where.append("e.notice = ?")
            params.append(notice)
        if tasks is not None:
            task_ids = sorted(set(tasks))
            where.append(f"e.task IN ({', '.join('?' * len(task_ids))})")
            params.extend(task_ids)
        if since is not None:
            where.append("e.date >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("e.date <= ?")
            params.append(until.isoformat())
        if not include_retracted:
            where.append("e.retracts IS NULL AND r.id IS NULL")
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.id DESC"
        if limit is not None:
            if limit < 0:
                raise InputError(f"the number of entries must not be negative, not {limit}")
            sql += " LIMIT ?"
            params.append(limit)
        with self._errors("read"):
            return [self._entry(row) for row in conn.execute(sql, params).fetchall()]

    def last_entry(self, *, by: str | None = None) -> ProgressEntry | None:
        conn = self._readable()
        if conn is None:
            return None
        sql = (
            f"SELECT {_COLUMNS}, NULL FROM entry e WHERE e.retracts IS NULL"
            f" AND {_NOT_RETRACTED.format(alias='e')}"
            + (" AND e.recorded_by = ?" if by is not None else "")
            + " ORDER BY e.id DESC LIMIT 1"
        )
        with self._errors("read"):
            row = conn.execute(sql, () if by is None else (by,)).fetchone()
            return None if row is None else self._entry(row)

    def get(self, entry_id: int) -> ProgressEntry | None:
        conn = self._readable()
        if conn is None:
            return None
        with self._errors("read"):
            row = conn.execute(_SELECT + " WHERE e.id = ?", (entry_id,)).fetchone()
            return None if row is None else self._entry(row)

    def count(self) -> int:
        conn = self._readable()
        if conn is None:
            return 0
        with self._errors("read"):
            return int(conn.execute("SELECT count(*) FROM entry").fetchone()[0])

    def _latest(
        self,
        conn: sqlite3.Connection,
        as_of: date,
        notice: str | None,
        having: Having | None,
        tasks: Collection[int] | None,
    ) -> dict[SeriesKey, ProgressEntry]:
        where = ["s.notice = :notice"] if notice is not None else []
        if tasks is not None:  # integers only, so they can stand in the text
            where.append(f"s.task IN ({', '.join(str(int(t)) for t in sorted(set(tasks)))})")
        rows = conn.execute(
            latest_sql(_LATEST, having, where), {"as_of": as_of.isoformat(), "notice": notice}
        ).fetchall()  # the statement is done before a damaged row can stop the reading
        entries = [self._entry(row) for row in rows]
        return {e.key: e for e in entries}

    # -- writing ---------------------------------------------------------------------------

    def add(self, entries: Sequence[NewEntry]) -> list[ProgressEntry]:
        if len(entries) == 0:
            return []
        for position, new in enumerate(entries):  # before anything is created or locked
            validate_entry(new, position if len(entries) > 1 else None)
        conn = self._writable()
        stored: list[ProgressEntry] = []

        def rows(first_id: int, now: datetime) -> Iterator[tuple[Any, ...]]:
            for position, new in enumerate(entries):
                entry = stored_entry(new, first_id + position, now)
                stored.append(entry)
                yield _row(entry)

        with self._errors("write to"), _transaction(conn):
            # the time is taken under the write lock, so later ids never have earlier times
            conn.executemany(_INSERT, rows(_next_id(conn), _utc_now()))
        return stored

    def load(self, entries: Sequence[ProgressEntry]) -> None:
        check_loadable(entries)
        conn = self._writable()
        expected = journal_checksum(entries)
        with self._errors("write to"), _transaction(conn):
            held = conn.execute("SELECT count(*) FROM entry").fetchone()[0]
            if held:
                raise StoreError(
                    f"the store {self.location} already holds {held} entries:"
                    " a journal is copied only into an empty store"
                )
            conn.executemany(_INSERT, (_row(e) for e in entries))
            copied = [self._entry(row) for row in conn.execute(_SELECT)]
            if journal_checksum(copied) != expected:
                raise StoreError(f"the copy in {self.location} does not match its source")

    def retract(self, entry_id: int, *, by: str, note: str = "") -> ProgressEntry:
        check_retraction_args(entry_id, by, note)
        if self._readable() is None:
            raise InputError(f"there is no entry {entry_id} in the store {self.location}")
        conn = self._writable()
        with self._errors("write to"), _transaction(conn):
            row = conn.execute(_SELECT + " WHERE e.id = ?", (entry_id,)).fetchone()
            target = None if row is None else self._entry(row)
            refuse_retraction(target, entry_id, self.location)
            assert target is not None
            retraction = ProgressEntry(
                id=_next_id(conn),
                notice=target.notice,
                task=target.task,
                metric=target.metric,
                date=target.date,
                recorded_at=_utc_now(),
                note=note,
                by=by,
                retracts=target.id,
            )
            conn.execute(_INSERT, _row(retraction))
        return retraction

    def migrate(self) -> int:
        """Create the store if needed and bring its schema up to date; the schema version."""
        self._writable()
        return SCHEMA_VERSION

    # -- maintenance -----------------------------------------------------------------------

    def check(self) -> list[str]:
        conn = self._readable()
        if conn is None:
            return []
        problems: list[str] = []
        with self._errors("check"):
            problems += [
                f"integrity: {line}"
                for (line,) in conn.execute("PRAGMA integrity_check")
                if line != "ok"
            ]
            if any(not p.startswith(_ROW_PROBLEMS) for p in problems):
                return problems  # the file itself is damaged: the rest would read garbage
            problems += [
                f"entry {rowid} of {table} names a missing entry {parent}"
                for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
            ]
            present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
            problems += [
                f"the schema object {name} is missing" for name in sorted(_SCHEMA_OBJECTS - present)
            ]
            if _SCHEMA_OBJECTS - present:
                return problems
            problems += [bad_retraction(*row) for row in conn.execute(bad_retractions_sql("entry"))]
            missing = conn.execute(series_problems_sql("entry", "series")).fetchone()[0]
            if missing:
                problems.append(f"{missing} metrics are missing from the series table")
            problems += unreadable_entries(conn.execute(_SELECT), _parse)
        return problems

    def backup(self, dest: Path) -> None:
        dest = Path(os.path.abspath(os.fspath(dest)))
        conn = self._readable()
        if conn is None:
            raise StoreError(f"there is no store at {self.location} yet: nothing to back up")
        if dest == self.path:
            raise FileAccessError(f"the backup {dest} would overwrite the store itself")
        if os.path.lexists(dest):
            raise FileAccessError(f"{dest} already exists: choose a new file for the backup")
        if not dest.parent.is_dir():
            raise FileAccessError(f"cannot write the backup {dest}: no folder {dest.parent}")
        partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
        try:
            target = sqlite3.connect(os.fspath(partial), isolation_level=None)
            try:
                conn.backup(target)
                # a copy in rollback-journal mode is one self-contained file, readable anywhere
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
            os.replace(partial, dest)
        except (sqlite3.Error, OSError) as exc:
            for leftover in (partial, Path(f"{partial}-journal")):
                leftover.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error) and _is_source_error(exc):
                raise self._store_error(exc, "back up") from exc
            raise FileAccessError(f"cannot write the backup {dest}: {_os_reason(exc)}") from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening ---------------------------------------------------------------------------

    def _readable(self) -> sqlite3.Connection | None:
        """The connection, or None while there is no store (reads then find nothing)."""
        if self._conn is None and self.path.exists():
            self._conn = self._open(mode="rw")  # another process created it meanwhile
        elif self._conn is not None and self._version == 0:
            self._version = self._inspect(self._conn)
        return self._conn if self._version > 0 else None

    def _writable(self) -> sqlite3.Connection:
        if not self._create:
            raise StoreError(f"the store {self.location} was opened for reading only")
        if self._conn is None:
            self._make_folder()
            self._conn = self._open(mode="rwc")
        if not self._ready:
            self._version = self._inspect(self._conn)
            if self._version < SCHEMA_VERSION or self._journal_mode != "wal":
                self._upgrade(self._conn)
                self._version = SCHEMA_VERSION
            self._ready = True
        return self._conn

    def _open(self, *, mode: str) -> sqlite3.Connection:
        uri = f"{self.path.as_uri()}?mode={mode}"
        try:
            conn = sqlite3.connect(
                uri,
                uri=True,
                timeout=self._timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise self._open_error(exc) from exc
        try:
            version = self._version = self._inspect(conn)
            if 0 < version < SCHEMA_VERSION and not self._create:
                raise StoreError(
                    f"the store {self.location} has schema version {version}, older than this "
                    f"minshi's {SCHEMA_VERSION}: run `minshi db migrate` to upgrade it"
                )
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")  # a committed entry survives a power cut
        except BaseException:
            conn.close()
            raise
        return conn

    def _inspect(self, conn: sqlite3.Connection) -> int:
        """The schema version of the file, refusing what is not a minshi store (writes nothing)."""
        with self._errors("open"):
            # one statement, so one snapshot even while another minshi is creating the store
            app_id, version, objects = conn.execute(
                "SELECT (SELECT application_id FROM pragma_application_id()),"
                " (SELECT user_version FROM pragma_user_version()),"
                " (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
            self._journal_mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if app_id == 0 and version == 0 and objects == 0:
            return 0  # an empty database: a new store
        if app_id != APPLICATION_ID:
            raise StoreError(
                f"{self.location} is not a minshi store (a database of another program)"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.location} was written by a newer minshi (schema version "
                f"{version}; this one knows up to {SCHEMA_VERSION}): upgrade minshi"
            )
        return int(version)

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        with self._errors("write to"):
            with _transaction(conn):
                version = self._inspect(conn)  # again, under the write lock
                for steps in MIGRATIONS[version:]:
                    for statement in steps:
                        conn.execute(statement)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            # Switching to WAL needs the file to itself, and SQLite may answer "busy" at once
            # rather than wait while other processes open it: wait here, up to the timeout.
            deadline = time.monotonic() + self._timeout
            while self._journal_mode != "wal":
                try:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    # a file system without shared memory keeps the rollback journal: still
                    # safe, writers just wait a little more for readers
                    self._journal_mode = "wal" if mode else ""
                except sqlite3.OperationalError as exc:
                    if _error_kind(exc) != "busy" or time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)

    def _make_folder(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = self._folder_reason() or _os_reason(exc)
            raise StoreError(f"cannot create the store {self.location}: {reason}") from exc

    # -- errors ----------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise self._store_error(exc, action) from exc

    def _store_error(self, exc: sqlite3.Error, action: str) -> StoreError:
        kind = _error_kind(exc)
        where = self.location
        if kind == "busy":
            return StoreError(f"the store {where} is busy: another minshi is writing; try again")
        if kind == "notadb":
            return StoreError(f"{where} is not a minshi store (file is not a database)")
        if kind == "corrupt":
            return StoreError(
                f"the store {where} is damaged (database disk image is malformed): "
                "restore it from a backup"
            )
        if kind == "full":
            return StoreError(f"cannot {action} the store {where}: the disk is full")
        if kind == "readonly":
            return StoreError(
                f"cannot {action} the store {where}: it is read-only"
                f" ({self._folder_reason() or 'check the permissions of the file'})"
            )
        if kind == "cantopen":
            return self._open_error(exc)
        if kind == "constraint":
            return StoreError(f"the store {where} refused the write: {exc}")
        return StoreError(f"cannot {action} the store {where}: {exc}")

    def _open_error(self, exc: sqlite3.Error) -> StoreError:
        if _error_kind(exc) not in ("cantopen", "readonly", "ioerr"):
            return self._store_error(exc, "open")
        verb = "create" if not self.path.exists() else "open"
        reason = self._folder_reason() or str(exc)
        return StoreError(f"cannot {verb} the store {self.location}: {reason}")

    def _folder_reason(self) -> str | None:
        """Why the store's folder cannot be made or written to, if it cannot."""
        folder = existing = self.path.parent
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return f"{existing} is not a folder"
        if existing != folder and not self._create:
            return f"the folder {folder} does not exist"
        if os.statvfs(existing).f_flag & os.ST_RDONLY:
            return f"{existing} is on a read-only file system"
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"permission denied for the folder {existing}"
        return None

    # -- rows ------------------------------------------------------------------------------

    def _entry(self, row: sqlite3.Row | tuple[Any, ...]) -> ProgressEntry:
        """The entry a row holds; StoreError naming it when a field of it is damaged."""
        try:
            return _parse(row)
        except Damaged as exc:
            raise damaged_entry(self.location, row[0], exc) from None


def _parse(row: Sequence[Any]) -> ProgressEntry:
    """The entry a row holds; Damaged when a field cannot be read back."""
    return entry_from_row(row, _READ)


@contextmanager
def _read_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: in WAL mode every statement in it reads the same snapshot (and in
    rollback-journal mode its shared lock keeps writers out until it ends). Always ended, so a
    later write on the connection can begin its own."""
    conn.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")  # it wrote nothing: ending it is all that is needed


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _next_id(conn: sqlite3.Connection) -> int:
    # ids are never reused: nothing is ever deleted, and we hold the write lock
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM entry").fetchone()[0])


def _row(e: ProgressEntry) -> tuple[Any, ...]:
    return (
        e.id,
        e.notice,
        e.task,
        e.metric,
        e.date.isoformat(),
        e.recorded_at.isoformat(timespec="microseconds"),
        decimal_text(e.value),
        None if e.done is None else int(e.done),
        e.stage,
        decimal_text(e.percent),
        decimal_text(e.invested),
        e.note,
        e.by,
        e.retracts,
    )


def _decimal(text: object) -> Decimal | None:
    if text is None:
        return None
    if isinstance(text, str) and _NUMBER.fullmatch(text):
        return Decimal(text)  # digits with at most one point always parse
    raise Damaged(f"a damaged number {text!r}")


def _day(text: object) -> date:
    try:
        return date.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Damaged(f"a damaged date {text!r}") from None


def _time(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Damaged(f"a damaged recording time {text!r}")
    return moment


def _utc_now() -> datetime:
    return datetime.now(UTC)


_ERROR_NAMES = {
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_NOTADB": "notadb",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_FULL": "full",
    "SQLITE_READONLY": "readonly",
    "SQLITE_CANTOPEN": "cantopen",
    "SQLITE_CONSTRAINT": "constraint",
    "SQLITE_IOERR": "ioerr",
}
_ERROR_TEXTS = (  # for Python 3.10, whose exceptions carry no error code
    ("locked", "busy"),
    ("not a database", "notadb"),
    ("malformed", "corrupt"),
    ("is full", "full"),
    ("readonly", "readonly"),
    ("unable to open", "cantopen"),
    ("constraint", "constraint"),
    ("append-only", "constraint"),
    ("retraction", "constraint"),
    ("disk i/o", "ioerr"),
)


def _error_kind(exc: sqlite3.Error) -> str:
    name: str | None = getattr(exc, "sqlite_errorname", None)
    if name:
        for prefix, kind in _ERROR_NAMES.items():
            if name == prefix or name.startswith(prefix + "_"):
                return kind
    text = str(exc).lower()
    for fragment, kind in _ERROR_TEXTS:
        if fragment in text:
            return kind
    return "other"


def _is_source_error(exc: sqlite3.Error) -> bool:
    return _error_kind(exc) in ("busy", "corrupt", "notadb")


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        code = exc.errno
        if code in (errno.EACCES, errno.EPERM):
            return "permission denied"
        if code == errno.EROFS:
            return "read-only file system"
        if code == errno.ENOSPC:
            return "the disk is full"
        if code in (errno.ENOTDIR, errno.EEXIST):
            return f"{exc.filename or 'a part of the path'} is not a folder"
        return exc.strerror or str(exc)
    if isinstance(exc, sqlite3.Error) and _error_kind(exc) == "full":
        return "the disk is full"
    return str(exc)


_READ = RowReader(day=_day, moment=_time, number=_decimal)  # SQLite stores text
