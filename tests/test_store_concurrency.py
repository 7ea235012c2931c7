"""Real processes against one store: writers at once lose nothing, and a writer killed in the
middle of a large write leaves the journal exactly as it was."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from minshi.store import is_server_url, journal_checksum, open_store
from minshi.store.postgres import PostgresStore
from tests.conftest import python
from tests.pgserver import PostgresServer
from tests.test_store import entry

pytestmark = pytest.mark.slow


WRITER = """
import os, sys, time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from minshi.store import NewEntry, open_store

location, writer, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
while not os.path.exists(go):  # start together
    time.sleep(0.005)
store = open_store(location, create=True)
for n in range(count):
    store.add([NewEntry("wanzhou-2024", writer + 1, "老旧小区", date(2024, 5, 1),
                        value=Decimal(n), note=f"writer {writer} update {n}", by=f"w{writer}")])
store.close()
"""

# Adds entries as fast as it can until told to stop, each with a value, a note saying that value
# and an amount equal to it, in turn for three tasks.
BUSY_WRITER = """
import os, sys
from datetime import date
from decimal import Decimal
from minshi.store import NewEntry, open_store

location, stop = sys.argv[1], sys.argv[2]
store = open_store(location, create=True)
n = 0
while not os.path.exists(stop) and n < 1_000_000:
    n += 1
    store.add([NewEntry("wanzhou-2024", n % 3 + 1, "老旧小区", date(2024, 5, 1), value=Decimal(n),
                        invested=Decimal(n), note=f"n={n}")])
store.close()
"""


def test_a_snapshot_never_mixes_entries_of_different_moments(
    store_location: str, tmp_path: Path
) -> None:
    stop = tmp_path / "stop"
    writer = python(BUSY_WRITER, store_location, str(stop))
    store = open_store(store_location, create=False)
    seen: set[tuple[int, ...]] = set()
    try:
        deadline = time.monotonic() + 120
        # until the writer has changed what a snapshot shows many times over
        while len(seen) < 300 and writer.poll() is None and time.monotonic() < deadline:
            latest, noted, funded, _ = store.snapshot(date(2024, 12, 31))
            for key, shown in latest.items():
                assert shown.value is not None
                assert noted[key].note == f"n={shown.value}"
                assert funded[key].invested == shown.value
            seen.add(tuple(sorted(int(e.value or 0) for e in latest.values())))
    finally:
        stop.touch()
        _, stderr = writer.communicate(timeout=60)
        store.close()
    assert (stderr, writer.returncode) == ("", 0)
    assert len(seen) >= 300


# Adds 10,000 rows in one write, and stops for good inside it, after row 5,000 is written:
# a connection-local trigger calls back into Python, which announces the pause and sleeps.
KILLED_WRITER = """
import sys, time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from minshi.store import NewEntry, open_store

location, paused = sys.argv[1], Path(sys.argv[2])
store = open_store(location, create=True)
store.migrate()
first = store.count() + 1

def pause(entry_id):
    paused.write_text(str(entry_id))
    time.sleep(600)

conn = store._conn
conn.create_function("pause", 1, pause)
conn.execute(f"CREATE TEMP TRIGGER pause AFTER INSERT ON main.entry "
             f"WHEN NEW.id = {first + 5000} BEGIN SELECT pause(NEW.id); END")
store.add([NewEntry("wanzhou-2024", n % 21 + 1, "老旧小区", date(2024, 6, 30),
                    value=Decimal(n), note="进展情况" * 20) for n in range(10_000)])
print("the write finished: it should have been killed")
"""


def test_writers_at_once_lose_nothing(store_location: str, tmp_path: Path) -> None:
    writers, updates = 8, 200
    go = tmp_path / "go"
    procs = [python(WRITER, store_location, str(w), str(updates), str(go)) for w in range(writers)]
    go.touch()
    outcomes = [(p.communicate(timeout=300)[1], p.returncode) for p in procs]
    assert outcomes == [("", 0)] * writers

    store = open_store(store_location, create=False)
    assert store.count() == writers * updates
    entries = store.log()
    assert sorted(e.id for e in entries) == list(range(1, writers * updates + 1))
    for w in range(writers):
        mine = [e for e in entries if e.by == f"w{w}"]
        # each writer's updates, all there, in the order it made them
        assert [e.note for e in reversed(mine)] == [
            f"writer {w} update {n}" for n in range(updates)
        ]
    latest = store.latest(date(2024, 12, 31))
    assert {k[1]: e.value for k, e in latest.items()} == {
        w + 1: updates - 1 for w in range(writers)
    }
    assert store.integrity_problems() == []
    store.close()


# The same for a server: the pause is a trigger on the server, seen in pg_stat_activity.
KILLED_CLIENT = """
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from minshi.store import NewEntry, open_store

store = open_store(sys.argv[1], create=True)
store.add([NewEntry("wanzhou-2024", n % 21 + 1, "老旧小区", date(2024, 6, 30),
                    value=Decimal(n), note="进展情况" * 20) for n in range(10_000)])
print("the write finished: it should have been killed")
"""

PAUSE_ON_SERVER = """
CREATE FUNCTION minshi.pause() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(600); RETURN NEW; END $$;
CREATE TRIGGER pause AFTER INSERT ON minshi.entry FOR EACH ROW
WHEN (NEW.id = {entry_id}) EXECUTE FUNCTION minshi.pause()
"""


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, f"waited two minutes for {what}"
        time.sleep(0.01)


def kill_sqlite_writer_mid_write(location: str, tmp_path: Path) -> None:
    paused = tmp_path / "paused"
    proc = python(KILLED_WRITER, location, str(paused))
    wait_until(lambda: paused.exists() or proc.poll() is not None, "the writer to pause")
    proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate(timeout=30)
    assert paused.exists(), stderr
    assert int(paused.read_text()) == 23 + 5000  # inside the write, 5,000 rows in
    assert proc.returncode == -signal.SIGKILL


def kill_postgres_client_mid_write(location: str, server: PostgresServer) -> None:
    database = location.rsplit("/", 1)[1]
    for statement in PAUSE_ON_SERVER.format(entry_id=23 + 5000).split(";\n"):
        server.sql(statement, database)

    def sleeping() -> int:
        rows = server.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event = 'PgSleep'",
            params=[database],
        )
        return int(rows[0][0])  # type: ignore[call-overload]

    proc = python(KILLED_CLIENT, location)
    wait_until(lambda: sleeping() == 1 or proc.poll() is not None, "the client to pause")
    proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, stderr
    # The server ends the dead client's session, as its TCP keepalive would in time, and
    # rolls back the transaction that session had open.
    server.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
        " AND wait_event = 'PgSleep'",
        params=[database],
    )
    wait_until(lambda: sleeping() == 0, "the server to end the dead client's session")


def test_a_writer_killed_mid_write_leaves_the_journal_as_it_was(
    store_location: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = open_store(store_location, create=True)
    store.add([entry(task=t, value=t) for t in range(1, 22)])
    store.retract(5, by="x")
    before = journal_checksum(store.log())
    latest_before = store.latest(date(2024, 12, 31))
    store.close()

    if is_server_url(store_location):
        kill_postgres_client_mid_write(store_location, request.getfixturevalue("postgres_server"))
    else:
        kill_sqlite_writer_mid_write(store_location, tmp_path)

    store = open_store(store_location, create=True)
    assert store.count() == 22
    assert journal_checksum(store.log()) == before
    assert store.latest(date(2024, 12, 31)) == latest_before
    assert store.integrity_problems() == []
    (after,) = store.add([entry(value=1)])  # the killed writer's lock went with it
    assert after.id == 23
    store.close()


@pytest.mark.postgres
def test_units_writing_at_once_through_their_own_roles_lose_nothing(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    writers, updates = 8, 200
    database = postgres_server.new_database()
    admin = open_store(postgres_server.url(database), create=True)
    assert isinstance(admin, PostgresStore)
    admin.sync_leads("wanzhou-2024", {w + 1: [f"单位{w}"] for w in range(writers)})
    for w in range(writers):
        postgres_server.sql(
            f"DO $$ BEGIN CREATE ROLE unit_clerk_{w} LOGIN;"
            " EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        admin.grant(f"单位{w}", f"unit_clerk_{w}")
    admin.close()

    go = tmp_path / "go"
    procs = [
        python(
            WRITER,
            postgres_server.url(database, user=f"unit_clerk_{w}"),
            str(w),
            str(updates),
            str(go),
        )
        for w in range(writers)
    ]
    go.touch()
    outcomes = [(p.communicate(timeout=300)[1], p.returncode) for p in procs]
    assert outcomes == [("", 0)] * writers

    rows = postgres_server.sql(
        "SELECT written_as, task, count(*) FROM minshi.entry"
        " GROUP BY written_as, task ORDER BY task",
        database,
    )
    assert rows == [(f"unit_clerk_{w}", w + 1, updates) for w in range(writers)]
    with open_store(postgres_server.url(database), create=False) as store:
        assert store.count() == writers * updates
        assert store.integrity_problems() == []
