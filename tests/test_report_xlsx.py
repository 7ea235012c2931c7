"""minshi report -o FILE.xlsx: the office's layout, numbers as numbers, never a formula."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke
from tests.test_report import (
    AS_OF,
    FORMULA_NOTE,
    INVESTED,
    PLANS,
    SCRIPT_NOTE,
    SUMMARY,
    UNPLANNED_REMARK,
    UNPLANNED_SUMMARY,
)
from tests.test_report import journal as journal  # the fixture: a journal of a few updates
from tests.test_report import unplanned as unplanned  # two tasks, one without a plan

pytestmark = pytest.mark.usefixtures("journal")

HEADERS = [
    "序号",
    "项目名称",
    "年度工作目标任务",
    "投资计划(万元)",
    "责任单位",
    "完成情况",
    "序时进度",
    "状态",
    "进展情况",
    "报送日期",
    "投资完成额度(万元)",
    "占比(%)",
    "备注",
]
HEADER_ROW = 4


@pytest.fixture
def xlsx(cli: Invoke, tmp_path: Path) -> Path:
    out = tmp_path / "推进情况表.xlsx"
    result = cli("report", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def table(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(path)["推进情况表"]


def rows_by_name(ws: Any) -> dict[str, dict[str, Any]]:
    """Data rows keyed by 项目名称, each a dict of header → cell."""
    rows = {}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        cells = dict(zip(HEADERS, row, strict=False))
        name = cells["项目名称"].value
        if name:
            rows[name] = cells
    return rows


def test_title_summary_and_frozen_header(xlsx: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["推进情况表", "按状态统计", "逾期及严重滞后", "未按期报送"]
    ws = wb["推进情况表"]
    assert ws["A1"].value == "万州区2024年重点民生实事工作目标任务及推进情况表"
    assert ws["A1"].font.bold and ws["A1"].font.size == 16
    assert "A1:M1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "万州府办发〔2024〕18号 · 截至2024年6月30日 · 序时进度50%"
    assert ws["A3"].value == SUMMARY
    assert [c.value for c in ws[HEADER_ROW]] == HEADERS
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_widths_fit_chinese_text_and_cells_wrap(xlsx: Path) -> None:
    ws = table(xlsx)
    widths = {h: ws.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(HEADERS)}
    assert widths["年度工作目标任务"] >= 40 and widths["进展情况"] >= 30
    assert widths["序号"] < widths["责任单位"] < widths["项目名称"]
    row = rows_by_name(ws)["城镇老旧小区改造和社区服务提升"]
    assert row["年度工作目标任务"].alignment.wrap_text
    assert ws.row_dimensions[row["序号"].row].height > 15  # tall enough for its wrapped text


def test_numbers_are_numbers_with_formats(xlsx: Path) -> None:
    row = rows_by_name(table(xlsx))["城镇老旧小区改造和社区服务提升"]
    assert row["序号"].value == 16 and row["序号"].data_type == "n"
    assert row["投资计划(万元)"].value == int(PLANS[16])
    assert row["投资完成额度(万元)"].value == int(INVESTED[16])
    assert row["占比(%)"].value == pytest.approx(0.6)
    assert row["占比(%)"].number_format == "0.00%"
    assert row["序时进度"].value == pytest.approx(182 / 366)
    assert row["序时进度"].number_format == "0%"
    assert row["报送日期"].value == datetime(2024, 6, 28)
    assert row["完成情况"].value.startswith("新开工改造老旧小区：40/95 个 (42%)·待审核\n")
    assert row["进展情况"].value == SCRIPT_NOTE


def test_subtotals_and_total_add_up(xlsx: Path) -> None:
    ws = table(xlsx)
    rows = rows_by_name(ws)
    tasks = [r for r in rows.values() if r["序号"].value]
    assert len(tasks) == 21
    city, district, total = (
        rows[k] for k in ("市级小计（11件）", "区级小计（10件）", "合计（21件）")
    )
    for column in ("投资计划(万元)", "投资完成额度(万元)"):
        parts = sum(r[column].value or 0 for r in tasks)
        assert city[column].value + district[column].value == parts == total[column].value
    assert total["投资计划(万元)"].value == 53500
    assert total["投资完成额度(万元)"].value == pytest.approx(32700.5)
    assert total["占比(%)"].value == pytest.approx(32700.5 / 53500)
    assert total["进展情况"].value.startswith("已完成1件，超序时进度1件，按序时推进5件，")
    assert total["项目名称"].font.bold
    # the category heading rows before each group
    headings = [c.value for c in ws["A"][HEADER_ROW:] if isinstance(c.value, str)]
    assert headings == ["一、市级重点民生实事", "二、区级重点民生实事"]


def test_share_of_the_totals_counts_only_planned_tasks(
    cli: Invoke, unplanned: tuple[str, ...], tmp_path: Path
) -> None:
    out = tmp_path / "two.xlsx"
    result = cli(*unplanned, "report", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    ws = table(out)
    assert ws["A3"].value == UNPLANNED_SUMMARY
    rows = rows_by_name(ws)
    assert rows["新建社区公园"]["占比(%)"].value == pytest.approx(0.5)
    assert rows["改造背街小巷"]["占比(%)"].value is None  # no plan, no share
    for name in ("区级小计（2件）", "合计（2件）"):
        row = rows[name]
        assert row["投资计划(万元)"].value == 1000
        assert row["投资完成额度(万元)"].value == 1100
        assert row["占比(%)"].value == pytest.approx(0.5)  # 500 ÷ 1000, not 1100 ÷ 1000
        assert row["备注"].value == UNPLANNED_REMARK
        assert ws.row_dimensions[row["序号"].row].height > 2 * 14  # the 备注 fits, wrapped


def test_status_cells_are_coloured(xlsx: Path) -> None:
    rows = rows_by_name(table(xlsx))
    colours = {
        name: (rows[name]["状态"].value, rows[name]["状态"].fill.fgColor.rgb[-6:])
        for name in (
            "发展婴幼儿照护服务",
            "提升基本养老服务水平",
            "农村电网巩固提升工程",
            "开展残疾人关爱服务提升行动",
            "开展妇女儿童综合服务体项目建设试点",
        )
    }
    assert colours == {
        "发展婴幼儿照护服务": ("已完成", "BDD7EE"),  # blue
        "提升基本养老服务水平": ("超序时", "C6EFCE"),  # green
        "农村电网巩固提升工程": ("滞后", "FFEB9C"),  # yellow
        "开展残疾人关爱服务提升行动": ("严重滞后", "FFC7CE"),  # red
        "开展妇女儿童综合服务体项目建设试点": ("逾期未完成", "FFC7CE"),
    }


def test_text_from_the_data_is_never_a_formula(xlsx: Path) -> None:
    from openpyxl import load_workbook

    row = rows_by_name(table(xlsx))["提升基本养老服务水平"]
    note = row["进展情况"]
    assert note.value == FORMULA_NOTE
    assert note.data_type == "s"
    assert note.quotePrefix  # Excel keeps it text when the cell is edited
    # no formula anywhere in the workbook
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        for line in ws.iter_rows():
            assert all(c.data_type != "f" for c in line), ws.title


def test_other_sheets(xlsx: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    counts = [[c.value for c in r] for r in wb["按状态统计"].iter_rows()]
    assert counts[0] == ["状态", "市级", "区级", "合计"]
    assert ["严重滞后", 9, 3, 12] in counts and counts[-1] == ["合计", 11, 10, 21]
    late = [[c.value for c in r] for r in wb["逾期及严重滞后"].iter_rows(min_row=2)]
    assert [
        "区妇联",
        8,
        "开展妇女儿童综合服务体项目建设试点",
        "建设妇女儿童综合服务体",
        "—/1 个",
        1,
        "逾期未完成",
    ] in late
    quiet = [[c.value for c in r] for r in wb["未按期报送"].iter_rows(min_row=3)]
    assert ["区教委", 3, "开展青少年心理健康教育", "尚未报送", datetime(2024, 5, 31)] in quiet


def test_libreoffice_opens_it_with_the_numbers_intact(xlsx: Path, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail("libreoffice is not installed: bash scripts/test.sh installs it")
    out = tmp_path / "converted"
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    converted = out / (xlsx.stem + ".csv")
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    assert rows[0][0] == "万州区2024年重点民生实事工作目标任务及推进情况表"
    assert rows[2][0] == SUMMARY
    assert rows[HEADER_ROW - 1] == HEADERS
    by_name = {r[1]: dict(zip(HEADERS, r, strict=False)) for r in rows[HEADER_ROW:] if len(r) > 1}
    task = by_name["城镇老旧小区改造和社区服务提升"]
    assert (task["序号"], task["投资计划(万元)"], task["投资完成额度(万元)"]) == (
        "16",
        "50000.00",
        "30000.00",
    )
    assert task["占比(%)"] == "60.00%" and task["序时进度"] == "50%"
    assert task["报送日期"] == "2024-06-28"
    total = by_name["合计（21件）"]
    assert (total["投资计划(万元)"], total["投资完成额度(万元)"], total["占比(%)"]) == (
        "53500.00",
        "32700.50",
        "61.12%",
    )
    assert by_name["提升基本养老服务水平"]["进展情况"] == FORMULA_NOTE  # still text, not run
