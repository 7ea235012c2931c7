"""The office's checks: a figure counts as reported until the office verifies it (审核), goes
back to its unit with a reason (退回), and a finished task is closed (销号) with its documents.

The whole cycle on both stores, the refusals (each writing nothing), and on PostgreSQL the
server itself keeping the office's right to the office.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from minshi.errors import InputError
from minshi.store import EvidenceFile, NewEntry, Store, copy_journal, journal_checksum, open_store
from minshi.store.office import MAX_EVIDENCE_BYTES, office_checksum
from tests.conftest import Invoke
from tests.pgserver import PostgresServer

NOTICE = "wanzhou-2024"
KEY = (NOTICE, 16, "老旧小区")


def report(value: int, day: str, by: str = "区住建委王") -> NewEntry:
    return NewEntry(NOTICE, 16, "老旧小区", date.fromisoformat(day), value=Decimal(value), by=by)


def fingerprint(store: Store) -> tuple[str, str]:
    """The journal and the office's records, as checksums: what a refusal must leave as it was."""
    return journal_checksum(store.log()), office_checksum(store.office_records())


@pytest.fixture
def store(store_location: str) -> Any:
    with open_store(store_location, create=True) as opened:
        yield opened


# -- the store ----------------------------------------------------------------------------------


def test_report_verify_and_the_two_bases(store: Store) -> None:
    first, second = store.add([report(30, "2024-05-31"), report(40, "2024-06-30")])
    assert store.latest(date(2024, 6, 30))[KEY].value == 40
    assert store.latest(date(2024, 6, 30), basis="verified") == {}  # nothing checked yet
    (review,) = store.review([first.id], "verified", by="督查室李")
    assert (review.entry, review.decision, review.by) == (first.id, "verified", "督查室李")
    assert store.latest(date(2024, 6, 30), basis="verified")[KEY].value == 30
    assert store.latest(date(2024, 6, 30))[KEY].value == 40  # the newer report still counts
    assert store.get(first.id).state == "verified"  # type: ignore[union-attr]
    assert store.get(second.id).state == "reported"  # type: ignore[union-attr]


def test_a_returned_report_counts_for_nothing_until_reported_again(store: Store) -> None:
    first, second = store.add([report(30, "2024-05-31"), report(90, "2024-06-30")])
    store.review([first.id], "verified", by="督查室李")
    store.review([second.id], "returned", by="督查室李", reason="台账只有38个")
    back = store.get(second.id)
    assert back is not None and (back.state, back.reason) == ("returned", "台账只有38个")
    assert store.latest(date(2024, 6, 30))[KEY].value == 30  # as if it had been taken back
    before = fingerprint(store)
    for decision in ("verified", "returned"):
        with pytest.raises(InputError, match=f"entry {second.id} was returned"):
            store.review([second.id], decision, by="督查室李", reason="再看")  # type: ignore[arg-type]
    assert fingerprint(store) == before
    (corrected,) = store.add([report(38, "2024-06-30")])
    store.review([corrected.id], "verified", by="督查室李")
    assert store.latest(date(2024, 6, 30), basis="verified")[KEY].value == 38


@pytest.mark.parametrize(
    ("ids", "decision", "by", "reason", "message"),
    [
        ([99], "verified", "督查室李", "", "there is no entry 99"),
        ([1], "verified", "区住建委王", "", "entry 1 was reported by 区住建委王"),
        ([1], "returned", "督查室李", "", "say why it is returned"),
        ([3], "verified", "督查室李", "", "entry 3 is the retraction of entry 2"),
        ([2], "verified", "督查室李", "", "entry 2 was taken back"),
        ([1, 99], "verified", "督查室李", "", "there is no entry 99"),  # all or nothing
    ],
)
def test_a_review_that_may_not_be_is_refused_and_writes_nothing(
    store: Store, ids: list[int], decision: str, by: str, reason: str, message: str
) -> None:
    store.add([report(30, "2024-05-31"), report(40, "2024-06-30")])
    store.retract(2, by="区住建委王")
    before = fingerprint(store)
    with pytest.raises(InputError, match=message):
        store.review(ids, decision, by=by, reason=reason)  # type: ignore[arg-type]
    assert fingerprint(store) == before


def test_close_with_evidence_then_reopen(store: Store) -> None:
    photo = bytes(range(256)) * 40
    closure = store.close_task(
        NOTICE, 20, day=date(2024, 12, 20), by="督查室李", note="竣工验收合格",
        files=[EvidenceFile("验收报告.pdf", b"%PDF-1.7 signed"), EvidenceFile("现场.jpg", photo)],
    )  # fmt: skip
    assert [(e.name, e.bytes) for e in closure.evidence] == [
        ("验收报告.pdf", 15),
        ("现场.jpg", len(photo)),
    ]
    kept = store.closures()[(NOTICE, 20)]
    assert (kept.date, kept.by, kept.note) == (date(2024, 12, 20), "督查室李", "竣工验收合格")
    evidence, content = store.evidence_file(closure.evidence[1].id)
    assert content == photo and evidence.sha256 == hashlib.sha256(photo).hexdigest()
    with pytest.raises(InputError, match="closed already"):
        store.close_task(NOTICE, 20, day=date(2024, 12, 21), by="督查室李")
    store.reopen_task(NOTICE, 20, day=date(2024, 12, 22), by="督查室李", reason="复查渗漏")
    assert store.closures() == {}
    with pytest.raises(InputError, match="not closed"):
        store.reopen_task(NOTICE, 20, day=date(2024, 12, 23), by="督查室李", reason="再看")
    assert store.evidence_file(closure.evidence[0].id)[1] == b"%PDF-1.7 signed"  # still kept


def test_an_oversized_document_is_refused_and_nothing_is_closed(store: Store) -> None:
    before = fingerprint(store)
    big = EvidenceFile("scan.tiff", b"\0" * (MAX_EVIDENCE_BYTES + 1))
    with pytest.raises(InputError, match="scan.tiff: 20.0 MB is more than the 20 MB"):
        store.close_task(NOTICE, 20, day=date(2024, 12, 20), by="督查室李", files=[big])
    assert fingerprint(store) == before and store.closures() == {}


def test_a_copy_carries_the_office_records(store: Store, tmp_path: Path) -> None:
    store.add([report(30, "2024-05-31"), report(40, "2024-06-30")])
    store.review([1], "verified", by="督查室李")
    store.review([2], "returned", by="督查室李", reason="核实")
    store.close_task(
        NOTICE, 20, day=date(2024, 12, 20), by="督查室李", files=[EvidenceFile("a.pdf", b"A")]
    )
    with open_store(tmp_path / "copy.db", create=True) as copy:
        copy_journal(store, copy)
        assert fingerprint(copy) == fingerprint(store)
        assert copy.latest(date(2024, 6, 30))[KEY].value == 30
        assert copy.evidence_file(1)[1] == b"A"
        assert copy.integrity_problems() == []


# -- the command line ---------------------------------------------------------------------------


def shown(cli: Invoke, task: str, *args: str) -> dict[str, Any]:
    result = cli("show", task, "--as-of", "2024-12-31", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def test_the_monthly_round_with_the_checks(cli: Invoke, tmp_path: Path) -> None:
    clerk, office = ("--by", "区住建委王"), ("--by", "督查室李")
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30", *clerk)
    cli("progress", "update", "16", "--value", "90", "--date", "2024-07-31", *clerk)
    first = shown(cli, "16")["metrics"][0]
    assert (first["actual"], first["reported"], first["verified"], first["pending"]) == (
        90, 90, None, True,
    )  # fmt: skip
    assert shown(cli, "16", "--basis", "verified")["metrics"][0]["actual"] is None
    verified = cli("progress", "verify", "1", *office)
    assert verified.stdout == "verified 1 entry (1)\n"
    back = cli("progress", "return", "2", "--reason", "台账显示已开工45个，请核实", *office)
    assert back.exit_code == 0, back.stderr
    assert back.stdout == "returned 1 entry to the unit (2): 台账显示已开工45个，请核实\n"
    first = shown(cli, "16")["metrics"][0]
    assert (first["actual"], first["reported"], first["verified"]) == (40, 40, 40)
    returned = json.loads(cli("progress", "returned", "--lead", "区住建委", "-f", "json").stdout)
    assert [(r["id"], r["state"], r["reason"]) for r in returned] == [
        (2, "returned", "台账显示已开工45个，请核实")
    ]
    log = cli("progress", "log").stdout
    assert "已退回：台账显示已开工45个，请核实" in log and "审核通过" in log
    sheet = cli("progress", "template", "--lead", "区住建委", "--as-of", "2024-08-01",
                "-o", str(tmp_path / "s.xlsx"))  # fmt: skip
    assert sheet.exit_code == 0, sheet.stderr
    assert "已退回 90 个（2024-07-31）：台账显示已开工45个，请核实" in sheet_text(
        tmp_path / "s.xlsx"
    )
    cli("progress", "update", "16", "--value", "45", "--date", "2024-07-31", *clerk)
    assert json.loads(cli("progress", "returned", "-f", "json").stdout) == []  # corrected
    batch = cli("progress", "verify", "--lead", "区住建委", "--until", "2024-07-31", *office)
    assert batch.stdout == "verified 1 entry (3)\n"
    assert shown(cli, "16", "--basis", "verified")["metrics"][0]["actual"] == 45


def sheet_text(path: Path) -> str:
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    assert ws is not None
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_a_batch_leaves_a_verifier_s_own_reports_to_another(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30", "--by", "李")
    cli("progress", "update", "16", "--value", "41", "--date", "2024-06-30", "--by", "王")
    dry = cli("progress", "verify", "--until", "2024-06-30", "--by", "李", "--dry-run")
    assert dry.stdout == (
        "would verify 1 entry (2); nothing written (--dry-run)\n"
        "left for another verifier: 1 (reported by the one verifying)\n"
    )
    assert [e["state"] for e in json.loads(cli("progress", "log", "-f", "json").stdout)] == [
        "reported",
        "reported",
    ]


def journal_of(cli: Invoke) -> str:
    return cli("progress", "log", "-f", "json").stdout + cli("list", "-f", "json").stdout


def test_close_is_refused_until_every_metric_is_done_on_verified_figures(cli: Invoke) -> None:
    for metric in ("其芳小学", "鹏程小学", "万州中学附属小学"):
        cli("progress", "update", "20", "--metric", metric, "--done", "--date", "2024-11-30")
    cli("progress", "update", "20", "--value", "3780", "--date", "2024-11-30")
    before = journal_of(cli)
    refused = cli("close", "20", "--date", "2024-12-01")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        "minshi: error: task 20 cannot be closed: 4 metrics are not done on verified figures",
        "  增加城区义务教育学位：3780个 reported, not yet verified (minshi progress verify)",
        "  建成其芳小学：done reported, not yet verified (minshi progress verify)",
        "  建成万州中学附属小学：done reported, not yet verified (minshi progress verify)",
        "  改扩建鹏程小学：done reported, not yet verified (minshi progress verify)",
    ]
    assert journal_of(cli) == before
    assert cli("progress", "verify", "1", "2", "3", "--by", "督查室").exit_code == 0
    one_left = cli("close", "20", "--date", "2024-12-01")
    assert one_left.exit_code == 2 and "1 metric is not done" in one_left.stderr


@pytest.fixture
def finished(cli: Invoke) -> None:
    """Task 20 done on verified figures as of 2024-12-01."""
    for metric in ("其芳小学", "鹏程小学", "万州中学附属小学"):
        cli("progress", "update", "20", "--metric", metric, "--done", "--date", "2024-11-30")
    cli("progress", "update", "20", "--value", "3780", "--date", "2024-11-30")
    assert cli("progress", "verify", "1", "2", "3", "4", "--by", "督查室").exit_code == 0


@pytest.mark.usefixtures("finished")
def test_a_closed_task_is_closed_everywhere_and_its_documents_come_back(
    cli: Invoke, tmp_path: Path
) -> None:
    pdf = tmp_path / "验收报告.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 100)
    closed = cli(
        "close", "20", "--date", "2024-12-01", "--evidence", str(pdf), "--note", "验收合格"
    )
    assert closed.exit_code == 0, closed.stderr
    assert closed.stdout.startswith("task 20 of wanzhou-2024 closed (已销号) as of 2024-12-01")
    record = shown(cli, "20")
    assert (record["status"], record["status_label"]) == ("closed", "已销号")
    assert record["closed"]["note"] == "验收合格"
    (kept,) = record["closed"]["evidence"]
    assert kept["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    back = tmp_path / "back.pdf"
    assert cli("evidence", "get", str(kept["id"]), "-o", str(back)).exit_code == 0
    assert back.read_bytes() == pdf.read_bytes()
    assert "已销号" in cli("list", "--lead", "区教委", "--as-of", "2024-12-31").stdout
    summary = json.loads(cli("report", "--as-of", "2024-12-31", "-f", "json").stdout)["summary"]
    assert "已销号1件" in summary
    incomplete = json.loads(cli("incomplete", "--as-of", "2024-12-31", "-f", "json").stdout)
    assert 20 not in {r["task"] for r in incomplete}
    reopened = cli("reopen", "20", "--reason", "复查发现渗漏", "--date", "2024-12-05")
    assert reopened.stdout == "task 20 of wanzhou-2024 reopened as of 2024-12-05: 复查发现渗漏\n"
    assert shown(cli, "20")["closed"] is None and shown(cli, "20")["status"] == "done"


@pytest.mark.usefixtures("finished")
@pytest.mark.parametrize("case", ["missing", "folder", "oversized"])
def test_close_with_a_bad_document_writes_nothing(cli: Invoke, tmp_path: Path, case: str) -> None:
    path = tmp_path / "doc.pdf"
    if case == "folder":
        path.mkdir()
    elif case == "oversized":
        with path.open("wb") as f:
            f.truncate(MAX_EVIDENCE_BYTES + 1)
    before = journal_of(cli)
    refused = cli("close", "20", "--date", "2024-12-01", "--evidence", str(path))
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"minshi: error: {path}: ")
    assert journal_of(cli) == before and shown(cli, "20")["closed"] is None


def test_the_basis_can_be_set_for_an_office(cli: Invoke, isolated: Path) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30")
    (isolated / "minshi.toml").write_text('basis = "verified"\n', encoding="utf-8")
    assert shown(cli, "16")["metrics"][0]["actual"] is None
    assert shown(cli, "16", "--basis", "reported")["metrics"][0]["actual"] == 40
    config = json.loads(cli("config", "-f", "json").stdout)
    assert {"setting": "basis", "value": "verified", "source": str(isolated / "minshi.toml")} in (
        config
    )
    (isolated / "minshi.toml").write_text('basis = "checked"\n', encoding="utf-8")
    refused = cli("list")
    assert refused.exit_code == 2 and 'basis must be "reported" or "verified"' in refused.stderr


def test_the_report_says_how_many_figures_await_the_check(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30")
    cli("progress", "update", "5", "--value", "1", "--date", "2024-06-30")
    text = cli("report", "--as-of", "2024-06-30").stdout
    assert "其中2项数据待审核" in text and "40/95 个 (42%)·待审核" in text
    cli("progress", "verify", "1", "2", "--by", "督查室")
    after = json.loads(cli("report", "--as-of", "2024-06-30", "-f", "json").stdout)
    assert after["unverified"] == 0 and "待审核" not in after["summary"]
    on_verified = json.loads(
        cli("report", "--as-of", "2024-06-30", "--basis", "verified", "-f", "json").stdout
    )
    assert on_verified["basis"] == "verified"


# -- PostgreSQL: the server keeps the office's right to the office ------------------------------


@pytest.fixture
def server(postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> str:
    database = postgres_server.new_database()
    for role in ("edu_clerk", "supervision", "inspector"):
        if not postgres_server.sql("SELECT 1 FROM pg_roles WHERE rolname = %s", params=[role]):
            postgres_server.sql(f"CREATE ROLE {role} LOGIN")
    monkeypatch.setenv("MINSHI_DB", postgres_server.url(database))
    assert cli("db", "migrate").exit_code == 0
    assert cli("db", "grant", "区教委", "edu_clerk").exit_code == 0
    assert cli("db", "grant", "区发展改革委", "supervision", "--all").exit_code == 0
    for verifier in ("supervision", "inspector"):
        granted = cli("db", "grant", "--verifier", verifier)
        assert granted.stdout == f"{verifier} may now verify, return, close and reopen\n"
    return database


@pytest.mark.postgres
def test_only_the_office_checks_and_never_its_own(
    server: str, postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    as_role = {
        role: postgres_server.url(server, user=role) for role in ("edu_clerk", "supervision")
    }
    monkeypatch.setenv("MINSHI_DB", as_role["edu_clerk"])
    assert cli("progress", "update", "20", "--value", "1000", "--date", "2024-06-30").exit_code == 0
    refused = cli("progress", "verify", "1", "--by", "任何人")
    assert refused.exit_code == 2
    assert "the role edu_clerk may not verify or return entries" in refused.stderr
    monkeypatch.setenv("MINSHI_DB", as_role["supervision"])
    assert cli("progress", "update", "5", "--value", "1", "--date", "2024-06-30").exit_code == 0
    own = cli("progress", "verify", "2", "--by", "督查室")
    assert own.exit_code == 2 and "the role supervision wrote entry 2" in own.stderr
    assert cli("progress", "verify", "1", "--by", "督查室").exit_code == 0
    log = json.loads(cli("progress", "log", "-f", "json").stdout)
    assert [(e["id"], e["written_as"], e["state"]) for e in log] == [
        (2, "supervision", "reported"),
        (1, "edu_clerk", "verified"),
    ]
    # the server refuses whatever a client sends, not only what minshi would
    insert = (
        "INSERT INTO minshi.review (id, entry, decision, recorded_at, recorded_by)"
        " VALUES (100, %s, 'verified', now(), 'x')"
    )
    with psycopg.connect(as_role["edu_clerk"], autocommit=True) as unit:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            unit.execute(insert, [2])
    with psycopg.connect(as_role["supervision"], autocommit=True) as office:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            office.execute(insert, [2])  # its own entry
    assert len(json.loads(cli("progress", "log", "-f", "json").stdout)) == 2


@pytest.mark.postgres
def test_the_server_numbers_times_and_signs_every_entry(
    server: str, postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    clerk = postgres_server.url(server, user="edu_clerk")
    monkeypatch.setenv("MINSHI_DB", clerk)
    assert cli("progress", "update", "20", "--value", "1000", "--date", "2024-06-30").exit_code == 0
    forged = (
        "INSERT INTO minshi.entry (id, notice, task, metric, date, recorded_at, value,"
        " recorded_by, written_as) VALUES (9223372036854775807, 'wanzhou-2024', 20, '学位',"
        " '2024-06-30', '1999-01-01', 2000, 'admin', 'postgres')"
    )
    with psycopg.connect(clerk, autocommit=True) as raw:
        raw.execute(forged)
    log = json.loads(cli("progress", "log", "-f", "json").stdout)
    assert [(e["id"], e["written_as"]) for e in log] == [(2, "edu_clerk"), (1, "edu_clerk")]
    assert log[0]["recorded_at"] >= log[1]["recorded_at"] > "2020"
    assert cli("progress", "update", "20", "--value", "2100", "--date", "2024-07-31").exit_code == 0
    assert cli("db", "check").exit_code == 0


@pytest.mark.postgres
def test_check_names_rows_written_around_the_server(
    server: str, postgres_server: PostgresServer, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("progress", "update", "20", "--value", "1000", "--date", "2024-06-30").exit_code == 0
    postgres_server.sql(
        "ALTER TABLE minshi.entry DISABLE TRIGGER entry_stamp;"
        " INSERT INTO minshi.entry (id, notice, task, metric, date, recorded_at, value)"
        " VALUES (9223372036854775807, 'wanzhou-2024', 20, '学位', '2024-06-30', '1999-01-01',"
        " 1);"
        " ALTER TABLE minshi.entry ENABLE TRIGGER entry_stamp",
        database=server,
    )
    result = cli("db", "check")
    assert result.exit_code == 3
    assert "entry 9223372036854775807 is out of sequence: the next id would be 2" in result.stderr
    assert "entry 9223372036854775807 was recorded at 1999-01-01T00:00:00+00:00" in result.stderr


def test_a_returned_report_is_in_the_circular_and_the_reminder_until_corrected(
    cli: Invoke,
) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-20")
    cli("progress", "return", "1", "--reason", "台账显示已开工38个，请核实", "--by", "督查室")
    today = date.today().isoformat()
    said = "理由：台账显示已开工38个，请核实"
    reminder = cli("remind", "--lead", "区住房城乡建委").stdout
    assert "被退回的报送（1项）" in reminder and said in reminder.replace("\n     ", "")
    circular = json.loads(cli("circular", "--as-of", today, "-f", "json").stdout)
    assert "1份报送被退回" in circular["summary"]
    assert "被退回" not in cli("remind", "--lead", "区教委").stdout  # not its metric
    cli("progress", "update", "16", "--value", "38", "--date", "2024-06-20")
    assert "被退回" not in cli("remind", "--lead", "区住房城乡建委").stdout
