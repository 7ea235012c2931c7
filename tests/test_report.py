"""minshi report: the progress table as of 2024-06-30 after a few updates, in every format."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from minshi.render.text import width
from minshi.store import NewEntry, open_store
from tests.conftest import Invoke

AS_OF = "2024-06-30"
NOTICE = "wanzhou-2024"
SCRIPT_NOTE = "已开工40个小区 <script>alert('x')</script>"
FORMULA_NOTE = '=HYPERLINK("http://evil.example","点击")'
# 万元, added to a copy of the bundled notice (which has no investment plans)
PLANS = {1: "2000", 16: "50000", 21: "1500"}
INVESTED = {1: Decimal("1800"), 16: Decimal("30000"), 21: Decimal("900.5")}

# What the journal below gives as of 2024-06-30 (序时进度 182/366 = 49.7%):
#  1 done · 21 ahead (70%) · 16 on track (42%, 53%) · 18 behind (31% of the line) ·
#  8 overdue (due 2024-05-31) · 12, 15, 17, 19 on track (milestones, not yet due) · the other
#  eleven far behind (nothing reported).
SUMMARY = (
    "截至2024年6月30日，21件民生实事中已完成1件，超序时进度1件，按序时推进5件，滞后1件，"
    "严重滞后12件，逾期未完成1件；已完成投资32700.5万元，占年度计划61.12%；其中7项数据待审核。"
)
COUNTS = {
    "closed": 0,
    "done": 1,
    "ahead": 1,
    "on_track": 5,
    "behind": 1,
    "far_behind": 12,
    "overdue": 1,
    "not_measured": 0,
}


def prepare_notice(data_file: Path) -> None:
    """Investment plans for tasks 1, 16, 21 and a deadline of 2024-05-31 for task 8."""
    text = data_file.read_text(encoding="utf-8")
    for task, plan in PLANS.items():
        head = f"  - id: {task}\n    category: "
        at = text.index("\n", text.index(head) + len(head)) + 1
        text = text[:at] + f"    investment_plan: {plan}\n" + text[at:]
    metric = "{key: 综合服务体, "
    assert metric in text
    text = text.replace(metric, metric + "deadline: 2024-05-31, ")
    data_file.write_text(text, encoding="utf-8")


def journal_entries() -> list[NewEntry]:
    def entry(task: int, metric: str, day: str, value: str, **kw: object) -> NewEntry:
        return NewEntry(
            notice=NOTICE,
            task=task,
            metric=metric,
            date=date.fromisoformat(day),
            value=Decimal(value),
            by="区发展改革委",
            **kw,  # type: ignore[arg-type]
        )

    return [
        entry(1, "托位", "2024-06-20", "1000", invested=INVESTED[1], note="托位已全部建成"),
        entry(2, "参与教师", "2024-05-31", "8000", note="8000名教师参与课后服务"),
        entry(16, "老旧小区", "2024-06-28", "40", invested=INVESTED[16], note=SCRIPT_NOTE),
        entry(16, "改造面积", "2024-06-28", "1500000"),
        entry(18, "农网线路", "2024-06-25", "30"),
        entry(18, "户表", "2024-06-25", "4000"),
        entry(21, "适老化改造", "2024-06-15", "700", invested=INVESTED[21], note=FORMULA_NOTE),
    ]


@pytest.fixture
def journal(data_file: Path, db_file: Path) -> Path:
    """The bundled notice with investment plans, and a journal of a few updates."""
    prepare_notice(data_file)
    store = open_store(str(db_file), create=True)
    try:
        store.add(journal_entries())
    finally:
        store.close()
    return db_file


# Two tasks: a park with a plan of 1000万元 and 500 invested, a road with no plan and 600 invested
# (计划外). Its 占比 is 500 ÷ 1000, never (500 + 600) ÷ 1000.
TWO_TASKS = """\
notice:
  id: two-2024
  title: 两项民生实事工作目标任务
  doc_number: 万州府办发〔2024〕99号
  issuer: 重庆市万州区人民政府办公室
  issued: 2024-01-01
  period: {start: 2024-01-01, end: 2024-12-31}
tasks:
  - id: 1
    category: 区级
    name: 新建社区公园
    target_text: 新建社区公园2个。
    lead: [区城市管理局]
    investment_plan: 1000
    metrics:
      - {key: 公园, name: 新建社区公园, kind: quantity, target: 2, unit: 个, comparator: ">="}
  - id: 2
    category: 区级
    name: 改造背街小巷
    target_text: 改造背街小巷10条。
    lead: [区住房城乡建委]
    metrics:
      - {key: 小巷, name: 改造背街小巷, kind: quantity, target: 10, unit: 条, comparator: ">="}
"""
UNPLANNED_SUMMARY = (
    "截至2024年6月30日，2件民生实事中按序时推进2件；"
    "已完成投资1100万元，其中计划内500万元、占年度计划50.00%，计划外600万元；其中2项数据待审核。"
)
UNPLANNED_REMARK = "含计划外投资600万元，占比按计划内500万元计"


@pytest.fixture
def unplanned(tmp_path: Path) -> tuple[str, ...]:
    """The global options that select the two-task notice and its journal."""
    notice = tmp_path / "two.yaml"
    notice.write_text(TWO_TASKS, encoding="utf-8")
    db = tmp_path / "two.db"
    store = open_store(str(db), create=True)
    try:
        day = date(2024, 6, 28)
        store.add(
            [
                NewEntry("two-2024", 1, "公园", day, Decimal(1), invested=Decimal(500)),
                NewEntry("two-2024", 2, "小巷", day, Decimal(5), invested=Decimal(600)),
            ]
        )
    finally:
        store.close()
    return ("--data", str(notice), "--db", str(db))


def report_json(cli: Invoke, *args: str) -> Any:
    result = cli("report", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def tasks_of(report: Any) -> dict[int, Any]:
    return {t["id"]: t for c in report["categories"] for t in c["tasks"]}


# ---------------------------------------------------------------------------------------------
# Text, for people and cron mail


def test_text_report_reads_right(cli: Invoke, journal: Path) -> None:
    result = cli("report", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    lines = text.splitlines()
    assert lines[0] == "万州区2024年重点民生实事工作目标任务及推进情况表"
    assert lines[1] == "万州府办发〔2024〕18号 · 截至2024年6月30日 · 序时进度50%"
    assert SUMMARY[:60] in text.replace("\n", "")
    assert "".join(lines[3:5]) == SUMMARY
    # counts by status, per category and in all
    assert re.search(r"^严重滞后\s+9\s+3\s+12$", text, re.M)
    assert re.search(r"^合计\s+11\s+10\s+21$", text, re.M)
    # the task, its metrics as "actual/target unit (progress)", 序时进度 and the latest note
    block = text[text.index("16. 城镇老旧小区改造和社区服务提升【按序时】") :]
    block = block[: block.index("\n\n")]
    assert "责任单位：区住房城乡建委" in block
    assert "完成情况（序时进度50%）：" in block
    assert "· 新开工改造老旧小区：40/95 个 (42%)·待审核，按序时" in block
    assert "· 外墙砖整治试点：未报，按序时" in block
    assert f"进展情况（2024-06-28）：{SCRIPT_NOTE}" in block
    assert "投资：计划50000万元，完成30000万元，占比60.00%" in block
    # subtotals and 合计: the statuses that occur, and the investment of the rows above
    assert (
        "市级小计：11件，已完成1件，严重滞后9件，逾期未完成1件；"
        "投资计划2000万元，完成1800万元，占比90.00%"
    ) in text
    assert (
        "合计：21件，已完成1件，超序时进度1件，按序时推进5件，滞后1件，严重滞后12件，"
        "逾期未完成1件；投资计划53500万元，完成32700.5万元，占比61.12%"
    ) in text.replace("\n", "")  # wrapped at 100 columns


def test_text_lists_late_items_by_unit_and_quiet_units(cli: Invoke, journal: Path) -> None:
    text = cli("report", "--as-of", AS_OF).stdout
    late = text[text.index("逾期及严重滞后（") :]
    late = late[: late.index("\n\n")]
    assert late.startswith("逾期及严重滞后（")
    assert "  区妇联\n    8. 开展妇女儿童综合服务体项目建设试点\n" in late
    assert "· 建设妇女儿童综合服务体：—/1 个，逾期未完成（截止2024-05-31）" in late
    assert "  区残联\n    4. 开展残疾人关爱服务提升行动\n" in late
    # behind (滞后) and on-track tasks are not in this list
    assert "18. 农村电网巩固提升工程" not in late
    assert "16. 城镇老旧小区改造和社区服务提升" not in late

    quiet = text[text.index("超过35天未报送进展的牵头单位") :]
    assert "区教委：第3、20项未报送（最近报送2024-05-31）" in quiet  # task 2 reported 30 days ago
    assert "区住房城乡建委：第13、15项未报送（最近报送2024-06-28）" in quiet
    assert "区卫生健康委" not in quiet  # its only task is done
    assert "区发展改革委" not in quiet  # task 18 reported on 2024-06-25
    assert "区城市管理局：第5、6、7、9、19项未报送（本年度尚未报送）" in quiet


def test_stale_days_sets_the_window(cli: Invoke, journal: Path) -> None:
    text = cli("report", "--as-of", AS_OF, "--stale-days", "20").stdout
    assert "超过20天未报送进展的牵头单位" in text
    assert "区教委：第2、3、20项未报送（最近报送2024-05-31）" in text
    bad = cli("report", "--as-of", AS_OF, "--stale-days", "0")
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr == "minshi: error: --stale-days must be from 1 to 3660 days, not 0\n"


def test_text_fits_100_columns_and_has_no_escape_codes(cli: Invoke, journal: Path) -> None:
    text = cli("report", "--as-of", AS_OF).stdout
    assert "\x1b" not in text
    too_wide = [line for line in text.splitlines() if width(line) > 100]
    assert too_wide == []


def test_control_characters_in_a_note_are_shown_not_obeyed(
    cli: Invoke, journal: Path, tmp_path: Path
) -> None:
    store = open_store(str(journal), create=True)
    note = "江南水厂运行正常\x1b[2J\x07"
    store.add([NewEntry(NOTICE, 19, "江南水厂", date(2024, 6, 29), percent=Decimal(60), note=note)])
    store.close()
    text = cli("report", "--as-of", AS_OF).stdout
    assert "\x1b" not in text and "\x07" not in text
    assert "进展情况（2024-06-29）：江南水厂运行正常\\x1b[2J\\x07" in text
    out = tmp_path / "r.xlsx"
    assert cli("report", "--as-of", AS_OF, "-o", str(out)).exit_code == 0  # no illegal XML
    html = cli("report", "--as-of", AS_OF, "-f", "html").stdout
    assert "\x1b" not in html and "江南水厂运行正常\\x1b[2J\\x07" in html


# ---------------------------------------------------------------------------------------------
# JSON: the contract for scripts


def test_json_report_has_counts_rows_and_subtotals_that_add_up(cli: Invoke, journal: Path) -> None:
    report = report_json(cli)
    assert report["as_of"] == AS_OF
    assert report["summary"] == SUMMARY
    assert report["counts"] == COUNTS
    categories = report["categories"]
    assert [c["category"] for c in categories] == ["市级", "区级"]
    assert [c["subtotal"]["tasks"] for c in categories] == [11, 10]
    total = report["total"]
    assert total["tasks"] == 21
    for status, count in COUNTS.items():
        assert sum(c["subtotal"]["counts"][status] for c in categories) == count
        assert total["counts"][status] == count
    for key in ("investment_plan", "invested"):
        assert sum(c["subtotal"][key] for c in categories) == total[key]
    assert total["investment_plan"] == 53500 and total["invested"] == 32700.5
    assert total["share"] == round(32700.5 / 53500, 4)

    task = tasks_of(report)[16]
    assert task["status"] == "on_track"
    assert task["note"] == SCRIPT_NOTE and task["note_date"] == "2024-06-28"
    assert task["investment_plan"] == 50000 and task["invested"] == 30000
    assert task["share"] == 0.6
    metrics = task["metrics"]
    assert metrics[0]["summary"] == "40/95 个 (42%)"
    assert metrics[0]["expected"] == round(182 / 366, 4)


def test_json_attention_and_stale_units(cli: Invoke, journal: Path) -> None:
    report = report_json(cli)
    by_unit = {group["unit"]: group["items"] for group in report["attention"]}
    assert [(i["task"], i["key"], i["status"]) for i in by_unit["区妇联"]] == [
        (8, "综合服务体", "overdue")
    ]
    statuses = {i["status"] for items in by_unit.values() for i in items}
    assert statuses == {"overdue", "far_behind"}
    stale = {s["unit"]: s for s in report["stale_units"]}
    assert stale["区教委"]["last_reported"] == "2024-05-31"
    assert stale["区教委"]["tasks"] == [
        {"task": 3, "last_reported": None},
        {"task": 20, "last_reported": None},
    ]
    assert "区卫生健康委" not in stale


def test_a_past_date_reproduces_the_report_of_that_day(cli: Invoke, journal: Path) -> None:
    report = report_json(cli, "--as-of", "2024-05-31")
    assert report["as_of"] == "2024-05-31"
    tasks = tasks_of(report)
    assert tasks[1]["status"] == "far_behind"  # its 1000 托位 were reported on 2024-06-20
    assert tasks[1]["invested"] is None
    assert tasks[2]["note"] == "8000名教师参与课后服务"
    assert report["summary"].startswith("截至2024年5月31日，21件民生实事中")


# ---------------------------------------------------------------------------------------------
# Markdown and CSV


def test_markdown_report(cli: Invoke, journal: Path) -> None:
    result = cli("report", "--as-of", AS_OF, "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# 万州区2024年重点民生实事工作目标任务及推进情况表\n")
    assert SUMMARY in text
    assert "| 严重滞后 | 9 | 3 | 12 |" in text
    assert (
        "| 序号 | 项目名称 | 年度工作目标任务 | 投资计划(万元) | 责任单位 | 完成情况 | 序时进度 "
        "| 状态 | 进展情况 | 投资完成额度(万元) | 占比(%) | 备注 |"
    ) in text
    row = next(line for line in text.splitlines() if line.startswith("| 16 |"))
    assert "新开工改造老旧小区：40/95 个 (42%)·待审核<br>" in row
    assert "&lt;script&gt;" in row and "<script>" not in text
    assert "| 50000 |" in row and "| 30000 | 60.00 |" in row
    assert "| **市级小计（11件）** |" in text
    assert "| **合计（21件）** |" in text
    assert "### 区妇联" in text


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_on_stdout_is_plain_utf8_with_subtotals_that_add_up(cli: Invoke, journal: Path) -> None:
    result = cli("report", "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = read_csv(result.stdout)
    tasks = [r for r in rows if r["序号"]]
    assert [int(r["序号"]) for r in tasks] == list(range(1, 22))
    row16 = next(r for r in tasks if r["序号"] == "16")
    assert row16["完成情况"].startswith("新开工改造老旧小区：40/95 个 (42%)·待审核；")
    assert row16["序时进度(%)"] == "50"
    assert row16["状态"] == "按序时" and row16["status"] == "on_track"
    assert row16["进展情况"] == SCRIPT_NOTE and row16["报送日期"] == "2024-06-28"
    assert row16["投资计划(万元)"] == "50000" and row16["投资完成额度(万元)"] == "30000"
    assert row16["占比(%)"] == "60.00"

    totals = {r["项目名称"]: r for r in rows if not r["序号"]}
    assert list(totals) == ["市级小计（11件）", "区级小计（10件）", "合计（21件）"]
    for column in ("投资计划(万元)", "投资完成额度(万元)"):
        parts = [Decimal(r[column] or 0) for r in tasks]
        assert sum(parts) == Decimal(totals["合计（21件）"][column])
        subtotals = [Decimal(totals[k][column]) for k in ("市级小计（11件）", "区级小计（10件）")]
        assert sum(subtotals) == sum(parts)
    assert totals["合计（21件）"]["占比(%)"] == "61.12"


def test_csv_neutralises_formulas_from_the_data(cli: Invoke, journal: Path) -> None:
    rows = read_csv(cli("report", "--as-of", AS_OF, "--format", "csv").stdout)
    note = next(r["进展情况"] for r in rows if r["序号"] == "21")
    assert note == "'" + FORMULA_NOTE


def test_csv_file_has_a_bom_for_excel(cli: Invoke, journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "推进情况表.csv"
    result = cli("report", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith("\ufeff序号,类别,项目名称,".encode())
    stdout = cli("report", "--as-of", AS_OF, "--format", "csv").stdout_bytes
    assert raw == b"\xef\xbb\xbf" + stdout


# ---------------------------------------------------------------------------------------------
# Choosing the output


@pytest.mark.parametrize(
    ("name", "start"),
    [
        pytest.param("r.txt", b"\xe4\xb8\x87", id="r.txt"),  # 万
        pytest.param("r.md", b"# ", id="r.md"),
        pytest.param("r.html", b"<!DOCTYPE html>", id="r.html"),
        pytest.param("r.json", b"{", id="r.json"),
        pytest.param("r.csv", b"\xef\xbb\xbf", id="r.csv"),
        pytest.param("r.xlsx", b"PK\x03\x04", id="r.xlsx"),
    ],
)
def test_the_file_extension_picks_the_format(
    cli: Invoke, journal: Path, tmp_path: Path, name: str, start: bytes
) -> None:
    result = cli("report", "--as-of", AS_OF, "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / name).read_bytes().startswith(start)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_conflicting_or_unknown_format_is_refused_before_writing(
    cli: Invoke, journal: Path, tmp_path: Path
) -> None:
    both = cli("report", "--format", "csv", "-o", str(tmp_path / "r.xlsx"))
    assert both.exit_code == 2
    assert "--format csv does not match the file name" in both.stderr
    unknown = cli("report", "-o", str(tmp_path / "r.pdf"))
    assert unknown.exit_code == 2
    assert "cannot tell the format" in unknown.stderr
    assert list(tmp_path.glob("r.*")) == []
    named = cli("report", "--as-of", AS_OF, "--format", "markdown", "-o", str(tmp_path / "r"))
    assert named.exit_code == 0 and (tmp_path / "r").read_text().startswith("# ")


def test_a_file_that_cannot_be_written_is_exit_3(
    cli: Invoke, journal: Path, tmp_path: Path
) -> None:
    result = cli("report", "--as-of", AS_OF, "-o", str(tmp_path / "no-such-folder" / "r.html"))
    assert result.exit_code == 3
    assert result.stderr.startswith("minshi: error: cannot write ")
    assert "no folder" in result.stderr and "Traceback" not in result.stderr


def test_an_existing_report_is_replaced_whole(cli: Invoke, journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("old")
    assert cli("report", "--as-of", AS_OF, "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["as_of"] == AS_OF


# ---------------------------------------------------------------------------------------------
# Selections


def test_lead_selects_the_units_tasks_and_its_items(cli: Invoke, journal: Path) -> None:
    report = report_json(cli, "--lead", "区教委")
    assert list(tasks_of(report)) == [2, 3, 20]
    assert report["scope"] == "区教委牵头"
    assert report["summary"].startswith("截至2024年6月30日，区教委牵头的3件民生实事中严重滞后3件")
    assert [g["unit"] for g in report["attention"]] == ["区教委"]
    assert [s["unit"] for s in report["stale_units"]] == ["区教委"]


def test_unit_category_and_their_summary(cli: Invoke, journal: Path) -> None:
    report = report_json(cli, "--unit", "区城市管理局", "--category", "区级")
    assert list(tasks_of(report)) == [15, 16, 17, 19]
    assert report["scope"] == "区城市管理局牵头或配合 · 区级"
    assert report["summary"] == (
        "截至2024年6月30日，区城市管理局牵头或配合的4件区级民生实事中按序时推进4件；"
        "已完成投资30000万元，占年度计划60.00%；其中2项数据待审核。"
    )


def test_without_investment_data_the_investment_parts_are_left_out(
    cli: Invoke, db_file: Path
) -> None:
    store = open_store(str(db_file), create=True)
    store.add([e for e in journal_entries() if e.invested is None])
    store.close()
    text = cli("report", "--as-of", AS_OF).stdout
    assert "投资" not in text
    md = cli("report", "--as-of", AS_OF, "-f", "markdown").stdout
    assert "投资计划(万元)" not in md and "占比" not in md


def test_money_of_tasks_without_a_plan_is_not_counted_in_the_share(
    cli: Invoke, unplanned: tuple[str, ...]
) -> None:
    result = cli(*unplanned, "report", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\n", "")
    assert UNPLANNED_SUMMARY in text  # not 占年度计划110.00%
    assert "投资：计划1000万元，完成500万元，占比50.00%" in text
    assert "投资：计划未定，完成600万元" in text
    for label in ("区级小计", "合计"):
        assert (
            f"{label}：2件，按序时推进2件；"
            "投资计划1000万元，完成1100万元，其中计划内500万元、占比50.00%，计划外600万元"
        ) in text


def test_json_share_counts_planned_tasks_and_names_the_unplanned_money(
    cli: Invoke, unplanned: tuple[str, ...]
) -> None:
    result = cli(*unplanned, "report", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"] == UNPLANNED_SUMMARY
    for totals in (report["categories"][0]["subtotal"], report["total"]):
        assert totals["investment_plan"] == 1000
        assert totals["invested"] == 1100  # 投资完成额度 is all the money
        assert totals["planned_invested"] == 500 and totals["unplanned_invested"] == 600
        assert totals["share"] == 0.5
        assert totals["remark"] == UNPLANNED_REMARK
    tasks = tasks_of(report)
    assert (tasks[1]["share"], tasks[2]["share"]) == (0.5, None)


def test_json_totals_without_unplanned_money(cli: Invoke, journal: Path) -> None:
    total = report_json(cli)["total"]
    assert total["planned_invested"] == 32700.5 and total["unplanned_invested"] is None
    assert total["remark"] is None


def test_csv_and_markdown_share_counts_planned_tasks(
    cli: Invoke, unplanned: tuple[str, ...]
) -> None:
    rows = read_csv(cli(*unplanned, "report", "--as-of", AS_OF, "-f", "csv").stdout)
    totals = {r["项目名称"]: r for r in rows if not r["序号"]}
    for name in ("区级小计（2件）", "合计（2件）"):
        row = totals[name]
        assert (row["投资计划(万元)"], row["投资完成额度(万元)"]) == ("1000", "1100")
        assert row["占比(%)"] == "50.00" and row["备注"] == UNPLANNED_REMARK
    md = cli(*unplanned, "report", "--as-of", AS_OF, "-f", "markdown").stdout
    assert UNPLANNED_SUMMARY in md
    assert f"| 1000 |  |  |  |  | 按序时推进2件 | 1100 | 50.00 | {UNPLANNED_REMARK} |" in md


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--lead", "区教委", "--unit", "区教委"), "give --lead or --unit, not both"),
        (("--lead", "区城市管局"), "unknown unit '区城市管局'"),
        (("--category", "省级"), "unknown category '省级'"),
        (("--as-of", "2024-02-30"), "--as-of '2024-02-30' is not a real date"),
        (("--fail-on", "late"), "unknown status late"),
        (("--notice", "wanzhou-2023"), "no notice 'wanzhou-2023'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: Invoke, journal: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "r.html"
    result = cli("report", *args, "-o", str(out))
    assert result.exit_code == 2
    assert message in result.stderr.splitlines()[0]
    assert not out.exists()


def test_with_several_notices_one_is_named(cli: Invoke, data_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    text = data_file.read_text(encoding="utf-8")
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    (folder / "2024-copy.yaml").write_text(
        text.replace(f"id: {NOTICE}", "id: wanzhou-2024-copy"), encoding="utf-8"
    )
    unnamed = cli("--data", str(folder), "report", "--as-of", AS_OF)
    assert unnamed.exit_code == 2
    assert "2 notices are loaded; name one with --notice" in unnamed.stderr
    named = cli("--data", str(folder), "report", "--as-of", AS_OF, "--notice", NOTICE, "-f", "json")
    assert named.exit_code == 0
    assert json.loads(named.stdout)["notice"]["id"] == NOTICE


def test_report_on_an_empty_journal_does_not_create_the_store(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MINSHI_DB")  # the default store: the one that may be missing
    result = cli("report", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "截至2024年6月30日，21件民生实事中按序时推进4件，严重滞后17件。" in result.stdout
    assert not list((isolated / "xdg-data").rglob("progress.db"))


# ---------------------------------------------------------------------------------------------
# Cron: --fail-on, determinism, a bare environment


def test_fail_on_exits_1_after_writing_the_report(
    cli: Invoke, journal: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.txt"
    result = cli("report", "--as-of", AS_OF, "--fail-on", "overdue,far_behind", "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith("万州区2024年")
    assert result.stderr == f"wrote {out}\nminshi: 28 metrics are far_behind, overdue\n"
    on_stdout = cli("report", "--as-of", AS_OF, "--fail-on", "overdue")
    assert on_stdout.exit_code == 1 and SUMMARY in on_stdout.stdout.replace("\n", "")


def test_fail_on_exits_0_when_nothing_matches(cli: Invoke, journal: Path) -> None:
    assert cli("report", "--as-of", "2024-05-30", "--fail-on", "overdue").exit_code == 0
    assert (
        cli(
            "report",
            "--as-of",
            AS_OF,
            "--lead",
            "区卫生健康委",
            "--fail-on",
            "overdue,far_behind,behind",
        ).exit_code
        == 0
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "csv", "xlsx"])
def test_same_as_of_gives_identical_bytes(cli: Invoke, journal: Path, fmt: str) -> None:
    first = cli("report", "--as-of", AS_OF, "--format", fmt)
    second = cli("report", "--as-of", AS_OF, "--format", fmt)
    assert first.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    assert len(first.stdout_bytes) > 1000


def run_bare(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """minshi as cron runs it: `env -i`, PATH=/usr/bin:/bin, no terminal, no locale."""
    env = [
        "PATH=/usr/bin:/bin",
        f"HOME={home}",
        f"MINSHI_DATA={os.environ['MINSHI_DATA']}",
        f"MINSHI_DB={os.environ['MINSHI_DB']}",
    ]
    return subprocess.run(
        ["/usr/bin/env", "-i", *env, sys.executable, "-m", "minshi", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )


def test_cron_run_in_a_bare_environment(journal: Path, tmp_path: Path) -> None:
    home = tmp_path / "cron-home"
    home.mkdir()
    runs = [run_bare(home, "report", "--as-of", AS_OF) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert run.stderr == b""
        assert b"\x1b" not in run.stdout
        assert SUMMARY in run.stdout.decode("utf-8").replace("\n", "")
    assert runs[0].stdout == runs[1].stdout
    alert = run_bare(home, "report", "--as-of", AS_OF, "--fail-on", "overdue")
    assert alert.returncode == 1 and alert.stdout == runs[0].stdout
    assert alert.stderr == b"minshi: 1 metrics are overdue\n"


def test_cron_xlsx_files_are_identical(journal: Path, tmp_path: Path) -> None:
    home = tmp_path / "cron-home"
    home.mkdir()
    files = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for out in files:
        run = run_bare(home, "report", "--as-of", AS_OF, "-o", str(out))
        assert run.returncode == 0, run.stderr
    assert files[0].read_bytes() == files[1].read_bytes()
