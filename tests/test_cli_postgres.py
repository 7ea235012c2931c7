"""The same commands on a PostgreSQL store, and who may write what (row-level security)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.pgserver import PostgresServer, free_port


def test_the_same_commands_work_on_both_stores(
    cli: Invoke, store_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINSHI_DB", store_location)
    assert cli("db", "migrate").exit_code == 0
    update = cli(
        "progress", "update", "16", "--value", "40", "--date", "2024-06-30", "--note", "已开工"
    )
    assert update.exit_code == 0, update.stderr
    assert update.stdout.startswith(
        "task 16 老旧小区（新开工改造老旧小区）: — → 40 个 as of 2024-06-30"
    )
    first = json.loads(cli("show", "16", "-f", "json").stdout)["metrics"][0]
    assert (first["actual"], first["last_reported"]) == (40, "2024-06-30")
    overdue = json.loads(cli("overdue", "--as-of", "2025-01-15", "-f", "json").stdout)
    assert (16, "老旧小区") in {(r["task"], r["key"]) for r in overdue}
    cli("progress", "update", "16", "--value", "95", "--date", "2024-07-31")
    incomplete = json.loads(cli("incomplete", "--as-of", "2024-08-01", "-f", "json").stdout)
    assert (16, "老旧小区") not in {(r["task"], r["key"]) for r in incomplete}
    assert cli("progress", "undo").exit_code == 0
    assert json.loads(cli("show", "16", "-f", "json").stdout)["metrics"][0]["actual"] == 40
    log = json.loads(cli("progress", "log", "-f", "json").stdout)
    assert [e["id"] for e in log] == [3, 2, 1] and log[0]["retracts"] == 2
    assert cli("db", "check").exit_code == 0


@pytest.fixture
def district(
    postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A shared store with three roles: two lead units and the supervision office."""
    database = postgres_server.new_database()
    for role in ("edu_clerk", "housing_clerk", "supervision"):
        exists = postgres_server.sql("SELECT 1 FROM pg_roles WHERE rolname = %s", params=[role])
        if not exists:
            postgres_server.sql(f"CREATE ROLE {role} LOGIN")
    admin = postgres_server.url(database)
    monkeypatch.setenv("MINSHI_DB", admin)
    migrated = cli("db", "migrate")
    assert migrated.exit_code == 0, migrated.stderr
    assert "lead units recorded for 21 tasks" in migrated.stdout
    assert cli("db", "grant", "区教委", "edu_clerk").stdout == (
        "edu_clerk may now write progress for the tasks 区教委 leads (2、3、20)\n"
    )
    assert cli("db", "grant", "区住建委", "housing_clerk").exit_code == 0  # an alias works too
    assert cli("db", "grant", "区发展改革委", "supervision", "--all").stdout == (
        "supervision may now write progress for every task\n"
    )
    yield database


@pytest.mark.postgres
def test_a_unit_writes_its_own_tasks_only(
    district: str, postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(district, user="edu_clerk"))
    own = cli("progress", "update", "20", "--value", "1000", "--date", "2024-06-30")
    assert own.exit_code == 0, own.stderr
    refused = cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "minshi: error: the role edu_clerk (unit 区教委) may not add progress for task 16 of "
        "wanzhou-2024: it is led by 区住房城乡建委\n"
    )
    # any role may read, and the refused write left nothing behind
    assert [e["task"] for e in json.loads(cli("progress", "log", "-f", "json").stdout)] == [20]

    monkeypatch.setenv("MINSHI_DB", postgres_server.url(district, user="housing_clerk"))
    assert cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30").exit_code == 0
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(district, user="supervision"))
    assert cli("progress", "update", "5", "--value", "1", "--date", "2024-06-30").exit_code == 0
    assert len(json.loads(cli("progress", "log", "-f", "json").stdout)) == 3


@pytest.mark.postgres
def test_an_office_journal_moves_to_the_server(
    cli: Invoke, postgres_server: PostgresServer, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30", "--note", "已开工")
    cli("progress", "update", "5", "--value", "1", "--date", "2024-06-30")
    cli("progress", "undo")
    before = cli("progress", "log", "-f", "json").stdout
    url = postgres_server.url(postgres_server.new_database())
    result = cli("db", "copy", "--from", str(db_file), "--to", url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"copied 3 entries from {db_file} to {url} (checksum ")
    monkeypatch.setenv("MINSHI_DB", url)
    assert cli("progress", "log", "-f", "json").stdout == before
    again = cli("db", "copy", "--from", str(db_file), "--to", url)
    assert again.exit_code == 3 and "already holds 3 entries" in again.stderr


@pytest.mark.postgres
def test_an_unreachable_server_is_exit_3_without_the_password(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINSHI_DB", f"postgresql://clerk:secret@127.0.0.1:{free_port()}/minshi")
    result = cli("progress", "update", "16", "--value", "1")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "minshi: error: cannot connect to the store postgresql://clerk:***@127.0.0.1:"
    )
    assert "secret" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_grant_needs_a_server(cli: Invoke) -> None:
    result = cli("db", "grant", "区教委", "edu_clerk")
    assert result.exit_code == 2
    assert "db grant needs a PostgreSQL store" in result.stderr


@pytest.mark.postgres
def test_an_import_naming_other_units_tasks_lists_them_all(
    district: str,
    postgres_server: PostgresServer,
    cli: Invoke,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(district, user="edu_clerk"))
    rows = "task,metric,value,date,note\n" + "".join(
        f"{task},,{value},2024-06-30,\n" for task, value in ((20, 1000), (16, 40), (18, 50))
    )
    path = tmp_path / "june.csv"
    path.write_text(rows, encoding="utf-8")
    result = cli("progress", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "minshi: error: the role edu_clerk (unit 区教委) may not add progress for 2 tasks",
        "  task 16 of wanzhou-2024: it is led by 区住房城乡建委",
        "  task 18 of wanzhou-2024: it is led by 区发展改革委",
    ]
    assert json.loads(cli("progress", "log", "-f", "json").stdout) == []
