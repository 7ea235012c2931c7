"""progress update / log / undo / import / export, and the status they lead to."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import Invoke, run_minshi


def journal(cli: Invoke) -> str:
    """A checksum of everything in the journal, to prove a refused command changed nothing."""
    result = cli("progress", "log", "--format", "json")
    return hashlib.sha256(result.stdout.encode()).hexdigest()


def metric(cli: Invoke, task: str, key: str, *args: str) -> dict[str, object]:
    record = json.loads(cli("show", task, "--format", "json", *args).stdout)
    return next(m for m in record["metrics"] if m["key"] == key)


def test_update_16_then_show_and_overdue_and_incomplete(cli: Invoke) -> None:
    result = cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "task 16 老旧小区（新开工改造老旧小区）: — → 40 个 as of 2024-06-30 (entry 1)",
        "status as of 2024-06-30: 按序时 (on_track, 42% of target, 序时进度 50%)",
    ]
    first = json.loads(cli("show", "16", "--format", "json").stdout)["metrics"][0]
    assert (first["key"], first["actual"], first["last_reported"]) == ("老旧小区", 40, "2024-06-30")

    overdue = json.loads(cli("overdue", "--as-of", "2025-01-15", "--format", "json").stdout)
    row = next(r for r in overdue if (r["task"], r["key"]) == (16, "老旧小区"))
    assert row == {
        **row,
        "notice": "wanzhou-2024",
        "target": 95,
        "unit": "个",
        "actual": 40,
        "deadline": "2024-12-31",
        "status": "overdue",
        "lead": ["区住房城乡建委"],
    }

    again = cli("progress", "update", "16", "--value", "95", "--date", "2024-07-31")
    assert "40 个 → 95 个" in again.stdout and "已完成" in again.stdout
    incomplete = json.loads(cli("incomplete", "--as-of", "2024-08-01", "-f", "json").stdout)
    assert (16, "老旧小区") not in {(r["task"], r["key"]) for r in incomplete}
    assert (16, "改造面积") in {(r["task"], r["key"]) for r in incomplete}


def test_a_past_report_is_reproduced_exactly(cli: Invoke) -> None:
    cli("progress", "update", "18", "--value", "30", "--date", "2024-04-30")
    cli("progress", "update", "18", "--value", "60", "--date", "2024-08-31")
    assert metric(cli, "18", "农网线路", "--as-of", "2024-05-31")["actual"] == 30
    assert metric(cli, "18", "农网线路", "--as-of", "2024-09-01")["actual"] == 60
    assert metric(cli, "18", "农网线路", "--as-of", "2024-03-01")["actual"] is None


def test_metric_by_key_name_or_number(cli: Invoke) -> None:
    for ref, value in (("改造面积", "100"), ("新开工改造老旧小区面积", "200"), ("2", "300")):
        result = cli(
            "progress", "update", "16", "--metric", ref, "--value", value, "--date", "2024-03-01"
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("task 16 改造面积")


def test_milestone_done_stage_percent(cli: Invoke) -> None:
    result = cli(
        "progress",
        "update",
        "20",
        "--metric",
        "其芳小学",
        "--stage",
        "主体完工",
        "--percent",
        "60",
        "--date",
        "2024-06-01",
    )
    assert result.exit_code == 0, result.stderr
    m = metric(cli, "20", "其芳小学", "--as-of", "2024-06-30")
    assert (m["actual"], m["stage"], m["status"]) == (60, "主体完工", "on_track")
    cli("progress", "update", "20", "--metric", "其芳小学", "--done", "--date", "2024-08-01")
    assert metric(cli, "20", "其芳小学", "--as-of", "2024-08-01")["status"] == "done"


def test_split_target_is_the_sum_of_its_parts(cli: Invoke) -> None:
    cli(
        "progress",
        "update",
        "11",
        "--metric",
        "农业农村委承担",
        "--value",
        "30000",
        "--date",
        "2024-06-30",
    )
    cli(
        "progress",
        "update",
        "11",
        "--metric",
        "供销合作社承担",
        "--value",
        "10000",
        "--date",
        "2024-06-30",
    )
    total = metric(cli, "11", "农业社会化服务", "--as-of", "2024-06-30")
    assert total["actual"] == 40000
    refused = cli("progress", "update", "11", "--value", "5")
    assert refused.exit_code == 2
    assert "sum of its parts" in refused.stderr
    owners = json.loads(
        cli("incomplete", "--lead", "区供销合作社", "--as-of", "2024-06-30", "-f", "json").stdout
    )
    # its own part only: not the other unit's part, nor the sum, which is computed from the parts
    assert {r["key"] for r in owners} == {"供销合作社承担"}


BAD_UPDATES = [
    (["16", "--value", "abc"], "value 'abc' is not a number"),
    (["16", "--value", "-5"], "value '-5' is negative"),
    (["16", "--value", "nan"], "value 'nan' is not a number"),
    (["16", "--value", "inf"], "value 'inf' is not a number"),
    (["16", "--value", "-inf"], "is not a number"),
    (["16", "--value", "1e400"], "is not a number"),
    (["16", "--value", "5", "--date", "2024-02-30"], "date '2024-02-30' is not a real date"),
    (["16", "--value", "5", "--date", "yesterday"], "is not a real date"),
    (["16", "--value", "5", "--date", ""], "--date '' is not a real date"),
    (["16", "--value", "5", "--date", "2023-12-31"], "is before the notice's period"),
    (["16", "--value", "4000"], "more than 3× the target 95 个; if that is right, add --force"),
    (["16", "--metric", "外墙砖整治试点", "--value", "1"], "is a milestone"),
    (["16", "--done"], "is a quantity target"),
    (["16", "--metric", "不存在"], "task 16 has no metric '不存在' (its metrics: 1=老旧小区"),
    (["16", "--metric", "9", "--value", "1"], "has no metric '9'"),
    (["99", "--value", "1"], "no task 99 in wanzhou-2024 (tasks are 1–21)"),
    (["16", "--value", "1", "--notice", "other-2024"], "no notice 'other-2024'"),
    (["2", "--metric", "需求学生覆盖", "--value", "101"], "above 100%"),
    (["16"], "give the value (--value, the cumulative figure so far)"),
    (["16", "--note", "进展顺利"], "also when only the note or the investment is new"),
    (["16", "--invested", "100"], "give the value"),
    (["20", "--metric", "其芳小学", "--note", "进展顺利"], "report it done, its stage"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_UPDATES, ids=[" ".join(a) for a, _ in BAD_UPDATES]
)
def test_bad_updates_are_refused_and_change_nothing(
    cli: Invoke, db_file: Path, args: list[str], message: str
) -> None:
    cli("progress", "update", "16", "--value", "10", "--date", "2024-03-01")
    before = journal(cli)
    result = cli("progress", "update", *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert result.stderr.startswith("minshi: error: ")
    assert "Traceback" not in result.stderr
    assert journal(cli) == before


def test_a_bad_update_on_a_fresh_machine_creates_no_store(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MINSHI_DB")  # the default store, which a fresh machine does not have
    assert cli("progress", "update", "16", "--value", "x").exit_code == 2
    assert not list((isolated / "xdg-data").rglob("progress.db"))


def test_future_date_refused_but_after_the_period_accepted(cli: Invoke) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = cli("progress", "update", "16", "--value", "5", "--date", tomorrow)
    assert result.exit_code == 2 and "in the future" in result.stderr
    late = cli("progress", "update", "16", "--value", "95", "--date", "2025-02-01")
    assert late.exit_code == 0  # work finished late is still reported


def test_force_accepts_a_large_value(cli: Invoke) -> None:
    assert (
        cli(
            "progress", "update", "16", "--value", "400", "--force", "--date", "2024-05-01"
        ).exit_code
        == 0
    )
    assert metric(cli, "16", "老旧小区")["actual"] == 400


def test_log_filters_and_json_contract(cli: Invoke) -> None:
    cli(
        "progress",
        "update",
        "16",
        "--value",
        "10",
        "--date",
        "2024-03-01",
        "--by",
        "张三",
        "--note",
        "开工",
    )
    cli("progress", "update", "5", "--value", "1", "--date", "2024-04-01")
    cli("progress", "update", "16", "--value", "20", "--date", "2024-05-01")
    entries = json.loads(cli("progress", "log", "--format", "json").stdout)
    assert [e["id"] for e in entries] == [3, 2, 1]
    assert {"id", "notice", "task", "metric", "value", "date", "recorded_at", "by", "note"} <= set(
        entries[0]
    )
    assert entries[2]["by"] == "张三" and entries[2]["note"] == "开工"
    only16 = json.loads(cli("progress", "log", "16", "-f", "json").stdout)
    assert [e["id"] for e in only16] == [3, 1]
    lead = json.loads(cli("progress", "log", "--lead", "区城管局", "-f", "json").stdout)
    assert [e["task"] for e in lead] == [5]
    since = json.loads(cli("progress", "log", "--since", "2024-04-01", "-f", "json").stdout)
    assert [e["id"] for e in since] == [3, 2]


def test_undo_retracts_and_dry_run_changes_nothing(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "10", "--date", "2024-03-01")
    cli("progress", "update", "16", "--value", "20", "--date", "2024-05-01")
    before = journal(cli)
    dry = cli("progress", "undo", "--dry-run")
    assert dry.stdout.startswith("would take back entry 2: task 16 老旧小区 20 个 as of 2024-05-01")
    assert "老旧小区 as of 2024-05-01 would then be 10 个" in dry.stdout
    assert journal(cli) == before
    done = cli("progress", "undo")
    assert done.exit_code == 0 and "老旧小区 as of 2024-05-01 is 10 个" in done.stdout
    assert metric(cli, "16", "老旧小区")["actual"] == 10
    entries = json.loads(cli("progress", "log", "-f", "json").stdout)
    assert entries[0]["retracts"] == 2  # recorded, not erased
    again = cli("progress", "undo", "2")
    assert again.exit_code == 2 and "entry 2 was already retracted (by entry 3)" in again.stderr
    assert cli("progress", "undo", "99").exit_code == 2


def write_csv(
    path: Path, rows: list[list[str]], header: str = "notice,task,metric,value,date,note"
) -> Path:
    buf = io.StringIO()
    buf.write(header + "\n")
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_import_is_all_or_nothing_with_every_bad_row_named(cli: Invoke, tmp_path: Path) -> None:
    good = write_csv(
        tmp_path / "good.csv",
        [
            ["wanzhou-2024", "16", "老旧小区", "40", "2024-06-30", "已开工"],
            ["", "5", "", "1", "2024-06-30", ""],
        ],
    )
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            ["", "16", "老旧小区", "41", "2024-06-30", ""],
            ["", "99", "", "1", "2024-06-30", ""],
            ["", "16", "", "abc", "2024-06-30", ""],
            ["", "16", "", "1", "2024-13-01", ""],
        ],
    )
    before = journal(cli)
    result = cli("progress", "import", str(bad))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"minshi: error: {bad}: 3 bad rows; nothing was imported",
        "  line 3: no task 99 in wanzhou-2024 (tasks are 1–21)",
        "  line 4: value 'abc' is not a number; write digits, e.g. 40",
        "  line 5: date '2024-13-01' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)",
    ]
    assert journal(cli) == before
    ok = cli("progress", "import", str(good))
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout == f"imported 2 rows from {good} (entries 1–2)\n"
    assert metric(cli, "16", "老旧小区")["actual"] == 40


def test_import_refuses_a_file_with_the_wrong_header(cli: Invoke, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "h.csv", [["16", "1"]], header="task,amount")
    result = cli("progress", "import", str(bad))
    assert result.exit_code == 2
    assert "missing value, date; unknown amount" in result.stderr


def test_export_import_round_trip(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(
        "progress",
        "update",
        "16",
        "--value",
        "40.5",
        "--date",
        "2024-06-30",
        "--note",
        '=HYPERLINK("x")',
    )
    cli(
        "progress",
        "update",
        "20",
        "--metric",
        "其芳小学",
        "--done",
        "--date",
        "2024-07-01",
        "--invested",
        "1200",
    )
    cli("progress", "update", "16", "--value", "50", "--date", "2024-07-30")
    cli("progress", "undo")
    out = tmp_path / "journal.csv"
    assert cli("progress", "export", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel/WPS read it as UTF-8
    assert "'=HYPERLINK" in raw.decode("utf-8-sig")  # never a live formula
    stdout = cli("progress", "export").stdout
    assert not stdout.startswith("\ufeff")
    before = json.loads(cli("list", "-f", "json").stdout)

    monkeypatch.setenv("MINSHI_DB", str(tmp_path / "second.db"))
    assert cli("progress", "import", str(out)).exit_code == 0
    assert json.loads(cli("list", "-f", "json").stdout) == before
    assert cli("progress", "export").stdout == stdout


def test_six_processes_updating_at_once_lose_nothing(isolated: Path) -> None:
    def worker(n: int) -> list[int]:
        codes = []
        for i in range(10):
            result = run_minshi(
                "progress",
                "update",
                str(n + 1),
                "--value",
                "1",
                "--date",
                "2024-06-30",
                "--note",
                f"w{n}-{i}",
                "--force",
            )
            codes.append(result.returncode)
        return codes

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = [c for cs in pool.map(worker, range(6)) for c in cs]
    assert codes == [0] * 60
    entries = json.loads(run_minshi("progress", "log", "-f", "json").stdout)
    assert len(entries) == 60
    assert sorted(e["note"] for e in entries) == sorted(
        f"w{n}-{i}" for n in range(6) for i in range(10)
    )


def test_store_in_an_unwritable_place_is_exit_3(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = isolated / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("MINSHI_DB", str(blocker / "progress.db"))
    result = cli("progress", "update", "16", "--value", "1")
    assert result.exit_code == 3
    assert result.stderr.startswith("minshi: error: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "actual"),
    [
        (["16", "--value", "40个"], 40),
        (["2", "--metric", "参与学生", "--value", "1,200"], 1200),
        (["16", "--value", "四十"], 40),
        (["2", "--metric", "参与学生", "--value", "13万人"], 130000),
        (["2", "--metric", "参与学生", "--value", "１２万"], 120000),
        (["3", "--metric", "知晓率", "--value", "85%"], 85),
    ],
)
def test_values_as_clerks_write_them(cli: Invoke, args: list[str], actual: int) -> None:
    result = cli("progress", "update", *args, "--date", "2024-06-30")
    assert result.exit_code == 0, result.stderr
    task, key = args[0], (args[2] if args[1] == "--metric" else "老旧小区")
    assert metric(cli, task, key)["actual"] == actual


@pytest.mark.parametrize("written", ["2024年6月30日", "20240630", "2024/6/30", "2024.06.30"])
def test_dates_as_clerks_write_them(cli: Invoke, written: str) -> None:
    result = cli("progress", "update", "16", "--value", "40", "--date", written)
    assert result.exit_code == 0, result.stderr
    assert "as of 2024-06-30" in result.stdout


def test_investment_is_already_in_10k_yuan(cli: Invoke) -> None:
    refused = cli(
        "progress", "update", "16", "--value", "40", "--invested", "100万", "--date", "2024-06-30"
    )
    assert refused.exit_code == 2
    assert "counted in 万元 already" in refused.stderr
    ok = cli(
        "progress", "update", "16", "--value", "40", "--invested", "100万元", "--date", "2024-06-30"
    )
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(cli("show", "16", "-f", "json").stdout)["invested"] == 100


def test_doubtful_values_are_accepted_with_a_warning(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-05-01")
    down = cli("progress", "update", "16", "--value", "30", "--date", "2024-06-01")
    assert down.exit_code == 0
    assert down.stderr.startswith(
        "minshi: warning: the cumulative figure goes down (40 个 as of 2024-05-01 → 30 个)"
    )
    half = cli("progress", "update", "16", "--value", "40.5", "--date", "2024-06-02")
    assert "40.5 个 is not a whole number" in half.stderr
    rate = cli(
        "progress", "update", "3", "--metric", "知晓率", "--value", "0.8", "--date", "2024-06-02"
    )
    assert "rates are written in percent (e.g. 80 for 80%)" in rate.stderr
    cli("progress", "update", "20", "--metric", "其芳小学", "--done", "--date", "2024-06-01")
    back = cli(
        "progress",
        "update",
        "20",
        "--metric",
        "其芳小学",
        "--percent",
        "50",
        "--date",
        "2024-06-02",
    )
    assert "was reported finished on 2024-06-01" in back.stderr


def test_importing_the_same_file_twice_is_refused(cli: Invoke, tmp_path: Path) -> None:
    rows = [["", "16", "", "40", "2024-06-30", "已开工"], ["", "5", "", "1", "2024-06-30", ""]]
    path = write_csv(tmp_path / "june.csv", rows)
    assert cli("progress", "import", str(path)).exit_code == 0
    before = journal(cli)
    again = cli("progress", "import", str(path))
    assert again.exit_code == 2
    assert again.stderr.splitlines() == [
        f"minshi: error: {path}: 2 of 2 rows are already in the journal (imported before?); "
        "nothing was imported. Add --again to import them once more",
        "  line 2: the same report is already entry 1",
        "  line 3: the same report is already entry 2",
    ]
    assert journal(cli) == before
    assert cli("progress", "import", str(path), "--force").exit_code == 2  # --force is for values
    assert cli("progress", "import", str(path), "--again").exit_code == 0


def test_a_later_report_without_note_or_amount_keeps_the_earlier_ones(cli: Invoke) -> None:
    cli(
        "progress",
        "update",
        "16",
        "--value",
        "40",
        "--date",
        "2024-06-30",
        "--note",
        "已开工40个",
        "--invested",
        "500",
    )
    cli("progress", "update", "16", "--value", "41", "--date", "2024-07-15")
    task = json.loads(cli("show", "16", "-f", "json").stdout)
    assert (task["note"], task["note_date"], task["invested"]) == ("已开工40个", "2024-06-30", 500)
    assert task["metrics"][0]["actual"] == 41
    # as of a date before the note, there is none
    early = json.loads(cli("show", "16", "-f", "json", "--as-of", "2024-06-29").stdout)
    assert (early["note"], early["invested"]) == (None, None)
    # a note taken back is no longer the task's 进展情况
    cli("progress", "undo", "1")
    assert json.loads(cli("show", "16", "-f", "json").stdout)["note"] is None


def test_store_latest_having_a_note_or_an_amount(store_location: str) -> None:
    from datetime import date
    from decimal import Decimal

    from minshi.store import NewEntry, open_store

    store = open_store(store_location, create=True)
    try:
        e = {"notice": "n", "task": 1, "metric": "m"}
        store.add(
            [
                NewEntry(
                    **e, date=date(2024, 1, 1), value=Decimal(1), note="第一", invested=Decimal(5)
                )
            ]
        )
        store.add([NewEntry(**e, date=date(2024, 2, 1), value=Decimal(2))])
        assert store.latest(date(2024, 3, 1))[("n", 1, "m")].value == 2
        assert store.latest(date(2024, 3, 1), having="note")[("n", 1, "m")].note == "第一"
        assert store.latest(date(2024, 3, 1), having="invested")[("n", 1, "m")].invested == 5
        assert store.latest(date(2023, 12, 1), having="note") == {}
    finally:
        store.close()


def test_undo_without_a_number_takes_back_your_own_last_report(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "10", "--date", "2024-03-01", "--by", "张三")
    cli("progress", "update", "5", "--value", "1", "--date", "2024-03-02", "--by", "cron")
    result = cli("progress", "undo", "--by", "张三")
    assert result.exit_code == 0
    assert result.stdout.startswith("took back entry 1: task 16 老旧小区 10 个")
    nobody = cli("progress", "undo", "--by", "李四")
    assert nobody.exit_code == 2
    assert "李四 has no report to take back" in nobody.stderr


def test_log_keeps_numbers_digit_for_digit(cli: Invoke) -> None:
    cli(
        "progress",
        "update",
        "16",
        "--metric",
        "改造面积",
        "--value",
        "1234567.5",
        "--date",
        "2024-03-01",
    )
    out = cli("progress", "log", "-f", "csv").stdout
    assert ",1234567.5," in out
    assert "1234567.5" in cli("progress", "log").stdout
    assert json.loads(cli("progress", "log", "-f", "json").stdout)[0]["value"] == 1234567.5


def test_a_percentage_for_a_count_is_refused(cli: Invoke) -> None:
    result = cli("progress", "update", "16", "--metric", "改造面积", "--value", "30%")
    assert result.exit_code == 2
    assert "is a percentage, but this figure counts 平方米" in result.stderr


def test_log_by_unit_with_several_notices(
    cli: Invoke, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_file.parent / "notices"
    folder.mkdir()
    (folder / "a.yaml").write_text(data_file.read_text(encoding="utf-8"), encoding="utf-8")
    other = data_file.read_text(encoding="utf-8").replace("id: wanzhou-2024", "id: other-2024", 1)
    (folder / "b.yaml").write_text(other, encoding="utf-8")
    monkeypatch.setenv("MINSHI_DATA", str(folder))
    cli("progress", "update", "wanzhou-2024/1", "--value", "10", "--date", "2024-03-01")
    cli("progress", "update", "other-2024/2", "--value", "10", "--date", "2024-03-01")
    health = json.loads(cli("progress", "log", "--lead", "区卫生健康委", "-f", "json").stdout)
    assert [(e["notice"], e["task"]) for e in health] == [("wanzhou-2024", 1)]


LESS_IS_BETTER = """
  - id: 22
    category: 区级
    name: 控制事故
    target_text: 事故控制在5起以内。
    lead: [区城市管理局]
    metrics:
      - {key: 事故, name: 事故起数, kind: quantity, target: 5, unit: 起,
         comparator: "<=", baseline: 25}
"""


def test_a_target_to_stay_under_is_judged_from_its_baseline(cli: Invoke, data_file: Path) -> None:
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text(text.replace("\nunits:", LESS_IS_BETTER + "\nunits:", 1), encoding="utf-8")
    first = cli("progress", "update", "22", "--value", "24", "--date", "2024-03-01")
    assert first.exit_code == 0, first.stderr  # not "more than 3× the target"
    better = cli("progress", "update", "22", "--value", "12", "--date", "2024-04-01")
    assert better.exit_code == 0 and "goes down" not in better.stderr
    absurd = cli("progress", "update", "22", "--value", "100", "--date", "2024-04-02")
    assert absurd.exit_code == 2 and "more than 3× the baseline 25 起" in absurd.stderr


def test_a_store_in_a_folder_that_does_not_exist_is_exit_3(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = isolated / "no-such-folder" / "progress.db"
    monkeypatch.setenv("MINSHI_DB", str(wrong))
    result = cli("progress", "update", "16", "--value", "1")
    assert result.exit_code == 3
    assert result.stderr == (
        f"minshi: error: the folder {wrong.parent} of the store {wrong} (from MINSHI_DB) does not "
        "exist; create it, or correct the path\n"
    )
    assert not wrong.parent.exists()


def test_the_default_store_is_created_on_the_first_write(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MINSHI_DB")
    assert cli("progress", "update", "16", "--value", "1").exit_code == 0
    assert list((isolated / "xdg-data").rglob("progress.db"))
