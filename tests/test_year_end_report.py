"""The annual summary (report --year-end), the money beside the investment (到位率, 支付率) and
the carry-over draft, worked out by hand on a small year of the 2024 notice.

The year: task 16 (plan 50000 万元) done, over its count; task 19 done and closed; task 20
with 3000 of 3780 学位 and its three schools not finished; tasks 16 and 19 rated.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke
from tests.test_report_html import headless, pixels

PLANS = {16: 50000, 19: 2000, 20: 8000}


@pytest.fixture
def year(data_file: Path, cli: Invoke) -> Invoke:
    text = data_file.read_text(encoding="utf-8")
    for task, plan in PLANS.items():
        head = f"  - id: {task}\n    category: 区级\n"
        text = text.replace(head, head + f"    investment_plan: {plan}\n", 1)
    data_file.write_text(text, encoding="utf-8")
    runs = [
        ("16", "--value", "97", "--note", "完成改造97个", "--invested", "52000",
         "--allocated", "40000", "--paid", "30000"),
        ("16", "-m", "2", "--value", "290万"),
        ("16", "-m", "3", "--done"),
        ("16", "-m", "4", "--done"),
        ("19", "--done", "--allocated", "2000", "--paid", "1500", "--invested", "1800"),
        ("20", "--value", "3000", "--note", "鹏程小学改扩建收尾"),
    ]  # fmt: skip
    for args in runs:
        assert cli("progress", "update", *args, "--date", "2024-12-20").exit_code == 0
    assert cli("progress", "verify", "--until", "2024-12-31", "--by", "督查室").exit_code == 0
    assert cli("close", "19", "--date", "2024-12-25", "--by", "督查室").exit_code == 0
    votes = [("16", "30", "15", "5"), ("19", "20", "20", "10")]
    for task, s, b, u in votes:
        rated = cli("rating", "add", task, "--satisfied", s, "--basic", b, "--unsatisfied", u,
                    "--date", "2024-12-28")  # fmt: skip
        assert rated.exit_code == 0, rated.stderr
    return cli


def year_end(cli: Invoke, *args: str) -> dict[str, Any]:
    result = cli("report", "--year-end", "--category", "区级", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


SUMMARY = (
    "2024年，10件区级民生实事已完成2件（其中超额完成1件、已销号1件），未完成8件；"
    "完成投资53800万元，为年度计划的89.67%；人大代表票决项目10件，"
    "满意度测评满意1件、基本满意1件。"
)


def test_the_year_in_one_paragraph(year: Invoke) -> None:
    record = year_end(year)
    assert record["as_of"] == "2024-12-31"  # the year's end, without --as-of
    ye = record["year_end"]
    assert ye["summary"] == SUMMARY
    assert (ye["done"], ye["over_target"], ye["closed"]) == ([16, 19], [16], [19])
    assert ye["unfinished"] == [12, 13, 14, 15, 17, 18, 20, 21]
    assert ye["grades"] == {"satisfied": 1, "basic": 1, "unsatisfied": 0}
    assert [(r["task"], r["grade"]) for r in ye["ratings"]] == [(16, "satisfied"), (19, "basic")]
    text = year.__call__("report", "--year-end", "--category", "区级").stdout
    assert SUMMARY[:40] in text.replace("\n", "")


def test_what_carries_over_and_how_much(year: Invoke) -> None:
    carried = {(c["task"], c["metric"]): c for c in year_end(year)["year_end"]["carry_over"]}
    assert carried[(20, "学位")]["remaining"] == 780 and carried[(20, "学位")]["unit"] == "个"
    assert carried[(20, "其芳小学")]["remaining"] is None  # a milestone carries over whole
    assert carried[(13, "雨污水管网")]["remaining"] == 60
    assert not any(task in (16, 19) for task, _ in carried)


def test_funds_rates_and_totals(year: Invoke) -> None:
    record = year_end(year)
    rows = {t["id"]: t for c in record["categories"] for t in c["tasks"]}
    assert (rows[16]["allocated"], rows[16]["paid"]) == (40000, 30000)
    assert rows[16]["allocation_rate"] == 0.8 and rows[16]["payment_rate"] == 0.75
    assert rows[19]["allocation_rate"] == 1.0 and rows[19]["payment_rate"] == 0.75
    assert rows[20]["allocated"] is None and rows[20]["allocation_rate"] is None
    total = record["funds"]["total"]
    # the plans of the tasks with money allocated only: 50000 + 2000, not task 20's 8000
    assert total == {
        "investment_plan": 52000,
        "allocated": 42000,
        "paid": 31500,
        "allocation_rate": round(42000 / 52000, 4),
        "payment_rate": 0.75,
    }
    text = year("report", "--category", "区级").stdout
    assert "资金到位及支付情况" in text and "80.77" in text  # 42000 ÷ 52000
    shown = json.loads(year("show", "16", "-f", "json").stdout)
    assert (shown["allocation_rate"], shown["payment_rate"]) == (0.8, 0.75)
    # money paid where nothing was reported allocated still counts in the total shown
    year("progress", "update", "21", "--value", "10", "--paid", "420", "--date", "2024-12-21")
    total = year_end(year)["funds"]["total"]
    assert (total["allocated"], total["paid"], total["payment_rate"]) == (42000, 31920, 0.76)


def test_no_funds_section_without_figures(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30", "--invested", "10")
    record = json.loads(cli("report", "--as-of", "2024-06-30", "-f", "json").stdout)
    assert record["funds"] is None and record["year_end"] is None
    assert "资金到位" not in cli("report", "--as-of", "2024-06-30").stdout


def test_an_office_rule_for_the_grade(year: Invoke, isolated: Path) -> None:
    (isolated / "minshi.toml").write_text(
        "[rating]\nsatisfied_over = 60\nsatisfied_or_basic_over = 50\n", encoding="utf-8"
    )
    grades = {r["task"]: r["grade"] for r in year_end(year)["year_end"]["ratings"]}
    assert grades == {16: "basic", 19: "basic"}  # 60% of the votes is not over 60%
    shown = {
        r["setting"]: r["value"] for r in json.loads(year("config", "--format", "json").stdout)
    }
    assert "满意票超过60%" in shown["rating"]
    (isolated / "minshi.toml").write_text("[rating]\nsatisfied_over = 120\n", encoding="utf-8")
    refused = year("rating", "list")
    assert refused.exit_code == 2 and "satisfied_over must be from 0 to below 100" in refused.stderr


def test_every_format_has_the_year_end(year: Invoke, tmp_path: Path) -> None:
    for suffix, marker in (
        (".txt", "结转事项"),
        (".md", "## 结转事项"),
        (".html", 'id="carry_over"'),
    ):
        path = tmp_path / f"year{suffix}"
        assert year("report", "--year-end", "-o", str(path)).exit_code == 0
        assert marker in path.read_text(encoding="utf-8")
    path = tmp_path / "year.csv"
    assert year("report", "--year-end", "-o", str(path)).exit_code == 0
    rows = {r["序号"]: r for r in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())}
    assert rows["20"]["结转事项"].startswith("增加城区义务教育学位：780个")
    assert (rows["16"]["满意度测评"], rows["16"]["到位率(%)"]) == ("满意", "80.00")


def test_chromium_renders_the_year_end(year: Invoke, tmp_path: Path) -> None:
    page = tmp_path / "年度总结.html"
    assert year("report", "--year-end", "-o", str(page)).exit_code == 0
    shot = tmp_path / "y.png"
    headless(tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    colours = pixels(shot)
    assert colours[(255, 255, 255)] < sum(colours.values()) * 0.9, "the page is (nearly) blank"
    pdf = tmp_path / "y.pdf"
    headless(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


def test_libreoffice_opens_the_year_end_sheets(year: Invoke, tmp_path: Path) -> None:
    book = tmp_path / "year.xlsx"
    assert year("report", "--year-end", "-o", str(book)).exit_code == 0
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail("libreoffice is not installed: bash scripts/test.sh installs it")
    out = tmp_path / "sheets"
    result = subprocess.run(
        [office, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,"
         "false,-1", "--outdir", str(out), str(book)],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    sheets = {p.stem.removeprefix("year-"): p for p in out.glob("*.csv")}
    assert {"年度总结", "资金到位及支付情况", "满意度测评", "结转事项"} <= set(sheets)
    summary = sheets["年度总结"].read_text(encoding="utf-8")
    assert summary.startswith("2024年，21件民生实事已完成2件")
    funds = list(csv.reader(sheets["资金到位及支付情况"].read_text(encoding="utf-8").splitlines()))
    total = next(r for r in funds if r[1] == "合计")
    assert total[2:] == ["52000.00", "42000.00", "80.77%", "31500.00", "75.00%"]  # as shown


def test_the_carry_over_draft_validates(year: Invoke, tmp_path: Path) -> None:
    draft = tmp_path / "2025结转.yaml"
    written = year("carry-over", "--to", str(draft))
    assert written.exit_code == 0, written.stderr
    assert "19 tasks" in written.stderr and "minshi validate" in written.stderr
    checked = year("validate", str(draft))
    assert checked.exit_code == 0, checked.stderr
    assert "20 items still marked for review" in checked.stdout
    review = draft.read_text(encoding="utf-8").split("\nreview:\n", 1)[1]
    assert (
        "task 20 (区教委): 增加城区义务教育学位 780 of 3780 个 remain, 建成其芳小学 whole, "
        "建成万州中学附属小学 whole, 改扩建鹏程小学 whole; funds: planned 8000 万元 — set next "
        "year''s plan"
    ) in review
    carried = json.loads(year("--data", str(draft), "show", "20", "-f", "json").stdout)
    assert carried["notice"] == "wanzhou-2024-carry-over"
    assert [(m["key"], m["target"]) for m in carried["metrics"]] == [
        ("学位", 780),
        ("其芳小学", None),
        ("万州中学附属小学", None),
        ("鹏程小学", None),
    ]
    assert "（2024年结转：增加城区义务教育学位余780个" in carried["target_text"]
    assert "16" not in [str(t["id"]) for t in json.loads(year("--data", str(draft), "list", "-f",
                                                               "json").stdout)]  # fmt: skip
    again = year("carry-over", "--to", str(draft))
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    not_yaml = year("carry-over", "--to", str(tmp_path / "2025结转.txt"))
    assert not_yaml.exit_code == 2 and "FILE.yaml" in not_yaml.stderr
    assert not (tmp_path / "2025结转.txt").exists()


def test_the_year_end_from_a_script(year: Invoke, data_file: Path, tmp_path: Path) -> None:
    """What the commands do, through `import minshi`: a rating, the summary, the draft."""
    import minshi

    catalog = minshi.open_catalog(data_file)
    with minshi.open_store() as store:
        rated = minshi.rate(catalog, store, "20", satisfied="10", basic="10", unsatisfied="30",
                            day=date(2024, 12, 29))  # fmt: skip
        built = minshi.build_report(catalog, store, date(2024, 12, 31), year_end=True)
        circular = minshi.build_circular(catalog, store, date(2024, 12, 31))
    assert rated.grade == "unsatisfied"
    assert built.year_end is not None
    assert {r.row.task.id: r.grade for r in built.year_end.ratings} == {
        16: "satisfied", 19: "basic", 20: "unsatisfied"
    }  # fmt: skip
    draft = minshi.carry_over_yaml(built.notice, built.year_end, "2025结转.yaml")
    assert "增加城区义务教育学位余780个" in draft
    assert "截至2024年12月31日，21件民生实事中已销号1件" in minshi.render_circular(
        circular, "text"
    ).decode("utf-8")


def test_an_unfinished_task_gives_its_reason(year: Invoke) -> None:
    year("progress", "update", "21", "--value", "10", "--date", "2024-12-21")
    text = year("report", "--year-end", "--category", "区级", "--as-of", "2024-12-31").stdout
    unfinished = text.split("未完成事项及原因", 1)[1].split("结转事项", 1)[0]
    flat = "".join(line.strip() for line in unfinished.splitlines())
    assert "鹏程小学改扩建收尾" in flat  # task 20 said why
    assert "（2024-12-21）未说明进展情况；特殊困难老年人家庭适老化改造 10/1000 户" in flat
    assert "未报送进展" in flat  # tasks that reported nothing


def test_no_annual_summary_before_the_year(year: Invoke) -> None:
    early = year("report", "--year-end", "--as-of", "2023-12-31")
    assert early.exit_code == 2 and "before the year of wanzhou-2024" in early.stderr
