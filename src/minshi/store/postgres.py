"""The progress journal on a PostgreSQL server, shared by a district's lead units (issue 8).

Same interface and rules as the SQLite store: append-only (the server refuses UPDATE and DELETE),
one transaction per write, writers serialised (an advisory lock, waited for up to the busy
timeout) so ids follow the order of recording. Everything lives in the schema ``minshi``.

Who may write what is enforced by the server with row-level security: a role may add entries
only for tasks led by a unit mapped to it (``grant``), or for every task when its unit is granted
``all_tasks`` (the supervision office); any role may read. The task → lead units mapping comes
from the notices (``sync_leads``). The owner of the tables (who ran the migrations) is not bound
by the policy.

psycopg is imported only when a server URL is opened.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minshi.config import hide_secrets, redact
from minshi.errors import FileAccessError, InputError, StoreError
from minshi.files import place_new, private_folder_beside
from minshi.store.entries import Damaged, ProgressEntry, RowReader, canonical_decimal
from minshi.store.journal import Cursor
from minshi.store.office import Store, copy_journal
from minshi.store.postgres_schema import MIGRATIONS, WRITE_LOCK
from minshi.store.sqlite import SQLiteStore, busy_timeout

if TYPE_CHECKING:
    import psycopg

SCHEMA = "minshi"
CONNECT_TIMEOUT = 10  # seconds
_TABLE = re.compile(r"\{(\w+)\}")  # {entry} in the journal's SQL: the table minshi.entry

SCHEMA_VERSION = len(MIGRATIONS)
_SCHEMA_OBJECTS = {
    "entry",
    "series",
    "task_lead",
    "unit_role",
    "meta",
    "review",
    "closure",
    "evidence",
    "verifier",
    "rating",
}
_TRIGGERS = {
    "entry": {"entry_guard", "entry_no_truncate", "entry_stamp"},
    **{
        t: {f"{t}_guard", f"{t}_no_truncate", f"{t}_stamp"}
        for t in ("review", "closure", "evidence", "rating")
    },
}


def _psycopg() -> Any:
    try:
        import psycopg  # the [postgres] extra, only for a server store
    except ImportError:
        raise StoreError(
            "PostgreSQL support is not installed: pip install 'minshi[postgres]'"
        ) from None
    # psycopg logs what it ignores while a dead connection is torn down; minshi says it in one
    # line of its own (StoreError), so those log lines are not for the clerk
    import logging  # with psycopg only

    logging.getLogger("psycopg").setLevel(logging.CRITICAL)
    return psycopg


class PostgresStore(Store):
    """The journal in the ``minshi`` schema of a PostgreSQL database."""

    def __init__(self, url: str, *, create: bool) -> None:
        self._psycopg = _psycopg()
        self.url = url
        self.location = redact(url)
        self.reader = _READ
        self._create = create
        self._version = 0
        self._ready = False
        timeout_ms = max(1, int(busy_timeout() * 1000))
        try:
            self._conn: psycopg.Connection[Any] = self._psycopg.connect(
                url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT,
                options=f"-c timezone=UTC -c lock_timeout={timeout_ms}",
            )
        except self._psycopg.Error as exc:
            reason = hide_secrets(_reason(exc), url)
            raise StoreError(f"cannot connect to the store {self.location}: {reason}") from exc
        try:
            self._version = self._inspect()
            if 0 < self._version < SCHEMA_VERSION and not create:
                raise StoreError(
                    f"the store {self.location} has schema version {self._version}, older than"
                    f" this minshi's {SCHEMA_VERSION}: run `minshi db migrate` to upgrade it"
                )
        except BaseException:
            self._conn.close()
            raise

    # -- the dialect -----------------------------------------------------------------------

    def _exists(self) -> bool:
        if self._version == 0:
            self._version = self._inspect()  # created by another minshi meanwhile
        return self._version > 0

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        with self._errors("read"), self._conn.cursor() as cur:
            yield cur

    @contextmanager
    def _snapshot(self) -> Iterator[Cursor]:
        with self._errors("read"), self._conn.transaction(), self._conn.cursor() as cur:
            # every statement of the transaction reads the snapshot taken at its first query
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cur

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        self._writable()
        with self._transaction() as cur:
            # ids follow the order of recording: every minshi writer holds the same lock
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            yield cur

    def _clock(self, cur: Cursor) -> datetime:
        cur.execute("SELECT clock_timestamp()")
        moment: datetime = cur.fetchone()[0]
        return moment

    def _sql(self, text: str) -> str:
        return _TABLE.sub(r"minshi.\1", text).replace("?", "%s")

    def _day(self, day: date) -> Any:
        return day

    def _row(self, e: ProgressEntry) -> tuple[Any, ...]:
        return (
            e.id,
            e.notice,
            e.task,
            e.metric,
            e.date,
            e.recorded_at,
            canonical_decimal(e.value),
            e.done,
            e.stage,
            canonical_decimal(e.percent),
            canonical_decimal(e.invested),
            e.note,
            e.by,
            e.retracts,
            e.written_as,
            canonical_decimal(e.allocated),
            canonical_decimal(e.paid),
        )

    def _blob(self, content: bytes) -> Any:
        return self._psycopg.Binary(content)

    def _copying(self, cur: Cursor) -> None:
        # the owner copying a journal keeps its ids, times and roles (minshi.stamp)
        cur.execute("SET LOCAL minshi.copying = 'on'")

    def _backend_problems(self, cur: Cursor) -> tuple[list[str], bool]:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [SCHEMA]
        )
        present = {name for (name,) in cur.fetchall()}
        problems = [
            f"the table minshi.{name} is missing" for name in sorted(_SCHEMA_OBJECTS - present)
        ]
        if problems:
            return problems, False
        for table, wanted in _TRIGGERS.items():
            cur.execute(f"SELECT tgname FROM pg_trigger WHERE tgrelid = 'minshi.{table}'::regclass")
            triggers = {name for (name,) in cur.fetchall()}
            problems += [f"the trigger {name} is missing" for name in sorted(wanted - triggers)]
            cur.execute(
                f"SELECT relrowsecurity FROM pg_class WHERE oid = 'minshi.{table}'::regclass"
            )
            if not cur.fetchone()[0]:
                problems.append(f"row-level security is switched off on minshi.{table}")
        return problems, True

    def _refuse_unreviewable(self, cur: Cursor, entries: Sequence[ProgressEntry]) -> None:
        """Say in one line why the server will refuse (it refuses whatever the client says)."""
        if self._owner(cur):
            return  # the owner of the journal is not bound by its rules (as with RLS)
        if self._owner_or_verifier(cur):
            own = [e.id for e in entries if e.written_as and e.written_as == self._role(cur)]
            if own:
                raise InputError(
                    f"the role {self._role(cur)} wrote entry {own[0]}: nobody verifies or "
                    "returns an entry of their own (another verifier must)"
                )
            return
        raise InputError(
            f"the role {self._role(cur)} may not verify or return entries: that is the office's "
            "right (minshi db grant --verifier ROLE)"
        )

    def _refuse_unwritable_rating(self, cur: Cursor) -> None:
        if not self._owner_or_verifier(cur):
            raise InputError(
                f"the role {self._role(cur)} may not record ratings: that is the office's "
                "right (minshi db grant --verifier ROLE)"
            )

    def _number(self, number: Decimal) -> Any:
        return canonical_decimal(number)

    def _refuse_unwritable_closure(self, cur: Cursor) -> None:
        if not self._owner_or_verifier(cur):
            raise InputError(
                f"the role {self._role(cur)} may not close or reopen tasks: that is the office's "
                "right (minshi db grant --verifier ROLE)"
            )

    def _role(self, cur: Cursor) -> str:
        cur.execute("SELECT current_user")
        role: str = cur.fetchone()[0]
        return role

    def _owner(self, cur: Cursor) -> bool:
        cur.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_tables"
            " WHERE schemaname = 'minshi' AND tablename = 'entry' AND tableowner = current_user)"
        )
        return bool(cur.fetchone()[0])

    def _owner_or_verifier(self, cur: Cursor) -> bool:
        cur.execute(
            "SELECT minshi.is_verifier() OR EXISTS (SELECT 1 FROM pg_tables"
            " WHERE schemaname = 'minshi' AND tablename = 'entry' AND tableowner = current_user)"
        )
        return bool(cur.fetchone()[0])

    def grant_verifier(self, role: str) -> None:
        """Give a role the office's right: verify, return, close, reopen (its own entries
        excepted)."""
        sql = self._psycopg.sql
        with self._write() as cur:
            self._refuse_missing_role(cur, role)
            cur.execute(
                "INSERT INTO minshi.verifier (role) VALUES (%s) ON CONFLICT DO NOTHING", [role]
            )
            for table in ("review", "closure", "evidence", "rating"):
                cur.execute(
                    sql.SQL("GRANT INSERT ON minshi.{} TO {}").format(
                        sql.Identifier(table), sql.Identifier(role)
                    )
                )

    def _refuse_missing_role(self, cur: Cursor, role: str) -> None:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cur.fetchone() is None:
            raise InputError(
                f"there is no role {role!r} on the server of {self.location}:"
                " create it first (CREATE ROLE … LOGIN)"
            )

    def _refuse_unwritable(self, cur: Cursor, tasks: set[tuple[str, int]]) -> None:
        self._refuse_unled(cur, tasks)

    def migrate(self) -> int:
        self._writable()
        return SCHEMA_VERSION

    def grant(self, unit: str, role: str, *, all_tasks: bool = False) -> None:
        """Let a database role write for a unit: the tasks it leads, or all (supervision)."""
        if not unit.strip() or not role.strip():
            raise InputError("a unit name and a role name are needed")
        self._writable()
        sql = self._psycopg.sql
        with self._write() as cur:
            self._refuse_missing_role(cur, role)
            cur.execute(
                "INSERT INTO minshi.unit_role (unit, role, all_tasks) VALUES (%s, %s, %s)"
                " ON CONFLICT (unit, role) DO UPDATE SET all_tasks = EXCLUDED.all_tasks",
                [unit, role, all_tasks],
            )
            cur.execute(sql.SQL("GRANT INSERT ON minshi.entry TO {}").format(sql.Identifier(role)))

    def sync_leads(self, notice_id: str, leads: Mapping[int, Sequence[str]]) -> bool:
        """Record which units lead each task of a notice (replacing what was recorded)."""
        self._writable()
        with self._write() as cur:
            cur.execute("DELETE FROM minshi.task_lead WHERE notice = %s", [notice_id])
            cur.executemany(
                "INSERT INTO minshi.task_lead (notice, task, unit) VALUES (%s, %s, %s)",
                [
                    (notice_id, task, unit)
                    for task, units in sorted(leads.items())
                    for unit in dict.fromkeys(units)
                ],
            )
        return True

    # -- maintenance -----------------------------------------------------------------------

    def backup(self, dest: Path) -> None:
        """Copy the journal into a new SQLite file (which any minshi can open)."""
        if not self._exists():
            raise StoreError(f"there is no store at {self.location} yet: nothing to back up")
        dest = Path(os.path.abspath(os.fspath(dest)))
        if os.path.lexists(dest):
            raise FileAccessError(f"{dest} already exists: choose a new file for the backup")
        if not dest.parent.is_dir():
            raise FileAccessError(f"cannot write the backup {dest}: no folder {dest.parent}")
        try:
            # made in a folder of this user's own, then linked into place if the name is free
            with private_folder_beside(dest) as folder:
                copy = SQLiteStore(folder / "backup.db", create=True)
                try:
                    copy_journal(self, copy)
                finally:
                    copy.close()
                place_new(folder / "backup.db", dest)
        except FileExistsError as exc:
            taken = f"{dest} already exists: choose a new file for the backup"
            raise FileAccessError(taken) from exc
        except OSError as exc:
            raise FileAccessError(f"cannot write the backup {dest}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        self._conn.close()

    # -- inside ----------------------------------------------------------------------------

    def _inspect(self) -> int:
        """The schema version on the server; 0 when there is no minshi schema yet."""
        rows = self._fetch("SELECT to_regclass('minshi.meta') IS NOT NULL")
        if not rows[0][0]:
            return 0
        version = int(self._fetch("SELECT schema_version FROM minshi.meta")[0][0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.location} was written by a newer minshi (schema version "
                f"{version}; this one knows up to {SCHEMA_VERSION}): upgrade minshi"
            )
        return version

    def _writable(self) -> None:
        if not self._create:
            raise StoreError(f"the store {self.location} was opened for reading only")
        if self._ready:
            return
        with self._transaction() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])  # one migrator
            # read pg_class itself: to_regclass could answer from a catalog cache older
            # than the migration another minshi committed while this one waited
            cur.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = 'minshi' AND c.relname = 'meta')"
            )
            version = 0
            if cur.fetchone()[0]:  # type: ignore[index]
                cur.execute("SELECT schema_version FROM minshi.meta")
                version = int(cur.fetchone()[0])  # type: ignore[index]
            if version > SCHEMA_VERSION:
                self._inspect()  # raises the "newer minshi" error
            for steps in MIGRATIONS[version:]:
                for statement in steps:
                    cur.execute(statement)
            if version < SCHEMA_VERSION:
                cur.execute("UPDATE minshi.meta SET schema_version = %s", [SCHEMA_VERSION])
        self._version = SCHEMA_VERSION
        self._ready = True

    def _refuse_unled(self, cur: psycopg.Cursor[Any], tasks: set[tuple[str, int]]) -> None:
        """InputError naming the role, its units and the task, for tasks it may not write."""
        cur.execute(
            "SELECT t.notice, t.task FROM unnest(%s::text[], %s::int[]) AS t(notice, task)"
            " WHERE NOT minshi.may_write(t.notice, t.task)"
            " AND NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'minshi'"
            " AND tablename = 'entry' AND tableowner = current_user)"
            " AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles"
            " WHERE rolname = current_user)"
            " ORDER BY t.notice, t.task",
            [[n for n, _ in tasks], [t for _, t in tasks]],
        )
        refused = cur.fetchall()
        if not refused:
            return
        cur.execute(
            "SELECT current_user, coalesce(string_agg(DISTINCT u.unit, '、'), '') FROM"
            " minshi.unit_role u JOIN pg_roles r ON r.rolname = u.role"
            " WHERE pg_has_role(current_user, r.oid, 'MEMBER')"
        )
        role, units = cur.fetchone()  # type: ignore[misc]
        who = f"the role {role}" + (f" (unit {units})" if units else " (no unit granted)")
        reasons = []
        for notice, task in refused:
            cur.execute(
                "SELECT coalesce(string_agg(unit, '、' ORDER BY unit), '') FROM minshi.task_lead"
                " WHERE notice = %s AND task = %s",
                [notice, task],
            )
            leads = cur.fetchone()[0]  # type: ignore[index]
            led = f"it is led by {leads}" if leads else "no lead unit is recorded for it"
            reasons.append(f"task {task} of {notice}: {led}")
        if len(reasons) == 1:
            raise InputError(f"{who} may not add progress for {reasons[0]}")
        raise InputError(f"{who} may not add progress for {len(reasons)} tasks", details=reasons)

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._errors("write to"), self._conn.transaction(), self._conn.cursor() as cur:
            yield cur

    def _fetch(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with self._errors("read"), self._conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        errors = self._psycopg.errors
        try:
            yield
        except self._psycopg.Error as exc:
            where, reason = self.location, hide_secrets(_reason(exc), self.url)
            if isinstance(exc, errors.LockNotAvailable):
                message = f"the store {where} is busy: another minshi is writing; try again"
                raise StoreError(message) from exc
            if isinstance(exc, errors.InsufficientPrivilege):
                raise InputError(
                    f"the server refused to let this role {action} the store {where}: {reason}"
                ) from exc
            if isinstance(exc, errors.DiskFull):
                raise StoreError(f"cannot {action} the store {where}: the disk is full") from exc
            if isinstance(exc, self._psycopg.OperationalError) and self._conn.broken:
                self._conn.close()
                raise StoreError(
                    f"lost the connection to the store {where} ({reason});"
                    " this command's changes were not completed"
                ) from exc
            if isinstance(exc, self._psycopg.InterfaceError) and self._conn.closed:
                raise StoreError(f"the connection to the store {where} is closed") from exc
            raise StoreError(f"cannot {action} the store {where}: {reason}") from exc


def _reason(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = " ".join(lines) or type(exc).__name__
    return text.removeprefix("connection failed: ")


def _finite(number: Decimal | None) -> Decimal | None:
    # a numeric column takes NaN and Infinity, which no sum or comparison of progress can use
    if number is not None and not number.is_finite():
        raise Damaged(f"a damaged number {str(number)!r}")
    return number


def _same(value: Any) -> Any:
    return value


# PostgreSQL gives dates, times and decimals as such; only numbers need a look
_READ = RowReader(day=_same, moment=_same, number=_finite)
