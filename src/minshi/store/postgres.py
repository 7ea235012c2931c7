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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minshi.config import redact
from minshi.errors import FileAccessError, InputError, StoreError
from minshi.store.entries import Damaged, ProgressEntry, RowReader, canonical_decimal
from minshi.store.journal import Cursor, Store, copy_journal
from minshi.store.sqlite import SQLiteStore, busy_timeout

if TYPE_CHECKING:
    import psycopg

SCHEMA = "minshi"
WRITE_LOCK = 0x6D6E7368  # advisory lock key serialising minshi writers ("mnsh")
CONNECT_TIMEOUT = 10  # seconds

# Ordered migrations: MIGRATIONS[n] takes a store from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE SCHEMA IF NOT EXISTS minshi",
        "CREATE TABLE minshi.meta (schema_version integer NOT NULL)",
        "INSERT INTO minshi.meta VALUES (0)",
        """
        CREATE TABLE minshi.entry (
            id          bigint  PRIMARY KEY CHECK (id >= 1),
            notice      text    NOT NULL CHECK (notice <> ''),
            task        integer NOT NULL CHECK (task >= 1),
            metric      text    NOT NULL CHECK (metric <> ''),
            date        date    NOT NULL,
            recorded_at timestamptz NOT NULL,
            value       numeric CHECK (value >= 0 AND value < 1e30),  -- no NaN, no Infinity
            done        boolean,
            stage       text,
            percent     numeric CHECK (percent BETWEEN 0 AND 100),
            invested    numeric CHECK (invested >= 0 AND invested < 1e30),
            note        text    NOT NULL DEFAULT '',
            recorded_by text    NOT NULL DEFAULT '',
            written_as  name    NOT NULL DEFAULT current_user,  -- the database role
            retracts    bigint  UNIQUE REFERENCES minshi.entry (id),
            CHECK (retracts IS NULL OR retracts < id)
        )
        """,
        """
        CREATE INDEX entry_by_series ON minshi.entry (notice, task, metric, date, id)
        WHERE retracts IS NULL
        """,
        """
        CREATE TABLE minshi.series (
            notice text NOT NULL, task integer NOT NULL, metric text NOT NULL,
            PRIMARY KEY (notice, task, metric)
        )
        """,
        # which units lead which task (from the notices), and which role speaks for a unit
        """
        CREATE TABLE minshi.task_lead (
            notice text NOT NULL, task integer NOT NULL, unit text NOT NULL,
            PRIMARY KEY (notice, task, unit)
        )
        """,
        """
        CREATE TABLE minshi.unit_role (
            unit text NOT NULL, role name NOT NULL, all_tasks boolean NOT NULL DEFAULT false,
            PRIMARY KEY (unit, role)
        )
        """,
        """
        CREATE FUNCTION minshi.may_write(p_notice text, p_task integer) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = minshi, pg_catalog AS $$
            SELECT EXISTS (
                SELECT 1 FROM minshi.unit_role u
                JOIN pg_catalog.pg_roles r ON r.rolname = u.role
                WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
                  AND (u.all_tasks OR EXISTS (
                      SELECT 1 FROM minshi.task_lead l
                      WHERE l.notice = p_notice AND l.task = p_task AND l.unit = u.unit))
            )
        $$
        """,
        """
        CREATE FUNCTION minshi.entry_guard() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = minshi, pg_catalog AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                RAISE EXCEPTION 'the progress journal is append-only: entries are never changed'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF NEW.retracts IS NULL THEN
                INSERT INTO minshi.series VALUES (NEW.notice, NEW.task, NEW.metric)
                ON CONFLICT DO NOTHING;
            ELSIF NOT EXISTS (
                SELECT 1 FROM minshi.entry t
                WHERE t.id = NEW.retracts AND t.retracts IS NULL AND t.notice = NEW.notice
                  AND t.task = NEW.task AND t.metric = NEW.metric) THEN
                RAISE EXCEPTION 'a retraction must name an entry of the same metric'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER entry_guard BEFORE INSERT OR UPDATE OR DELETE ON minshi.entry
        FOR EACH ROW EXECUTE FUNCTION minshi.entry_guard()
        """,
        """
        CREATE TRIGGER entry_no_truncate BEFORE TRUNCATE ON minshi.entry
        FOR EACH STATEMENT EXECUTE FUNCTION minshi.entry_guard()
        """,
        "ALTER TABLE minshi.entry ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY entry_read ON minshi.entry FOR SELECT USING (true)",
        """
        CREATE POLICY entry_write ON minshi.entry FOR INSERT
        WITH CHECK (written_as = current_user AND minshi.may_write(notice, task))
        """,
        "GRANT USAGE ON SCHEMA minshi TO PUBLIC",
        "GRANT SELECT ON ALL TABLES IN SCHEMA minshi TO PUBLIC",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
_SCHEMA_OBJECTS = {"entry", "series", "task_lead", "unit_role", "meta"}


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
            raise StoreError(
                f"cannot connect to the store {self.location}: {_reason(exc)}"
            ) from exc
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
        return (
            text.replace("{entry}", "minshi.entry")
            .replace("{series}", "minshi.series")
            .replace("?", "%s")
        )

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
        )

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
        cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'minshi.entry'::regclass")
        triggers = {name for (name,) in cur.fetchall()}
        problems += [
            f"the trigger {name} is missing"
            for name in sorted({"entry_guard", "entry_no_truncate"} - triggers)
        ]
        cur.execute("SELECT relrowsecurity FROM pg_class WHERE oid = 'minshi.entry'::regclass")
        if not cur.fetchone()[0]:
            problems.append("row-level security is switched off on minshi.entry")
        return problems, True

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
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cur.fetchone() is None:
                raise InputError(
                    f"there is no role {role!r} on the server of {self.location}:"
                    " create it first (CREATE ROLE … LOGIN)"
                )
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
        copy = SQLiteStore(dest, create=True)
        try:
            copy_journal(self, copy)
        except BaseException:
            copy.close()
            for leftover in (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        copy.close()

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
            where = self.location
            if isinstance(exc, errors.LockNotAvailable):
                message = f"the store {where} is busy: another minshi is writing; try again"
                raise StoreError(message) from exc
            if isinstance(exc, errors.InsufficientPrivilege):
                raise InputError(
                    f"the server refused to let this role {action} the store "
                    f"{where}: {_reason(exc)}"
                ) from exc
            if isinstance(exc, errors.DiskFull):
                raise StoreError(f"cannot {action} the store {where}: the disk is full") from exc
            if isinstance(exc, self._psycopg.OperationalError) and self._conn.broken:
                self._conn.close()
                raise StoreError(
                    f"lost the connection to the store {where} ({_reason(exc)});"
                    " this command's changes were not completed"
                ) from exc
            if isinstance(exc, self._psycopg.InterfaceError) and self._conn.closed:
                raise StoreError(f"the connection to the store {where} is closed") from exc
            raise StoreError(f"cannot {action} the store {where}: {_reason(exc)}") from exc


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
