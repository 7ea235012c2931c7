"""db check / backup / migrate on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke


def test_check_a_sound_store(cli: Invoke, db_file: Path) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30")
    result = cli("db", "check")
    assert result.exit_code == 0
    assert result.stdout == f"ok: {db_file} — 1 entry, no problems found\n"


def test_check_refuses_a_file_that_is_not_a_store_and_leaves_it_alone(
    cli: Invoke, db_file: Path
) -> None:
    db_file.write_bytes(b"these are somebody's notes, not a database\n" * 10)
    before = db_file.read_bytes()
    result = cli("db", "check")
    assert result.exit_code == 3
    assert (
        result.stderr
        == f"minshi: error: {db_file} is not a minshi store (file is not a database)\n"
    )
    update = cli("progress", "update", "16", "--value", "1")
    assert update.exit_code == 3
    assert db_file.read_bytes() == before


def test_backup_is_a_working_copy(
    cli: Invoke, db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30", "--note", "已开工")
    cli("progress", "update", "5", "--value", "1", "--date", "2024-06-30")
    copy = tmp_path / "backup.db"
    result = cli("db", "backup", str(copy))
    assert result.exit_code == 0
    assert result.stdout == f"backed up 2 entries from {db_file} to {copy}\n"
    original = cli("progress", "log", "-f", "json").stdout
    monkeypatch.setenv("MINSHI_DB", str(copy))
    assert cli("progress", "log", "-f", "json").stdout == original
    assert json.loads(cli("show", "16", "-f", "json").stdout)["metrics"][0]["actual"] == 40


def test_backup_never_overwrites(cli: Invoke, tmp_path: Path) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30")
    existing = tmp_path / "exists.db"
    existing.write_text("keep me")
    result = cli("db", "backup", str(existing))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert existing.read_text() == "keep me"


def test_migrate_creates_the_store(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_file = isolated / "new.db"
    monkeypatch.setenv("MINSHI_DB", str(db_file))
    result = cli("db", "migrate")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{db_file}: schema version ")
    assert db_file.exists()
    assert cli("db", "check").exit_code == 0


def test_copy_from_a_missing_file_says_so(cli: Invoke, tmp_path: Path) -> None:
    result = cli(
        "db", "copy", "--from", str(tmp_path / "nothere.db"), "--to", str(tmp_path / "b.db")
    )
    assert result.exit_code == 2
    assert result.stderr == f"minshi: error: {tmp_path / 'nothere.db'}: no such store file\n"
    assert not (tmp_path / "b.db").exists()
