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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi.errors import FileAccessError, InputError, StoreError
from minshi.files import place_new, private_folder_beside
from minshi.store.entries import Damaged, ProgressEntry, RowReader, decimal_text
from minshi.store.journal import Cursor
from minshi.store.office import Store
from minshi.store.sqlite_schema import MIGRATIONS, SCHEMA_OBJECTS, SCHEMA_VERSION

APPLICATION_ID = 0x6D6E7368  # "mnsh" in the file header: marks a minshi store
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a writer waits for another one
BUSY_TIMEOUT_ENV = "MINSHI_BUSY_TIMEOUT"


_TABLE = re.compile(r"\{(\w+)\}")  # {entry} in the journal's SQL: the table entry
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")  # what `_number_check` allows
# what PRAGMA integrity_check says of a row the schema forbids (rather than of a damaged file)
_ROW_PROBLEMS = ("integrity: CHECK constraint failed", "integrity: NULL value in")


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


class SQLiteStore(Store):
    """The journal in a SQLite file. Opening never writes; the first write creates the file."""

    def __init__(self, path: str | Path, *, create: bool) -> None:
        self.path = Path(os.path.abspath(os.fspath(path)))
        self.location = str(self.path)
        self.reader = _READ
        self._create = create
        self._timeout = busy_timeout()
        self._conn: sqlite3.Connection | None = None
        self._version = 0  # schema version of the open file; 0: no store in it yet
        self._ready = False  # checked and migrated for writing
        self._journal_mode = ""
        if self.path.is_dir():
            raise StoreError(f"the store {self.location} is a folder, not a file")
        if self.path.exists() and not self.path.is_file():
            # /dev/null would read as an empty store, and SQLite would put its journal beside it
            raise StoreError(
                f"the store {self.location} is not a regular file (a device, a pipe or a socket)"
            )
        if self.path.exists():
            self._conn = self._open(mode="rw")

    # -- the dialect -----------------------------------------------------------------------

    def _exists(self) -> bool:
        return self._readable() is not None

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        conn = self._readable()
        assert conn is not None
        with self._errors("read"):
            yield conn.cursor()

    @contextmanager
    def _snapshot(self) -> Iterator[Cursor]:
        conn = self._readable()
        assert conn is not None
        with self._errors("read"), _read_transaction(conn):
            yield conn.cursor()

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        conn = self._writable()
        with self._errors("write to"), _transaction(conn):
            yield conn.cursor()

    def _clock(self, cur: Cursor) -> datetime:
        return datetime.now(UTC)

    def _sql(self, text: str) -> str:
        return _TABLE.sub(r"\1", text)

    def _day(self, day: date) -> Any:
        return day.isoformat()

    def _row(self, e: ProgressEntry) -> tuple[Any, ...]:
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
            e.written_as,
            decimal_text(e.allocated),
            decimal_text(e.paid),
        )

    def _moment(self, value: Any) -> Any:
        return value.isoformat(timespec="microseconds")

    def _backend_problems(self, cur: Cursor) -> tuple[list[str], bool]:
        problems = [
            f"integrity: {line}"
            for (line,) in cur.execute("PRAGMA integrity_check").fetchall()
            if line != "ok"
        ]
        if any(not p.startswith(_ROW_PROBLEMS) for p in problems):
            return problems, False  # the file itself is damaged: the rest would read garbage
        problems += [
            f"entry {rowid} of {table} names a missing entry {parent}"
            for table, rowid, parent, _ in cur.execute("PRAGMA foreign_key_check").fetchall()
        ]
        present = {name for (name,) in cur.execute("SELECT name FROM sqlite_master").fetchall()}
        missing = sorted(SCHEMA_OBJECTS - present)
        problems += [f"the schema object {name} is missing" for name in missing]
        return problems, not missing

    def migrate(self) -> int:
        self._writable()
        return SCHEMA_VERSION

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
        try:
            # written in a folder of this user's own (no planted file or symlink is followed by
            # SQLite), then linked into place only if that name is still free
            with private_folder_beside(dest) as folder:
                partial = folder / "backup.db"
                target = sqlite3.connect(os.fspath(partial), isolation_level=None)
                try:
                    conn.backup(target)
                    # a copy in rollback-journal mode is one self-contained file
                    target.execute("PRAGMA journal_mode=DELETE")
                finally:
                    target.close()
                place_new(partial, dest)
        except FileExistsError as exc:
            taken = f"{dest} already exists: choose a new file for the backup"
            raise FileAccessError(taken) from exc
        except (sqlite3.Error, OSError) as exc:
            if isinstance(exc, sqlite3.Error) and _is_source_error(exc):
                raise self._store_error(exc, "back up") from exc
            raise FileAccessError(f"cannot write the backup {dest}: {_os_reason(exc)}") from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

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
            if 0 < version < SCHEMA_VERSION:
                self._upgrade_older(conn, version)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")  # a committed entry survives a power cut
        except BaseException:
            conn.close()
            raise
        return conn

    def _upgrade_older(self, conn: sqlite3.Connection, version: int) -> None:
        """A store written by an older minshi is brought up to date when first opened: its
        entries stay as they are (old entries count as reported), tables are added."""
        try:
            self._upgrade(conn)
        except StoreError as exc:
            raise StoreError(
                f"the store {self.location} has schema version {version}, older than this "
                f"minshi's {SCHEMA_VERSION}, and cannot be upgraded now ({exc.message}): run "
                "`minshi db migrate` as a user who may write it"
            ) from exc
        self._version = SCHEMA_VERSION

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
