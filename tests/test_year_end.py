"""The year's end: 票决 tasks, 满意度测评 on both stores, and the funds of a task.

(The grade's own boundaries are in test_rating.py.)
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from minshi.errors import InputError
from minshi.rating import Votes
from minshi.store import Store, copy_journal, open_store
from minshi.store import sqlite as sqlite_store
from minshi.store.office import office_checksum
from tests.conftest import BUNDLED, Invoke
from tests.pgserver import PostgresServer

NOTICE = "wanzhou-2024"


@pytest.fixture
def store(store_location: str) -> Any:
    with open_store(store_location, create=True) as opened:
        yield opened


# -- 票决 ---------------------------------------------------------------------------------------


def test_the_ten_district_tasks_were_voted(cli: Invoke) -> None:
    voted = json.loads(cli("list", "--voted", "-f", "json").stdout)
    assert [t["id"] for t in voted] == list(range(12, 22))
    assert all(t["voted"] and t["category"] == "区级" for t in voted)
    every = json.loads(cli("list", "-f", "json").stdout)
    assert [t["id"] for t in every if not t["voted"]] == list(range(1, 12))
    assert "（票决）" in cli("list", "--voted").stdout
    assert "[区级·票决]" in cli("show", "16").stdout
    assert "票决" not in cli("show", "1").stdout.splitlines()[0]


# -- 满意度测评 ---------------------------------------------------------------------------------


def test_a_rating_is_kept_and_the_newest_by_the_date_counts(store: Store) -> None:
    first = store.rate(NOTICE, 18, Votes(Decimal(42), Decimal(6), Decimal(2)),
                       day=date(2024, 12, 20), by="区人大")  # fmt: skip
    assert (first.id, first.satisfied, first.percent) == (1, Decimal(42), False)
    again = Votes(Decimal("40.5"), Decimal("49.5"), Decimal(10), percent=True)
    store.rate(NOTICE, 18, again, day=date(2025, 1, 10), by="区人大", note="第二轮")
    assert store.ratings(as_of=date(2024, 12, 31))[(NOTICE, 18)].votes.satisfied == 42
    latest = store.ratings()[(NOTICE, 18)]
    assert (latest.votes, latest.note) == (again, "第二轮")
    assert [r.id for r in store.all_ratings()] == [1, 2]


def test_a_copy_carries_the_ratings(store: Store, tmp_path: Path) -> None:
    store.rate(NOTICE, 17, Votes(Decimal(30), Decimal(15), Decimal(5)), day=date(2024, 12, 20),
               by="区人大")  # fmt: skip
    with open_store(tmp_path / "copy.db", create=True) as copy:
        copy_journal(store, copy)
        assert copy.all_ratings() == store.all_ratings()
        assert office_checksum(copy.office_records()) == office_checksum(store.office_records())


def test_rating_from_the_command_line(cli: Invoke) -> None:
    added = cli("rating", "add", "18", "--satisfied", "42票", "--basic", "6", "--unsatisfied",
                "2", "--date", "2024-12-20", "--by", "区人大")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert added.stdout.endswith("满意 42 · 基本满意 6 · 不满意 2 (满意 84%) → 满意\n")
    cli("rating", "add", "17", "--satisfied", "50", "--basic", "0", "--unsatisfied", "50",
        "--percent", "--date", "2024-12-21")  # fmt: skip
    rated = json.loads(cli("rating", "list", "--as-of", "2024-12-31", "-f", "json").stdout)
    assert [(r["task"], r["grade"], r["grade_label"]) for r in rated] == [
        (17, "unsatisfied", "不满意"),
        (18, "satisfied", "满意"),
    ]
    assert rated[1]["shares"] == {"satisfied": 84.0, "basic": 12.0, "unsatisfied": 4.0}
    assert cli("rating", "list", "--as-of", "2024-12-20", "-f", "json").stdout.count("task") == 1
    led = json.loads(cli("rating", "list", "--lead", "区民政局", "-f", "json").stdout)
    assert [r["task"] for r in led] == [17]
    csv = cli("rating", "list", "-f", "csv").stdout
    assert csv.splitlines()[0].startswith("notice,序号,项目名称,牵头单位,票决,测评日期,满意,")


def test_a_task_shows_its_rating_as_of_the_date(cli: Invoke, isolated: Path) -> None:
    cli("rating", "add", "18", "--satisfied", "30", "--basic", "15", "--unsatisfied", "5",
        "--date", "2024-12-20", "--by", "区人大")  # fmt: skip
    shown = cli("show", "18", "--as-of", "2024-12-31").stdout
    assert "满意度测评（2024-12-20）：满意 30 · 基本满意 15 · 不满意 5 → 满意\n" in shown
    before = json.loads(cli("show", "18", "--as-of", "2024-12-19", "-f", "json").stdout)
    assert before["rating"] is None
    listed = json.loads(cli("list", "--voted", "--as-of", "2024-12-31", "-f", "json").stdout)
    rated = {t["id"]: t["rating"] for t in listed if t["rating"]}
    assert list(rated) == [18]
    assert {k: rated[18][k] for k in ("satisfied", "basic", "unsatisfied", "grade")} == {
        "satisfied": 30, "basic": 15, "unsatisfied": 5, "grade": "satisfied"
    }  # fmt: skip
    # the office's rule grades every view alike: 60% of the votes is not over 60%
    (isolated / "minshi.toml").write_text("[rating]\nsatisfied_over = 60\n", encoding="utf-8")
    again = json.loads(cli("show", "18", "--as-of", "2024-12-31", "-f", "json").stdout)
    assert again["rating"]["grade"] == "basic"
    report = json.loads(cli("report", "--as-of", "2024-12-31", "-f", "json").stdout)
    in_report = [t["rating"] for c in report["categories"] for t in c["tasks"] if t["id"] == 18]
    assert in_report[0]["grade"] == "basic"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("18", "--satisfied", "-3", "--basic", "0", "--unsatisfied", "1"), "cannot be negative"),
        (("18", "--satisfied", "0", "--basic", "0", "--unsatisfied", "0"), "a rating needs votes"),
        (("18", "--satisfied", "4.5", "--basic", "0", "--unsatisfied", "1"), "add --percent"),
        (("18", "--satisfied", "abc", "--basic", "0", "--unsatisfied", "1"), "is not a number"),
        (("18", "--satisfied", "80", "--basic", "30", "--unsatisfied", "0", "--percent"),
         "add up to 110%"),
        (("99", "--satisfied", "1", "--basic", "0", "--unsatisfied", "1"), "no task 99"),
        (("18", "--satisfied", "1", "--basic", "0", "--unsatisfied", "1", "--date", "2024-02-30"),
         "not a real date"),
        (("18", "--satisfied", "1", "--basic", "0", "--unsatisfied", "1", "--date", "2999-01-01"),
         "in the future"),
        (("18", "--satisfied", "1", "--basic", "0", "--unsatisfied", "1", "--date", "2023-12-31"),
         "before the notice's year"),
        (("18", "--satisfied", "1", "--basic", "0", "--unsatisfied", "1", "--date", ""),
         "is not a real date"),
        (("1", "--satisfied", "1", "--basic", "0", "--unsatisfied", "1"), "not chosen by vote"),
    ],
)  # fmt: skip
def test_a_rating_that_cannot_be_writes_nothing(
    cli: Invoke, isolated: Path, args: tuple[str, ...], message: str
) -> None:
    cli("rating", "add", "18", "--satisfied", "1", "--basic", "0", "--unsatisfied", "0")
    before = cli("rating", "list", "-f", "json").stdout
    refused = cli("rating", "add", *args)
    assert refused.exit_code == 2
    assert message in refused.stderr and refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.stderr
    assert cli("rating", "list", "-f", "json").stdout == before


def test_a_store_of_the_year_before_gains_ratings_and_funds(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    raw = sqlite3.connect(path)
    for statement in (s for migration in sqlite_store.MIGRATIONS[:2] for s in migration):
        raw.execute(statement)
    raw.execute(
        "INSERT INTO entry (id, notice, task, metric, date, recorded_at, value)"
        " VALUES (1, ?, 16, '老旧小区', '2024-06-30', '2024-06-30T08:00:00+00:00', '40')",
        [NOTICE],
    )
    raw.execute("PRAGMA user_version = 2")
    raw.execute(f"PRAGMA application_id = {sqlite_store.APPLICATION_ID}")
    raw.commit()
    raw.close()
    with open_store(path, create=True) as upgraded:
        [entry] = upgraded.log()
        assert (entry.value, entry.allocated, entry.paid) == (Decimal(40), None, None)
        assert upgraded.all_ratings() == []
        upgraded.rate(NOTICE, 16, Votes(Decimal(1), Decimal(0), Decimal(0)),
                      day=date(2024, 12, 1), by="x")  # fmt: skip
        assert len(upgraded.all_ratings()) == 1


def test_a_bad_note_is_refused_by_the_store(store: Store) -> None:
    with pytest.raises(InputError, match="at most 2000 characters"):
        store.rate(NOTICE, 1, Votes(Decimal(1), Decimal(0), Decimal(0)), day=date(2024, 12, 1),
                   by="x", note="长" * 2001)  # fmt: skip
    assert store.all_ratings() == []


@pytest.mark.postgres
def test_only_the_office_records_ratings_on_a_server(
    postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    database = postgres_server.new_database()
    for role in ("edu_clerk", "supervision"):
        if not postgres_server.sql("SELECT 1 FROM pg_roles WHERE rolname = %s", params=[role]):
            postgres_server.sql(f"CREATE ROLE {role} LOGIN")
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(database))
    assert cli("db", "migrate").exit_code == 0
    assert cli("db", "grant", "区教委", "edu_clerk").exit_code == 0
    assert cli("db", "grant", "--verifier", "supervision").exit_code == 0
    votes = ("--satisfied", "40", "--basic", "8", "--unsatisfied", "2")
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(database, user="edu_clerk"))
    refused = cli("rating", "add", "20", *votes)
    assert refused.exit_code == 2 and "may not record ratings" in refused.stderr
    insert = (
        "INSERT INTO minshi.rating (id, notice, task, date, satisfied, basic, unsatisfied,"
        " percent, recorded_at)"
        " VALUES (1, 'wanzhou-2024', 20, '2024-12-20', 50, 0, 0, false, now())"
    )
    with psycopg.connect(postgres_server.url(database, user="edu_clerk"), autocommit=True) as unit:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            unit.execute(insert)
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(database, user="supervision"))
    assert cli("rating", "add", "20", *votes, "--date", "2024-12-20").exit_code == 0
    [rated] = json.loads(cli("rating", "list", "-f", "json").stdout)
    assert (rated["task"], rated["grade"]) == (20, "satisfied")


# -- funds --------------------------------------------------------------------------------------


def notice_with(tmp_path: Path, old: str, new: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "notice.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_funds_by_source_and_the_plan_they_make(cli: Invoke, tmp_path: Path) -> None:
    path = notice_with(tmp_path, "  - id: 12\n", "  - id: 12\n    funds: {plan: 5000, sources: "
                       "{中央: 1000, 市级: 500, 区级: 3500}}\n")  # fmt: skip
    shown = json.loads(cli("--data", str(path), "show", "12", "-f", "json").stdout)
    assert shown["investment_plan"] == 5000
    assert shown["funds"] == {"plan": 5000, "sources": {"中央": 1000, "市级": 500, "区级": 3500}}
    again = json.loads(cli("--data", str(path), "show", "12", "-f", "json").stdout)  # cached
    assert again["funds"] == shown["funds"]


@pytest.mark.parametrize(
    ("funds", "message"),
    [
        ("{plan: 5000, sources: {中央: 4000, 区级: 1500}}", "the sources add up to 5500 万元"),
        ("{plan: 5000, sources: {中央: -1}}", "greater than or equal to 0"),
        ("{plan: 5000, sources: {'': 1}}", "funds.sources"),
        ("{plan: 5000, source: {中央: 1}}", "funds.source"),
    ],
)
def test_funds_that_cannot_be_are_refused_naming_the_line(
    cli: Invoke, tmp_path: Path, funds: str, message: str
) -> None:
    path = notice_with(tmp_path, "  - id: 12\n", f"  - id: 12\n    funds: {funds}\n")
    refused = cli("validate", str(path))
    assert refused.exit_code == 2 and message in refused.stderr
    assert f"{path}:" in refused.stderr


def test_the_plan_given_twice_must_agree(cli: Invoke, tmp_path: Path) -> None:
    twice = "  - id: 12\n    investment_plan: 4000\n    funds: {plan: 5000}\n"
    path = notice_with(tmp_path, "  - id: 12\n", twice)
    refused = cli("validate", str(path))
    assert "the plan 5000 differs from investment_plan 4000" in refused.stderr
