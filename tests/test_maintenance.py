"""maintenance: the store's upkeep (`minshi db …`) called as a script would, on real SQLite files:
checking a sound and a damaged store, backing up, copying a journal, migrating, granting.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import minshi
from minshi import maintenance
from minshi.catalog import load
from minshi.errors import FileAccessError, InputError, StoreError
from minshi.store import NewEntry, Store, journal_checksum
from minshi.store.sqlite import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import BUNDLED

CATALOG = load(BUNDLED, use_cache=False)


def entry(value: int, day: str = "2024-05-01", **kw: object) -> NewEntry:
    return NewEntry(
        "wanzhou-2024",
        16,
        "老旧小区",
        date.fromisoformat(day),
        value=Decimal(value),
        by="统计脚本",
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "p.db"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    """A store of three entries, the second taken back (four rows)."""
    with minshi.open_store(path) as opened:
        opened.add([entry(10), entry(20, note="二十"), entry(30, invested=Decimal("12.5"))])
        opened.retract(2, by="王", note="录错了")
        yield opened


def tamper(path: Path, *statements: str) -> None:
    """Change the file as another program could, past the schema's own checks."""
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


def problems_of(path: Path) -> tuple[str, list[str]]:
    with minshi.open_store(path, create=False) as reader, pytest.raises(StoreError) as caught:
        maintenance.check(reader)
    return caught.value.message, caught.value.details


# -- check --------------------------------------------------------------------------------------


def test_check_of_a_sound_store_counts_its_entries(store: Store) -> None:
    assert maintenance.check(store) == 4


def test_check_of_a_store_not_yet_written_finds_nothing(path: Path) -> None:
    with minshi.open_store(path, create=False) as reader:
        assert maintenance.check(reader) == 0
    assert not path.exists()


def test_check_names_every_damaged_entry(store: Store, path: Path) -> None:
    store.close()
    tamper(
        path,
        "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value)"
        " VALUES (5, 'wanzhou-2024', 16, '老旧小区', '2024-06-01', '2100-06-01T00:00:00+00:00',"
        " 'abc')",
        "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value)"
        " VALUES (6, 'wanzhou-2024', 16, '老旧小区', '2024-06-02', 'yesterday', '7')",
    )
    assert problems_of(path) == (
        f"{path}: 3 problem(s) found",
        [
            "integrity: CHECK constraint failed in entry",
            "entry 5 cannot be read: it holds a damaged number 'abc'",
            "entry 6 cannot be read: it holds a damaged recording time 'yesterday'",
        ],
    )


def test_check_names_a_missing_append_only_guard(store: Store, path: Path) -> None:
    store.close()
    tamper(path, "DROP TRIGGER entry_no_update")
    assert problems_of(path) == (
        f"{path}: 1 problem(s) found",
        ["the schema object entry_no_update is missing"],
    )


def test_check_names_a_retraction_of_another_metric(store: Store, path: Path) -> None:
    store.close()
    tamper(
        path,
        "DROP TRIGGER entry_retraction",
        "INSERT INTO entry (id, notice, task, metric, date, recorded_at, retracts) VALUES"
        " (5, 'wanzhou-2024', 16, '改造面积', '2024-05-01', '2100-05-01T00:00:00+00:00', 1)",
        MIGRATIONS[0][4],  # the guard back in place
    )
    assert problems_of(path) == (
        f"{path}: 1 problem(s) found",
        ["entry 5 retracts entry 1, which belongs to another metric"],
    )


def test_check_finds_a_file_damaged_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    with minshi.open_store(path) as writer:
        writer.add([entry(n, note="进展" * 100) for n in range(300)])
    damaged = bytearray(path.read_bytes())
    page = 4096
    for at in range(5, 40, 5):  # pages of entries and their index scribbled on
        damaged[at * page + 100 : at * page + 2100] = b"\xff" * 2000
    path.write_bytes(bytes(damaged))
    message, details = problems_of(path)
    assert re.fullmatch(rf"{re.escape(str(path))}: \d+ problem\(s\) found", message)
    assert details and all(line.startswith("integrity: ") for line in details)


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(path: Path) -> None:
    path.write_bytes(b"notes, not a database\n" * 100)
    with pytest.raises(StoreError) as caught:
        minshi.open_store(path, create=False)
    assert caught.value.message == f"{path} is not a minshi store (file is not a database)"
    assert path.read_bytes() == b"notes, not a database\n" * 100


# -- backup -------------------------------------------------------------------------------------


def test_backup_is_a_store_with_the_same_journal(store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "backup.db"
    assert maintenance.backup(store, copy) == 4
    store.add([entry(40)])  # later writes do not reach the copy
    with minshi.open_store(copy, create=False) as restored:
        assert maintenance.check(restored) == 4
        assert journal_checksum(restored.log()) == journal_checksum(store.log()[1:])
        assert restored.get(2) is not None and restored.get(2).retracted_by == 4  # type: ignore[union-attr]


def test_backup_never_overwrites_a_file(store: Store, tmp_path: Path) -> None:
    existing = tmp_path / "exists.db"
    existing.write_text("keep me")
    with pytest.raises(InputError) as caught:
        maintenance.backup(store, existing)
    assert caught.value.message == f"{existing} already exists; choose a new file name"
    assert existing.read_text() == "keep me"


def test_backup_into_a_folder_that_does_not_exist(store: Store, tmp_path: Path) -> None:
    dest = tmp_path / "missing" / "copy.db"
    with pytest.raises(FileAccessError) as caught:
        maintenance.backup(store, dest)
    assert caught.value.message == f"cannot write the backup {dest}: no folder {dest.parent}"


def test_backup_of_a_store_not_yet_written(path: Path, tmp_path: Path) -> None:
    with minshi.open_store(path, create=False) as reader, pytest.raises(StoreError) as caught:
        maintenance.backup(reader, tmp_path / "copy.db")
    assert caught.value.message == f"there is no store at {path} yet: nothing to back up"
    assert not (tmp_path / "copy.db").exists()


# -- copy ---------------------------------------------------------------------------------------


def test_copy_moves_a_journal_into_a_new_store_verified(store: Store, tmp_path: Path) -> None:
    dest = tmp_path / "elsewhere" / "copy.db"
    copied = maintenance.copy(store.location, str(dest), CATALOG)
    assert (copied.source, copied.dest) == (store.location, str(dest))
    assert copied.result.entries == 4
    assert copied.result.checksum == journal_checksum(store.log())
    with minshi.open_store(dest, create=False) as target:
        assert [(e.id, e.value, e.retracts, e.retracted_by) for e in target.log()] == [
            (e.id, e.value, e.retracts, e.retracted_by) for e in store.log()
        ]
        assert target.log() == store.log()  # recording times and reporters kept
        assert maintenance.check(target) == 4


def test_copy_refuses_a_store_that_already_holds_entries(store: Store, tmp_path: Path) -> None:
    dest = tmp_path / "busy.db"
    with minshi.open_store(dest) as other:
        other.add([entry(1)])
    with pytest.raises(StoreError) as caught:
        maintenance.copy(store.location, str(dest), CATALOG)
    assert caught.value.message == (
        f"the store {dest} already holds 1 entries: a journal is copied only into an empty store"
    )
    with minshi.open_store(dest, create=False) as other:
        assert other.count() == 1


def test_copy_refuses_what_cannot_be_copied(store: Store, tmp_path: Path) -> None:
    missing, empty = tmp_path / "nothere.db", tmp_path / "empty.db"
    cases = [
        ((store.location, store.location), "--from and --to name the same store"),
        ((str(missing), str(tmp_path / "b.db")), f"{missing}: no such store file"),
    ]
    with minshi.open_store(empty) as blank:
        blank.migrate()
    cases.append(
        ((str(empty), str(tmp_path / "c.db")), f"{empty} holds no entries: nothing to copy")
    )
    for (source, dest), message in cases:
        with pytest.raises(InputError) as caught:
            maintenance.copy(source, dest, CATALOG)
        assert caught.value.message == message
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "c.db").exists()


# -- migrate, grant -----------------------------------------------------------------------------


def test_migrate_creates_the_store_and_may_run_again(path: Path) -> None:
    with minshi.open_store(path) as store:
        assert maintenance.migrate(store, CATALOG) == (SCHEMA_VERSION, None)  # no roles here
        assert path.exists()
        assert maintenance.check(store) == 0
        store.add([entry(5)])
        assert maintenance.migrate(store, CATALOG) == (SCHEMA_VERSION, None)
        assert maintenance.check(store) == 1


def test_sync_leads_is_nothing_to_a_store_without_roles(store: Store) -> None:
    assert maintenance.sync_leads(store, CATALOG) is None


def test_grant_is_refused_on_sqlite_and_writes_nothing(path: Path) -> None:
    with minshi.open_store(path) as store:
        with pytest.raises(InputError) as caught:
            maintenance.grant(store, CATALOG, "区教委", "edu_clerk", all_tasks=False)
        assert caught.value.message == (
            "db grant needs a PostgreSQL store (--db postgresql://…); a SQLite file has no roles"
        )
        with pytest.raises(InputError, match=r"^unknown unit '火星局'"):
            maintenance.grant(store, CATALOG, "火星局", "edu_clerk", all_tasks=True)
    assert not path.exists()
