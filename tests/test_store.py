"""The progress journal: what goes in comes out exactly, reports as of a past date are
reproducible, bad writes change nothing, and a damaged or foreign file is never overwritten."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from minshi.errors import ExitCode, FileAccessError, InputError, StoreError
from minshi.store import (
    CopyResult,
    NewEntry,
    ProgressEntry,
    Store,
    copy_journal,
    journal_checksum,
    open_store,
    sqlite_schema,
)
from minshi.store import postgres as postgres_store
from minshi.store import sqlite as sqlite_store
from minshi.store.postgres import PostgresStore
from tests.conftest import Invoke
from tests.pgserver import PostgresServer, free_port

NOTICE = "wanzhou-2024"


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    opened = open_store(store_location, create=True)
    yield opened
    opened.close()


def entry(
    task: int = 16, metric: str = "老旧小区", day: str = "2024-05-01", **fields: object
) -> NewEntry:
    value = fields.pop("value", None)
    if value is not None and not isinstance(value, Decimal):
        value = Decimal(str(value))
    return NewEntry(
        NOTICE,
        task,
        metric,
        date.fromisoformat(day),
        value=value,  # type: ignore[arg-type]
        **fields,
    )  # type: ignore[arg-type]


def count_in(location: str | Path) -> int:
    with open_store(location, create=False) as reader:
        return reader.count()


def check_of(location: str | Path) -> list[str]:
    with open_store(location, create=False) as reader:
        return reader.integrity_problems()


def migrate(location: str) -> None:
    with open_store(location, create=True) as admin:
        admin.migrate()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the same behaviour on every backend ------------------------------------------------------


def test_every_field_round_trips_exactly(store: Store) -> None:
    new = [
        NewEntry(
            NOTICE,
            16,
            "老旧小区",
            date(2024, 2, 29),
            value=Decimal("40"),
            note="完成改造40个，其中：\n• 周家坝 12个\t（含外墙）😀",
            by="张三",
            invested=Decimal("12345678901234567890.123456789012"),
        ),
        NewEntry(
            NOTICE,
            16,
            "改造面积",
            date(2024, 12, 31),
            value=Decimal("0.1"),
            invested=Decimal("40.0"),
        ),
        NewEntry(
            NOTICE,
            5,
            "其芳小学",
            date(2024, 1, 1),
            done=False,
            stage="主体施工",
            percent=Decimal("62.50"),
            note="",
            by="",
        ),
        NewEntry(NOTICE, 5, "竣工", date(2024, 6, 30), done=True, percent=Decimal("100")),
        NewEntry(
            "另一通知", 1, "k", date(2025, 3, 1), value=Decimal("1E+3"), invested=Decimal("-0")
        ),
    ]
    before = datetime.now(UTC)
    stored = store.add(new)
    after = datetime.now(UTC)

    assert [e.id for e in stored] == [1, 2, 3, 4, 5]
    for made, kept in zip(new, stored, strict=True):
        again = store.get(kept.id)
        assert again == kept
        assert (again.notice, again.task, again.metric, again.date) == (
            made.notice,
            made.task,
            made.metric,
            made.date,
        )
        assert (again.done, again.stage, again.note, again.by) == (
            made.done,
            made.stage,
            made.note,
            made.by,
        )
        assert again.recorded_at.tzinfo is not None
        assert again.recorded_at.utcoffset() == timedelta(0)
        assert before <= again.recorded_at <= after
        assert again.retracts is None and again.retracted_by is None
    first, second, third, _, fifth = (store.get(i) for i in range(1, 6))
    assert first is not None and second is not None and third is not None
    assert fifth is not None
    # exact decimals, printed as they were given (no float artefacts, trailing zeros kept)
    assert str(first.value) == "40" and str(first.invested) == "12345678901234567890.123456789012"
    assert str(second.value) == "0.1" and str(second.invested) == "40.0"
    assert str(third.percent) == "62.50" and third.value is None
    # exponent notation and negative zero come back in plain form, equal in value
    assert str(fifth.value) == "1000" and str(fifth.invested) == "0"
    assert store.log() == sorted(stored, key=lambda e: -e.id)


def test_ids_keep_increasing_across_writes(store: Store) -> None:
    first = store.add([entry(value=1), entry(value=2)])
    retraction = store.retract(first[0].id, by="李四")
    later = store.add([entry(value=3)])
    assert [e.id for e in first] == [1, 2]
    assert retraction.id == 3 and later[0].id == 4
    assert store.count() == 4


def test_latest_as_of_a_date_ignores_later_entries(store: Store) -> None:
    store.add(
        [
            entry(day="2024-03-31", value=10),
            entry(day="2024-06-30", value=40),
            entry(day="2024-09-30", value=70),
            entry(metric="改造面积", day="2024-10-01", value=2_000_000),
        ]
    )
    assert store.latest(date(2024, 3, 30)) == {}
    march = store.latest(date(2024, 3, 31))
    assert {k: e.value for k, e in march.items()} == {(NOTICE, 16, "老旧小区"): Decimal(10)}
    assert store.latest(date(2024, 7, 15))[(NOTICE, 16, "老旧小区")].value == Decimal(40)
    year_end = store.latest(date(2024, 12, 31))
    assert {k: e.value for k, e in year_end.items()} == {
        (NOTICE, 16, "老旧小区"): Decimal(70),
        (NOTICE, 16, "改造面积"): Decimal(2_000_000),
    }


def test_latest_on_the_same_date_takes_the_entry_recorded_last(store: Store) -> None:
    # a correction for the same date, recorded later, wins; an older date recorded later does not
    store.add([entry(day="2024-06-30", value=40)])
    store.add([entry(day="2024-06-30", value=45)])
    store.add([entry(day="2024-06-01", value=99)])
    latest = store.latest(date(2024, 12, 31))[(NOTICE, 16, "老旧小区")]
    assert (latest.id, latest.value) == (2, Decimal(45))


def test_latest_skips_retracted_entries_and_falls_back_to_the_one_before(store: Store) -> None:
    store.add([entry(day="2024-03-31", value=10), entry(day="2024-06-30", value=400)])
    store.retract(2, by="李四", note="typo: 40 not 400")
    latest = store.latest(date(2024, 12, 31))
    assert list(latest) == [(NOTICE, 16, "老旧小区")]
    assert latest[(NOTICE, 16, "老旧小区")].value == Decimal(10)
    store.retract(1, by="李四")
    assert store.latest(date(2024, 12, 31)) == {}


def test_latest_can_be_limited_to_one_notice(store: Store) -> None:
    store.add(
        [entry(value=1), NewEntry("长寿-2024", 16, "老旧小区", date(2024, 5, 1), value=Decimal(2))]
    )
    assert set(store.latest(date(2024, 12, 31))) == {
        (NOTICE, 16, "老旧小区"),
        ("长寿-2024", 16, "老旧小区"),
    }
    only = store.latest(date(2024, 12, 31), notice="长寿-2024")
    assert [e.value for e in only.values()] == [Decimal(2)]
    assert store.latest(date(2024, 12, 31), notice="nowhere") == {}


def test_a_snapshot_is_latest_with_and_without_a_note_or_an_amount(store: Store) -> None:
    store.add(
        [
            entry(day="2024-03-31", value=10, note="已开工", invested=Decimal(100)),
            entry(day="2024-06-30", value=40, note="过半"),
            entry(day="2024-07-31", value=45),
            entry(task=3, metric="a", day="2024-06-01", value=5, invested=Decimal(7)),
            entry(task=3, metric="a", day="2024-08-01", value=9, note="八月"),
            NewEntry("长寿-2024", 16, "老旧小区", date(2024, 5, 1), value=Decimal(2), note="n"),
        ]
    )
    store.retract(2, by="李四")  # the note falls back to the one before
    for as_of in (date(2024, 3, 30), date(2024, 6, 30), date(2024, 12, 31)):
        for notice, tasks in ((None, None), (NOTICE, None), (NOTICE, [3]), ("长寿-2024", [16])):
            limits = {"notice": notice, "tasks": tasks}
            assert store.snapshot(as_of, **limits) == (  # type: ignore[arg-type]
                store.latest(as_of, **limits),  # type: ignore[arg-type]
                store.latest(as_of, having="note", **limits),  # type: ignore[arg-type]
                store.latest(as_of, having="invested", **limits),  # type: ignore[arg-type]
                store.latest(as_of, basis="verified", **limits),  # type: ignore[arg-type]
            )
    latest, noted, funded, _ = store.snapshot(date(2024, 12, 31), notice=NOTICE, tasks=[16])
    key = (NOTICE, 16, "老旧小区")
    assert (latest[key].value, noted[key].note, funded[key].invested) == (45, "已开工", 100)
    assert store.snapshot(date(2024, 12, 31), tasks=[]) == ({}, {}, {}, {})


def test_a_snapshot_leaves_the_store_free_for_the_next_write(store: Store) -> None:
    store.add([entry(value=1, note="一")])
    store.snapshot(date(2024, 12, 31))
    store.add([entry(value=2, note="二")])  # on the same connection, just after the read
    latest, noted, _, _ = store.snapshot(date(2024, 12, 31))
    key = (NOTICE, 16, "老旧小区")
    assert (latest[key].value, noted[key].note) == (2, "二")


def test_a_past_report_is_reproducible_after_later_entries(store: Store) -> None:
    store.add(
        [entry(day="2024-06-30", value=40), entry(task=3, metric="a", day="2024-06-01", value=5)]
    )
    june = store.latest(date(2024, 6, 30))
    store.add(
        [entry(day="2024-07-31", value=60), entry(task=3, metric="a", day="2024-08-01", value=9)]
    )
    assert store.latest(date(2024, 6, 30)) == june


def test_retraction_is_recorded_not_erased(store: Store) -> None:
    (added,) = store.add([entry(value=40, note="第一次")])
    retraction = store.retract(added.id, by="李四", note="录错了")
    assert retraction.retracts == added.id
    assert (retraction.notice, retraction.task, retraction.metric, retraction.date) == (
        added.notice,
        added.task,
        added.metric,
        added.date,
    )
    assert (retraction.by, retraction.note, retraction.value) == ("李四", "录错了", None)
    kept = store.get(added.id)
    assert kept is not None and kept.retracted_by == retraction.id and kept.value == Decimal(40)
    assert store.count() == 2


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (1, "entry 1 was already retracted (by entry 3)"),
        (3, "entry 3 is itself the retraction of entry 1"),
        (99, "there is no entry 99 in the store"),
        (0, "an entry id is a positive whole number"),
    ],
)
def test_retract_refuses_and_writes_nothing(store: Store, target: int, message: str) -> None:
    store.add([entry(value=1), entry(value=2)])
    store.retract(1, by="x")
    before = journal_checksum(store.log())
    with pytest.raises(InputError, match=re.escape(message)) as refused:
        store.retract(target, by="x")
    assert refused.value.exit_code == ExitCode.BAD_INPUT
    assert journal_checksum(store.log()) == before


def test_log_is_newest_first_and_filters(store: Store) -> None:
    store.add(
        [
            entry(task=1, metric="a", day="2024-02-01", value=1),
            entry(task=2, metric="b", day="2024-03-01", value=2),
            entry(task=16, day="2024-04-01", value=3),
            NewEntry("other", 16, "老旧小区", date(2024, 5, 1), value=Decimal(4)),
        ]
    )
    store.retract(3, by="x")

    def ids(**filters: object) -> list[int]:
        return [e.id for e in store.log(**filters)]  # type: ignore[arg-type]

    assert ids() == [5, 4, 3, 2, 1]
    assert ids(notice=NOTICE) == [5, 3, 2, 1]
    assert ids(tasks=[16]) == [5, 4, 3]
    assert ids(tasks={1, 2}) == [2, 1]
    assert ids(tasks=[]) == []
    assert ids(since=date(2024, 3, 1)) == [5, 4, 3, 2]  # the retraction carries its entry's date
    assert ids(until=date(2024, 3, 1)) == [2, 1]
    assert ids(since=date(2024, 3, 1), until=date(2024, 3, 1)) == [2]
    assert ids(limit=2) == [5, 4]
    assert ids(include_retracted=False) == [4, 2, 1]
    assert ids(notice=NOTICE, tasks=[16], include_retracted=False) == []


def test_last_entry_is_the_newest_still_counting(store: Store) -> None:
    assert store.last_entry() is None
    store.add([entry(value=1, by="张三"), entry(value=2, by="李四"), entry(value=3, by="张三")])
    last = store.last_entry()
    assert last is not None and last.id == 3
    store.retract(3, by="张三")
    last = store.last_entry()  # neither the retraction nor the retracted entry
    assert last is not None and last.id == 2
    mine = store.last_entry(by="张三")
    assert mine is not None and mine.id == 1
    assert store.last_entry(by="nobody") is None


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (entry(value=-5), "value must not be negative"),
        (entry(value=Decimal("NaN")), "value must be a finite decimal number"),
        (entry(value=Decimal("Infinity")), "value must be a finite decimal number"),
        (entry(metric=""), "the metric key is empty"),
        (NewEntry("", 16, "k", date(2024, 1, 1), value=Decimal(1)), "the notice id is empty"),
        (entry(task=0, value=1), "task must be a positive whole number"),
        (entry(percent=Decimal("100.5")), "percent must be between 0 and 100"),
        (entry(value=Decimal("1E+40")), "too many digits"),
        (entry(), "it reports nothing"),
        (entry(value=1, note="a\x00b"), "NUL"),
    ],
)
def test_one_bad_entry_refuses_the_whole_write(store: Store, bad: NewEntry, reason: str) -> None:
    store.add([entry(value=1)])
    batch = [entry(task=t % 20 + 1, value=t) for t in range(999)]
    batch.insert(500, bad)
    with pytest.raises(InputError, match=f"^entry 501: .*{re.escape(reason)}"):
        store.add(batch)
    assert store.count() == 1
    assert [e.value for e in store.log()] == [Decimal(1)]
    assert store.add([entry(value=2)])[0].id == 2  # and the store goes on working


def test_adding_nothing_writes_nothing(store: Store) -> None:
    assert store.add([]) == []
    assert store.count() == 0


def test_check_is_clean_on_a_store_in_use(store: Store) -> None:
    assert store.integrity_problems() == []
    store.add([entry(task=t, value=t) for t in range(1, 30)])
    store.retract(7, by="x")
    assert store.integrity_problems() == []


def test_a_store_reopened_holds_the_same_journal(store_location: str) -> None:
    with_entries = open_store(store_location, create=True)
    with_entries.add([entry(value=1), entry(value=2, done=None)])
    with_entries.retract(1, by="x")
    expected = journal_checksum(with_entries.log())
    with_entries.close()
    reader = open_store(store_location, create=False)
    assert journal_checksum(reader.log()) == expected
    assert reader.count() == 3
    reader.close()


# -- SQLite files ------------------------------------------------------------------------------


def make_sqlite_store(path: Path, entries: int = 3) -> None:
    s = open_store(path, create=True)
    s.add([entry(task=i % 20 + 1, value=i, note="进展" * 50) for i in range(entries)])
    s.close()


def test_reading_never_creates_the_file_or_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "progress.db"
    reader = open_store(path, create=False)
    assert reader.count() == 0
    assert reader.latest(date(2024, 12, 31)) == {}
    assert reader.log() == [] and reader.last_entry() is None and reader.get(1) is None
    assert reader.integrity_problems() == []
    with pytest.raises(InputError, match="there is no entry 1"):
        reader.retract(1, by="x")
    with pytest.raises(StoreError, match="opened for reading only"):
        reader.add([entry(value=1)])
    reader.close()
    assert not (tmp_path / "not").exists()


def test_the_first_write_creates_the_file_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "office" / "minshi" / "progress.db"
    writer = open_store(path, create=True)
    assert writer.count() == 0
    assert not (tmp_path / "office").exists()  # opening for a write that was then refused
    with pytest.raises(InputError):
        writer.add([entry()])
    assert not (tmp_path / "office").exists()
    writer.add([entry(value=1)])
    writer.close()
    assert path.is_file()
    assert count_in(str(path)) == 1
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert raw.execute("PRAGMA user_version").fetchone() == (sqlite_store.SCHEMA_VERSION,)
    raw.close()


def test_location_names_the_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert open_store("progress.db", create=False).location == str(tmp_path / "progress.db")
    with pytest.raises(InputError, match="the store location is empty"):
        open_store(" ", create=False)


@pytest.mark.parametrize("create", [True, False])
def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(
    tmp_path: Path, create: bool
) -> None:
    path = tmp_path / "office" / "progress.db"
    path.parent.mkdir()
    path.write_text("notice,task,metric,value\nwanzhou-2024,16,老旧小区,40\n" * 200)
    before = sha256(path)
    with pytest.raises(StoreError) as refused:
        s = open_store(path, create=create)
        s.add([entry(value=1)])
    assert str(refused.value) == f"{path} is not a minshi store (file is not a database)"
    assert refused.value.exit_code == ExitCode.STORE
    assert sha256(path) == before
    assert sorted(os.listdir(path.parent)) == ["progress.db"]


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_truncated_store_is_refused_and_left_as_it_was(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path, entries=2000)
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(int(size * keep))
    before = sha256(path)
    for create in (False, True):
        with pytest.raises(StoreError, match=f"the store {path} is damaged"):
            s = open_store(path, create=create)
            s.add([entry(value=1)])
            s.close()
    assert sha256(path) == before


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, x TEXT)")
    raw.commit()
    raw.close()
    before = sha256(path)
    with pytest.raises(StoreError, match="is not a minshi store \\(a database of another"):
        open_store(path, create=True)
    assert sha256(path) == before


def test_a_store_from_a_newer_minshi_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {sqlite_store.SCHEMA_VERSION + 1}")
    raw.close()
    for create in (False, True):
        with pytest.raises(StoreError, match="written by a newer minshi .*: upgrade minshi"):
            open_store(path, create=create)


def test_an_older_store_is_brought_up_to_date_when_first_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    version = sqlite_store.SCHEMA_VERSION
    newer = (*sqlite_store.MIGRATIONS, ("CREATE TABLE unit_role (unit TEXT)",))
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", newer)
    monkeypatch.setattr(sqlite_store, "SCHEMA_VERSION", version + 1)
    path.chmod(0o444)  # a file this user may not write is not changed, and says what to do
    if os.geteuid() != 0:  # root writes whatever the mode says
        older = f"schema version {version}, older .*: run `minshi db migrate` as a user"
        with pytest.raises(StoreError, match=older):
            open_store(path, create=False)
    path.chmod(0o644)
    reader = open_store(path, create=False)
    assert reader.count() == 3  # the entries are kept as they were
    reader.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone() == (version + 1,)
    assert raw.execute("SELECT count(*) FROM unit_role").fetchone() == (0,)
    raw.close()


def test_the_journal_is_append_only_in_the_database_itself(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE entry SET value = '1000' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM entry")
    raw.close()


def tamper(path: Path, *statements: str) -> None:
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


BAD_ROW = (
    "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value)"
    " VALUES (4, 'n', 1, 'm', '2024-01-01', {recorded_at!r}, {value!r})"
)


def test_check_reports_values_the_schema_forbids(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    tamper(path, BAD_ROW.format(recorded_at="2100-01-01T00:00:00+00:00", value="abc"))
    assert check_of(path) == [
        "integrity: CHECK constraint failed in entry",
        "entry 4 cannot be read: it holds a damaged number 'abc'",
    ]


def test_check_reports_an_entry_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    tamper(path, BAD_ROW.format(recorded_at="yesterday", value="7"))
    assert check_of(path) == [
        "entry 4 cannot be read: it holds a damaged recording time 'yesterday'"
    ]


DAMAGED = (
    "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value, note)"
    " SELECT 4, notice, task, metric, '2024-12-01', recorded_at, '1..2', 'damaged'"
    " FROM entry WHERE id = 3"
)


def damaged_number_message(path: Path) -> str:
    return (
        f"entry 4 in {path} holds a damaged number '1..2': restore the store from a backup,"
        " or run `minshi db check` to list every damaged entry"
    )


def test_a_new_store_refuses_a_number_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    raw = sqlite3.connect(path)
    for bad in ("1..2", "1.", "1.2.3"):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            raw.execute(DAMAGED.replace("'1..2'", repr(bad)))
    raw.close()
    assert count_in(path) == 3


def test_a_damaged_number_is_a_store_error_naming_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    tamper(path, DAMAGED)  # as another program could, past the schema's checks
    message = re.escape(damaged_number_message(path))
    with open_store(path, create=True) as store:
        readings: list[Callable[[], object]] = [
            lambda: store.latest(date(2024, 12, 31)),
            lambda: store.snapshot(date(2024, 12, 31)),
            lambda: store.log(),
            lambda: store.get(4),
            lambda: store.last_entry(),
        ]
        for read in readings:
            with pytest.raises(StoreError, match=message):
                read()
        # what does not reach the damaged entry still reads
        assert store.snapshot(date(2024, 11, 30))[0][(NOTICE, 3, "老旧小区")].value == 2
        assert [
            e.id for e in store.log(limit=3, since=date(2024, 1, 1), until=date(2024, 6, 1))
        ] == [3, 2, 1]
        # a snapshot that failed ended its read: the same store still writes
        (added,) = store.add([entry(value=5)])
        assert added.id == 5
        assert store.integrity_problems() == [
            "integrity: CHECK constraint failed in entry",
            "entry 4 cannot be read: it holds a damaged number '1..2'",
        ]
    assert count_in(path) == 5


OLD_NUMBER_CHECK = "CHECK ({0} GLOB '[0-9]*' AND {0} NOT GLOB '*[^0-9.]*')"


def test_a_store_made_before_the_stricter_check_is_read_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_table = sqlite_store.MIGRATIONS[0][0]
    for column in ("value", "percent", "invested"):
        old_table = old_table.replace(
            sqlite_schema._number_check(column), OLD_NUMBER_CHECK.format(column)
        )
    assert "NOT GLOB '*.'" not in old_table
    first = (old_table, *sqlite_store.MIGRATIONS[0][1:])
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", (first, *sqlite_store.MIGRATIONS[1:]))
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    monkeypatch.undo()
    raw = sqlite3.connect(path)
    raw.execute(DAMAGED)  # the old check lets it in
    raw.commit()
    raw.close()
    with open_store(path, create=False) as store:
        with pytest.raises(StoreError, match=re.escape(damaged_number_message(path))):
            store.snapshot(date(2024, 12, 31))
        assert store.integrity_problems() == [
            "entry 4 cannot be read: it holds a damaged number '1..2'"
        ]


def test_a_damaged_number_is_one_clear_line_in_every_command(cli: Invoke, db_file: Path) -> None:
    assert cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30").exit_code == 0
    tamper(db_file, DAMAGED.replace("4,", "2,").replace("id = 3", "id = 1"))
    message = damaged_number_message(db_file).replace("entry 4", "entry 2")
    for command in (["show", "16"], ["list"], ["progress", "log"]):
        result = cli(*command)
        assert (result.exit_code, result.stderr) == (3, f"minshi: error: {message}\n"), command
    result = cli("db", "check")
    assert result.exit_code == 3
    assert "entry 2 cannot be read: it holds a damaged number '1..2'" in result.stderr


def test_check_reports_a_missing_append_only_guard(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    tamper(path, "DROP TRIGGER entry_no_delete")
    assert check_of(path) == ["the schema object entry_no_delete is missing"]


def test_check_reports_a_retraction_of_another_metric(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    tamper(
        path,
        "DROP TRIGGER entry_retraction",
        "INSERT INTO entry (id, notice, task, metric, date, recorded_at, retracts) VALUES"
        " (4, 'n', 1, 'other', '2024-01-01', '2100-01-01T00:00:00+00:00', 1)",
        sqlite_store.MIGRATIONS[0][4],
    )
    assert check_of(path) == ["entry 4 retracts entry 1, which belongs to another metric"]


def test_a_folder_in_place_of_the_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=f"the store {tmp_path} is a folder, not a file"):
        open_store(tmp_path, create=True)


def test_a_store_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    path = tmp_path / "notes.txt" / "minshi" / "progress.db"
    writer = open_store(path, create=True)
    with pytest.raises(StoreError) as refused:
        writer.add([entry(value=1)])
    assert str(refused.value) == (
        f"cannot create the store {path}: {tmp_path / 'notes.txt'} is not a folder"
    )
    assert refused.value.exit_code == ExitCode.STORE


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """A folder nobody can write to, root included (root ignores permission bits)."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot mount a read-only tmpfs: {mounted.stderr}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_a_store_in_a_read_only_folder_gives_a_clear_error(tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        path = folder / "progress.db"
        writer = open_store(path, create=True)
        assert writer.count() == 0
        with pytest.raises(StoreError) as refused:
            writer.add([entry(value=1)])
        assert str(refused.value) in (
            f"cannot create the store {path}: {folder} is on a read-only file system",
            f"cannot create the store {path}: permission denied for the folder {folder}",
        )
        assert not path.exists()


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {mounted.stderr}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_a_full_disk_refuses_the_write_and_keeps_what_was_stored(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "256k") as folder:
        path = folder / "progress.db"
        writer = open_store(path, create=True)
        stored = 0
        with pytest.raises(StoreError) as refused:
            for _ in range(1000):
                writer.add([entry(value=i, note="进展情况" * 100) for i in range(20)])
                stored += 20
        assert str(refused.value) == f"cannot write to the store {path}: the disk is full"
        assert stored > 0
        writer.close()
        reader = open_store(path, create=False)
        assert reader.count() == stored
        assert reader.integrity_problems() == []
        reader.close()


def hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_writer_holding_the_lock_too_long_gives_store_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    monkeypatch.setenv("MINSHI_BUSY_TIMEOUT", "0.2")
    writer = open_store(path, create=True)
    other = hold_write_lock(path)
    with pytest.raises(StoreError) as refused:
        writer.add([entry(value=1)])
    assert str(refused.value) == (f"the store {path} is busy: another minshi is writing; try again")
    with pytest.raises(StoreError, match="is busy"):
        writer.retract(1, by="x")
    assert writer.count() == 3  # readers are not blocked by a writer
    other.execute("ROLLBACK")
    other.close()
    writer.add([entry(value=1)])
    assert writer.count() == 4


def test_a_writer_waits_for_another_to_finish(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    writer = open_store(path, create=True)  # the default busy timeout: 10 s
    other = hold_write_lock(path)
    other.execute(
        "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value)"
        " VALUES (4, 'n', 1, 'm', '2024-01-01', '2024-01-01T00:00:00+00:00', '7')"
    )
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        (added,) = writer.add([entry(value=1)])
    finally:
        release.join()
        other.close()
    assert added.id == 5
    assert writer.count() == 5


@pytest.mark.parametrize("raw", ["abc", "-1", "nan"])
def test_a_bad_busy_timeout_setting_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("MINSHI_BUSY_TIMEOUT", raw)
    with pytest.raises(
        InputError, match=f"MINSHI_BUSY_TIMEOUT must be a number of seconds, not '{raw}'"
    ):
        open_store(tmp_path / "progress.db", create=True)


def test_backup_is_a_store_with_the_same_journal(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path, entries=500)
    source = open_store(path, create=True)
    source.retract(3, by="x")
    journal, latest = journal_checksum(source.log()), source.latest(date(2024, 12, 31))
    copy = tmp_path / "backups" / "2024-12-31.db"
    copy.parent.mkdir()
    source.backup(copy)
    source.add([entry(value=1)])  # later writes don't reach the copy
    assert sorted(os.listdir(copy.parent)) == ["2024-12-31.db"]  # one self-contained file
    restored = open_store(copy, create=False)
    assert restored.count() == 501
    assert journal_checksum(restored.log()) == journal
    assert restored.latest(date(2024, 12, 31)) == latest
    assert restored.integrity_problems() == []
    restored.close()
    source.close()


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    make_sqlite_store(path)
    source = open_store(path, create=False)
    existing = tmp_path / "report.xlsx"
    existing.write_bytes(b"precious")
    with pytest.raises(FileAccessError, match="already exists: choose a new file"):
        source.backup(existing)
    assert existing.read_bytes() == b"precious"
    with pytest.raises(FileAccessError, match="would overwrite the store itself"):
        source.backup(path)
    with pytest.raises(FileAccessError, match="no folder"):
        source.backup(tmp_path / "missing" / "copy.db")


def test_backup_of_a_store_not_yet_written(tmp_path: Path) -> None:
    (tmp_path / "office").mkdir()
    reader = open_store(tmp_path / "office" / "progress.db", create=False)
    with pytest.raises(StoreError, match="there is no store at .* yet: nothing to back up"):
        reader.backup(tmp_path / "office" / "copy.db")
    assert os.listdir(tmp_path / "office") == []


def test_progress_entry_knows_its_state() -> None:
    now = datetime.now(UTC)
    plain = ProgressEntry(1, NOTICE, 16, "老旧小区", date(2024, 5, 1), now)
    assert plain.key == (NOTICE, 16, "老旧小区")
    assert not plain.is_retraction and not plain.is_retracted
    assert ProgressEntry(2, NOTICE, 16, "k", date(2024, 5, 1), now, retracts=1).is_retraction
    assert ProgressEntry(1, NOTICE, 16, "k", date(2024, 5, 1), now, retracted_by=2).is_retracted


# -- PostgreSQL: a shared store with row-level security ------------------------------------------

HOUSING, EDUCATION, SUPERVISION = "区住房城乡建委", "区教委", "区发展改革委"


@pytest.fixture
def district(postgres_server: PostgresServer) -> Iterator[tuple[PostgresServer, str]]:
    """A shared store with three unit roles; task 16 led by housing, task 5 by education."""
    database = postgres_server.new_database()
    for role in ("housing_clerk", "education_clerk", "supervisor", "stranger"):
        postgres_server.sql(
            f"DO $$ BEGIN CREATE ROLE {role} LOGIN;"
            " EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    admin = open_store(postgres_server.url(database), create=True)
    admin.migrate()
    assert isinstance(admin, PostgresStore)
    admin.sync_leads(NOTICE, {16: [HOUSING], 5: [EDUCATION, HOUSING], 3: []})
    admin.grant(HOUSING, "housing_clerk")
    admin.grant(EDUCATION, "education_clerk")
    admin.grant(SUPERVISION, "supervisor", all_tasks=True)
    admin.close()
    yield postgres_server, database


def as_role(district: tuple[PostgresServer, str], role: str) -> Store:
    server, database = district
    return open_store(server.url(database, user=role), create=True)


@pytest.mark.postgres
def test_a_unit_writes_the_tasks_it_leads(district: tuple[PostgresServer, str]) -> None:
    housing = as_role(district, "housing_clerk")
    added = housing.add([entry(task=16, value=40), entry(task=5, metric="其芳小学", done=True)])
    assert [e.id for e in added] == [1, 2]
    housing.retract(1, by="张三")
    assert housing.count() == 3
    housing.close()


@pytest.mark.postgres
def test_a_unit_writing_another_units_task_is_refused(district: tuple[PostgresServer, str]) -> None:
    education = as_role(district, "education_clerk")
    with pytest.raises(InputError) as refused:
        education.add([entry(task=5, metric="其芳小学", done=True), entry(task=16, value=40)])
    assert str(refused.value) == (
        f"the role education_clerk (unit {EDUCATION}) may not add progress for task 16 of "
        f"{NOTICE}: it is led by {HOUSING}"
    )
    assert refused.value.exit_code == ExitCode.BAD_INPUT
    assert education.count() == 0  # not even the task it leads: one write, all or nothing
    housing = as_role(district, "housing_clerk")
    housing.add([entry(task=16, value=40)])
    with pytest.raises(InputError, match="may not add progress for task 16"):
        education.retract(1, by="李四")
    assert education.get(1) is not None  # but any role may read
    assert education.latest(date(2024, 12, 31))[(NOTICE, 16, "老旧小区")].value == Decimal(40)
    for store in (housing, education):
        store.close()


@pytest.mark.postgres
def test_the_server_itself_refuses_a_write_for_another_unit(
    district: tuple[PostgresServer, str],
) -> None:
    import psycopg

    server, database = district
    with psycopg.connect(server.url(database, user="education_clerk"), autocommit=True) as raw:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            raw.execute(
                "INSERT INTO minshi.entry (id, notice, task, metric, date, recorded_at,"
                " value) VALUES (1, %s, 16, 'k', '2024-05-01', now(), 1)",
                [NOTICE],
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute("DELETE FROM minshi.entry")


@pytest.mark.postgres
def test_the_supervision_office_writes_every_task(district: tuple[PostgresServer, str]) -> None:
    supervisor = as_role(district, "supervisor")
    supervisor.add(
        [
            entry(task=16, value=1),
            entry(task=5, value=2),
            entry(task=3, value=3),
            entry(task=99, value=4),
        ]
    )
    assert supervisor.count() == 4
    supervisor.close()


@pytest.mark.postgres
def test_a_role_without_a_unit_may_read_but_not_write(district: tuple[PostgresServer, str]) -> None:
    with as_role(district, "housing_clerk") as housing:
        housing.add([entry(task=16, value=40)])
    stranger = as_role(district, "stranger")
    assert stranger.count() == 1
    with pytest.raises(
        InputError, match="the role stranger \\(no unit granted\\) may not add progress for task 16"
    ):
        stranger.add([entry(task=16, value=41)])
    stranger.close()


@pytest.mark.postgres
def test_granting_a_role_that_does_not_exist_is_refused(
    district: tuple[PostgresServer, str],
) -> None:
    server, database = district
    admin = open_store(server.url(database), create=True)
    assert isinstance(admin, PostgresStore)
    with pytest.raises(InputError, match="there is no role 'nobody_here'"):
        admin.grant(HOUSING, "nobody_here")
    admin.close()


@pytest.mark.postgres
def test_a_journal_moves_from_sqlite_to_the_server_and_back(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    office = tmp_path / "office.db"
    make_sqlite_store(office, entries=300)
    source = open_store(office, create=True)
    source.retract(7, by="x", note="录错")
    source.add([entry(value=Decimal("12.50"), invested=Decimal("0.001"), note="😀\n")])
    server_url = postgres_server.url(postgres_server.new_database())
    shared = open_store(server_url, create=True)

    copied = copy_journal(source, shared)
    assert copied == CopyResult(302, journal_checksum(source.log()))
    assert journal_checksum(shared.log()) == copied.checksum
    assert shared.latest(date(2024, 12, 31)) == source.latest(date(2024, 12, 31))
    assert shared.integrity_problems() == []
    with pytest.raises(
        StoreError, match="already holds 302 entries: a journal is copied only into an empty store"
    ):
        copy_journal(source, shared)
    assert shared.count() == 302
    assert shared.add([entry(value=1)])[0].id == 303  # ids go on after the copied ones

    back = tmp_path / "back.db"
    shared.backup(back)
    restored = open_store(back, create=False)
    assert journal_checksum(restored.log()) == journal_checksum(shared.log())
    for store in (source, shared, restored):
        store.close()


@pytest.mark.postgres
def test_reading_a_server_without_a_store_creates_nothing(postgres_server: PostgresServer) -> None:
    database = postgres_server.new_database()
    reader = open_store(postgres_server.url(database), create=False)
    assert reader.count() == 0 and reader.log() == [] and reader.integrity_problems() == []
    with pytest.raises(StoreError, match="opened for reading only"):
        reader.add([entry(value=1)])
    reader.close()
    assert postgres_server.sql(
        "SELECT count(*) FROM pg_namespace WHERE nspname = 'minshi'", database
    ) == [(0,)]


@pytest.mark.postgres
def test_a_server_store_from_a_newer_minshi_is_refused(postgres_server: PostgresServer) -> None:
    url = postgres_server.url(postgres_server.new_database())
    migrate(url)
    postgres_server.sql("UPDATE minshi.meta SET schema_version = 99", url.rsplit("/", 1)[1])
    for create in (False, True):
        with pytest.raises(StoreError, match="written by a newer minshi \\(schema version 99"):
            open_store(url, create=create)


@pytest.mark.postgres
def test_the_server_journal_is_append_only(postgres_server: PostgresServer) -> None:
    import psycopg

    url = postgres_server.url(postgres_server.new_database())
    store = open_store(url, create=True)
    store.add([entry(value=1)])
    store.close()
    with psycopg.connect(url, autocommit=True) as raw:  # even the owner
        for statement in (
            "UPDATE minshi.entry SET value = 2",
            "DELETE FROM minshi.entry",
            "TRUNCATE minshi.entry CASCADE",
        ):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                raw.execute(statement)


@pytest.mark.postgres
def test_a_server_number_no_progress_can_hold_is_a_store_error(
    postgres_server: PostgresServer,
) -> None:
    import psycopg

    database = postgres_server.new_database()
    url = postgres_server.url(database)
    with open_store(url, create=True) as store:
        store.add([entry(value=1), entry(value=2)])
    insert = (
        "INSERT INTO minshi.entry (id, notice, task, metric, date, recorded_at, value)"
        " SELECT 3, notice, task, metric, date, now(), 'NaN' FROM minshi.entry WHERE id = 1"
    )
    with psycopg.connect(url, autocommit=True) as raw:
        with pytest.raises(psycopg.errors.CheckViolation):  # a new store refuses it
            raw.execute(insert)
        raw.execute("ALTER TABLE minshi.entry DROP CONSTRAINT entry_value_check")
        raw.execute(insert)  # as a store made before the check could hold it
    with open_store(url, create=False) as store:
        with pytest.raises(
            StoreError,
            match=re.escape(f"entry 3 in {url} holds a damaged number 'NaN': restore the store"),
        ):
            store.snapshot(date(2024, 12, 31))
        assert store.get(2) is not None
        assert store.integrity_problems() == [
            "entry 3 cannot be read: it holds a damaged number 'NaN'"
        ]


@pytest.mark.postgres
def test_a_writer_holding_the_server_lock_too_long_gives_store_busy(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    url = postgres_server.url(postgres_server.new_database())
    migrate(url)
    monkeypatch.setenv("MINSHI_BUSY_TIMEOUT", "0.2")
    writer = open_store(url, create=True)
    with psycopg.connect(url) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [postgres_store.WRITE_LOCK])
        with pytest.raises(StoreError) as refused:
            writer.add([entry(value=1)])
        other.rollback()
    assert str(refused.value) == (f"the store {url} is busy: another minshi is writing; try again")
    writer.add([entry(value=1)])
    assert writer.count() == 1
    writer.close()


@pytest.mark.postgres
def test_the_server_going_away_mid_command_is_a_store_error(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url(postgres_server.new_database())
    store = open_store(url, create=True)
    store.add([entry(value=1)])
    postgres_server.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        params=[url.rsplit("/", 1)[1]],
    )
    with pytest.raises(StoreError, match=f"^lost the connection to the store {url} ") as lost:
        store.add([entry(value=2)])
    assert lost.value.exit_code == ExitCode.STORE
    store.close()
    assert count_in(url) == 1


@pytest.mark.postgres
def test_an_unreachable_server_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://clerk:secret@127.0.0.1:{port}/minshi"
    with pytest.raises(StoreError) as refused:
        open_store(url, create=False)
    message = str(refused.value)
    assert message.startswith(
        f"cannot connect to the store postgresql://clerk:***@127.0.0.1:{port}/minshi: "
    )
    assert "Connection refused" in message and "secret" not in message


def test_a_server_url_without_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(
        StoreError,
        match=re.escape("PostgreSQL support is not installed: pip install 'minshi[postgres]'"),
    ):
        open_store("postgresql://clerk@db.example/minshi", create=False)


def test_load_refuses_a_journal_no_store_could_have_written(store: Store) -> None:
    now = datetime.now(UTC)
    first = ProgressEntry(1, NOTICE, 16, "老旧小区", date(2024, 5, 1), now, value=Decimal(1))
    cases = {
        "entry 1 is out of order": [first, first],
        "entry 2 retracts entry 1, which it cannot": [
            first,
            ProgressEntry(2, NOTICE, 16, "other", date(2024, 5, 1), now, retracts=1),
        ],
        "entry 1 has a recording time without a time zone": [
            ProgressEntry(
                1, NOTICE, 16, "k", date(2024, 5, 1), now.replace(tzinfo=None), value=Decimal(1)
            )
        ],
    }
    for message, entries in cases.items():
        with pytest.raises(InputError, match=f"^{re.escape(message)}"):
            store.fill(entries)
    assert store.count() == 0


def test_a_row_is_read_field_by_field_into_its_entry() -> None:
    """Every column of a journal row lands in the field of its name (entries.entry_from_row
    builds the entry by position, for speed)."""
    from minshi.store.entries import RowReader, entry_from_row

    def day(text: object) -> date:
        return date.fromisoformat(str(text))

    def moment(text: object) -> datetime:
        return datetime.fromisoformat(str(text))

    def number(text: object) -> Decimal | None:
        return None if text is None else Decimal(str(text))

    # in the order every backend selects: the entry's columns, its retraction, its review
    row = (7, "n-2024", 16, "area", "2024-06-30", "2024-07-01T08:00:00+00:00", "40", 1,
           "主体完工", "60", "120.5", "进展", "张敏", 3, "clerk", "80", "70",
           9, "returned", "李审", "2024-07-02T09:00:00+00:00", "数字有误")  # fmt: skip
    entry = entry_from_row(row, RowReader(day=day, moment=moment, number=number))
    assert entry == ProgressEntry(
        id=7,
        notice="n-2024",
        task=16,
        metric="area",
        date=date(2024, 6, 30),
        recorded_at=datetime.fromisoformat("2024-07-01T08:00:00+00:00"),
        value=Decimal(40),
        done=True,
        stage="主体完工",
        percent=Decimal(60),
        invested=Decimal("120.5"),
        note="进展",
        by="张敏",
        retracts=3,
        retracted_by=9,
        written_as="clerk",
        state="returned",
        reviewed_by="李审",
        reviewed_at=datetime.fromisoformat("2024-07-02T09:00:00+00:00"),
        reason="数字有误",
        allocated=Decimal(80),
        paid=Decimal(70),
    )
