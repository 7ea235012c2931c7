"""import-notice: a published notice (text, web page, .docx) becomes a validated draft data file.

The seed notice must give the bundled data back: every task, unit, target text and metric target.
The key and name of a numeric metric are the one editorial choice of the data file (托位 rather
than 婴幼儿托位), so they are not compared; everything a progress report relies on is.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from minshi.catalog import validate_text
from minshi.errors import DataFileError
from minshi.importer import Draft, import_notice, split_units
from minshi.importer.table import column_of
from tests.conftest import BUNDLED, FIXTURES, Invoke

NOTICE = FIXTURES / "import" / "wanzhou_2024_notice.txt"
NOTICE_TEXT = NOTICE.read_text(encoding="utf-8")
REFERENCE: dict[str, Any] = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
TASK_FIELDS = ("id", "category", "name", "target_text", "lead", "cooperating", "cooperating_more")


def _numbers(task: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What a numeric metric commits the lead unit to, in order."""
    return [
        (
            m["kind"],
            Decimal(str(m["target"])),
            m["unit"],
            m["comparator"],
            m.get("provisional", False),
            m.get("owner"),
            m.get("parent") is not None,
        )
        for m in task["metrics"]
        if m["kind"] != "milestone"
    ]


def _milestones(task: dict[str, Any]) -> list[str]:
    return [m["name"] for m in task["metrics"] if m["kind"] == "milestone"]


def _written(draft: Draft) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(draft.to_yaml())
    return data


@pytest.fixture(scope="module")
def seed() -> Draft:
    return import_notice(NOTICE)


# ---------------------------------------------------------------------------------------------
# The seed notice gives the bundled data back


def test_notice_details_match_the_bundled_data(seed: Draft) -> None:
    assert _written(seed)["notice"] == REFERENCE["notice"]


@pytest.mark.parametrize("index", range(21), ids=lambda i: f"task {i + 1}")
def test_each_task_matches_the_bundled_data(seed: Draft, index: int) -> None:
    mine, theirs = _written(seed)["tasks"][index], REFERENCE["tasks"][index]
    for field in TASK_FIELDS:
        assert mine.get(field) == theirs.get(field), field
    assert _numbers(mine) == _numbers(theirs)
    assert _milestones(mine) == _milestones(theirs)
    # the primary metric (the first) is of the same kind, and parts name an existing metric
    assert [m["kind"] for m in mine["metrics"]] == [m["kind"] for m in theirs["metrics"]]
    keys = [m["key"] for m in mine["metrics"]]
    assert all(m["parent"] in keys for m in mine["metrics"] if "parent" in m)


def test_units_match_the_bundled_data(seed: Draft) -> None:
    mine = [u["name"] for u in _written(seed)["units"]]
    assert len(mine) == len(set(mine))
    assert set(mine) == {u["name"] for u in REFERENCE["units"]}


def test_seed_needs_no_review_and_validates_as_written(seed: Draft) -> None:
    assert seed.review == []
    text = seed.to_yaml()
    assert text.startswith(
        "# 万州区2024年重点民生实事工作目标任务 (万州府办发〔2024〕18号): a draft"
    )
    assert "\n# 一、市级重点民生实事\n- id: 1\n" in text
    assert "\n# 二、区级重点民生实事\n- id: 12\n" in text
    assert "review:" not in text
    notice = validate_text(text, "draft.yaml")
    assert notice == seed.notice
    assert notice.task(16).metrics[1].target == Decimal(2840000)  # type: ignore[union-attr]


def test_descriptive_numbers_are_not_metrics(seed: Draft) -> None:
    def targets(task_id: int) -> list[Decimal | None]:
        task = seed.notice.task(task_id)
        assert task is not None
        return [m.target for m in task.metrics if m.target is not None]

    assert targets(1) == [1000]  # not 2～3岁
    assert targets(2) == [156, 8000, 130000, 100]  # not “5+2”
    assert targets(18) == [98, 10090]  # not 10千伏


# ---------------------------------------------------------------------------------------------
# Another year, other numbers


def _substitute(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_the_same_notice_for_another_year_with_other_numbers(tmp_path: Path) -> None:
    changes = [
        ("2024", "2025"),
        ("3月9日", "2月28日"),
        ("〔2025〕18号", "〔2025〕7号"),
        ("托位1000个", "托位1200个"),
        ("学生达13万人以上", "学生达14.5万人以上"),
        ("知晓率达到80%以上", "知晓率达到85%以上"),
        ("面积约2万平方米", "面积约2.5万平方米"),
        (
            "6万亩，其中区农业农村委4万亩、区供销合作社2万亩",
            "7万亩，其中区农业农村委4.5万亩、区供销合作社2.5万亩",
        ),
        ("老旧小区95个、284万平方米", "老旧小区120个、1.2亿平方米"),
        ("户表10090只", "户表9876只"),
    ]
    path = tmp_path / "wanzhou_2025_notice.txt"
    path.write_text(_substitute(NOTICE_TEXT, changes), encoding="utf-8")

    draft = import_notice(path)

    info = draft.notice.notice
    assert (info.id, info.doc_number, str(info.issued)) == (
        "wanzhou-2025",
        "万州府办发〔2025〕7号",
        "2025-02-28",
    )
    assert (str(info.period.start), str(info.period.end)) == ("2025-01-01", "2025-12-31")
    assert info.title == "万州区2025年重点民生实事工作目标任务"
    targets = {(t.id, m.key): m.target for t in draft.notice.tasks for m in t.metrics if m.target}
    assert targets[(1, "婴幼儿托位")] == 1200
    assert targets[(2, "学生")] == 145000
    assert targets[(3, "青少年心理健康核心知识知晓率")] == 85
    assert targets[(5, "街头绿地提质项目面积")] == 25000
    assert [m.target for m in draft.notice.task(11).metrics] == [70000, 45000, 25000]  # type: ignore[union-attr]
    assert [m.target for m in draft.notice.task(16).metrics][:2] == [120, 120000000]  # type: ignore[union-attr]
    assert targets[(18, "户表")] == 9876
    assert draft.review == []
    assert sum(len(t.metrics) for t in draft.notice.tasks) == 53


# ---------------------------------------------------------------------------------------------
# The same table as a web page and as a Word file


@dataclass
class Layout:
    """The seed notice taken apart: the text above the table, its title, header and rows."""

    above: list[str]
    title: str
    header: list[str]
    rows: list[list[str]]  # a section heading is a row of one cell


def _layout(text: str = NOTICE_TEXT) -> Layout:
    lines = text.split("\n")
    first_cell = next(i for i, line in enumerate(lines) if line.startswith("\t"))
    rows: list[list[str]] = []
    current: list[str] = []
    for line in [*lines[first_cell:], ""]:
        if line.startswith("\t"):
            current.append(line.strip())
        elif current:
            rows.append(current)
            current = []
    header, *body = rows
    body = [r for r in body if any(r)]
    body = [r + [""] * (len(header) - len(r)) if len(r) > 1 else r for r in body]
    return Layout(lines[: first_cell - 1], lines[first_cell - 1].strip(), header, body)


def _html(layout: Layout, *, rowspan_leads: bool = False) -> str:
    """A government web page: the notice as paragraphs, the table with merged headings."""
    width = len(layout.header)
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知</title>",
        "<style>td { border: 1px solid }</style><script>var x = '<td>';</script></head><body>",
        "<div class='nav'>首页 &gt; 政务公开 &gt; 通知公告</div>",
    ]
    out += [f"<p>{html.escape(line.strip())}</p>" for line in layout.above if line.strip()]
    out.append(f"<h3>{html.escape(layout.title)}</h3><table><tbody>")
    out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in layout.header) + "</tr>")
    skip_lead = 0
    for row in layout.rows:
        if len(row) == 1:
            out.append(f"<tr><td colspan='{width}'><b>{html.escape(row[0])}</b></td></tr>")
            continue
        cells = []
        for i, cell in enumerate(row):
            text = html.escape(cell).replace("。", "。<br/>", 1)
            if i == 3 and rowspan_leads and row[0] == "5":  # 区城市管理局 leads 5, 6 and 7
                cells.append(f"<td rowspan='3'><p>{text}</p></td>")
                skip_lead = 2
            elif i == 3 and skip_lead:
                skip_lead -= 1
            else:
                cells.append(f"<td><p>{text}</p></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table><p>&nbsp;</p></body></html>")
    return "\n".join(out)


def test_an_html_page_imports_to_the_same_data(seed: Draft, tmp_path: Path) -> None:
    page = tmp_path / "wanzhou_2024_notice.html"
    page.write_text(_html(_layout(), rowspan_leads=True), encoding="utf-8")
    assert import_notice(page).notice == seed.notice


def test_a_page_with_the_details_in_a_header_table(seed: Draft, tmp_path: Path) -> None:
    """Government sites show 发文字号, 成文日期 and 发布机构 in a table above the text."""
    layout = _layout()
    details = (
        "<table class='info'><tr><td>索 引 号：</td><td>11500101MB1520047A/2024-00018</td>"
        "<td>发文字号：</td><td>万州府办发〔2024〕18号</td></tr>"
        "<tr><td>发布机构：</td><td>重庆市万州区人民政府办公室</td>"
        "<td>成文日期：</td><td>2024-03-09</td><td>发布日期：</td><td>2024-03-12</td></tr>"
        "</table><h1>重庆市万州区人民政府办公室关于印发《万州区2024年重点民生实事工作目标任务》"
        "的通知</h1><p>各镇乡（民族乡）人民政府，各街道办事处，区政府各部门，有关单位：</p>"
    )
    page = _html(Layout([], layout.title, layout.header, layout.rows))
    page = page.replace("<h3>", details + "<h3>", 1)
    path = tmp_path / "wanzhou_2024_notice.html"
    path.write_text(page, encoding="utf-8")
    info = import_notice(path).notice.notice
    assert info == seed.notice.notice._replace(forwarded_by=[])


def test_a_docx_imports_to_the_same_data(seed: Draft, tmp_path: Path) -> None:
    import docx

    layout = _layout()
    document = docx.Document()
    for line in layout.above:
        document.add_paragraph(line.strip())
    document.add_paragraph(layout.title)
    table = document.add_table(rows=0, cols=len(layout.header))
    for text, cell in zip(layout.header, table.add_row().cells, strict=True):
        cell.text = text
    for row in layout.rows:
        cells = table.add_row().cells
        if len(row) == 1:  # a section heading merged across the table, as Word does it
            cells[0].merge(cells[-1]).text = row[0]
            continue
        for text, cell in zip(row, cells, strict=True):
            first, _, rest = text.partition("。")
            cell.text = first + ("。" if rest or text.endswith("。") else "")
            if rest:
                cell.add_paragraph(rest)  # a cell of two paragraphs reads as one text
    path = tmp_path / "wanzhou_2024_notice.docx"
    document.save(str(path))
    assert import_notice(path).notice == seed.notice


def test_docx_without_python_docx_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docx

    path = tmp_path / "notice.docx"
    docx.Document().save(str(path))
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(DataFileError, match=r"pip install 'minshi\[docx\]'"):
        import_notice(path)


def test_an_extra_investment_column_in_another_order_fills_investment_plan(
    seed: Draft, tmp_path: Path
) -> None:
    layout = _layout()
    # 序号 · 牵头单位 · 事项名称 · 主要内容 · 投资计划（万元） · 配合单位 · 备注
    order = [0, 3, 1, 2, 4, 5]
    header = [layout.header[i] for i in order]
    header[2], header[3] = "事项名称", "主要内容"
    header.insert(4, "投资计划（万元）")
    rows = []
    for row in layout.rows:
        if len(row) == 1:
            rows.append(row)
            continue
        moved = [row[i] for i in order]
        moved.insert(4, {"1": "1200", "16": "56,800.5", "20": "3.2亿元"}.get(row[0], ""))
        rows.append(moved)
    page = tmp_path / "with_investment.html"
    page.write_text(_html(Layout(layout.above, layout.title, header, rows)), encoding="utf-8")

    draft = import_notice(page, notice_id="wanzhou-2024")

    plans = {t.id: t.investment_plan for t in draft.notice.tasks if t.investment_plan is not None}
    assert plans == {1: Decimal(1200), 16: Decimal("56800.5"), 20: Decimal(32000)}
    assert "investment_plan: 56800.5\n" in draft.to_yaml()
    assert [(t.name, t.lead, t.metrics) for t in draft.notice.tasks] == [
        (t.name, t.lead, t.metrics) for t in seed.notice.tasks
    ]


def test_one_row_per_line_separated_by_tabs(seed: Draft, tmp_path: Path) -> None:
    layout = _layout()
    lines = [*layout.above, layout.title, "\t".join(layout.header)]
    lines += ["\t".join(row) for row in layout.rows]  # a heading is a line without tabs
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert import_notice(path).notice == seed.notice


def test_a_gbk_text_file_imports_the_same(seed: Draft, tmp_path: Path) -> None:
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_bytes(NOTICE_TEXT.replace("\n", "\r\n").encode("gb18030"))
    assert import_notice(path).notice == seed.notice


# ---------------------------------------------------------------------------------------------
# What needs review is said, never guessed


def test_a_number_without_unit_is_listed_for_review_not_invented(tmp_path: Path) -> None:
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text(
        _substitute(NOTICE_TEXT, [("改造户表10090只", "改造户表10090")]), encoding="utf-8"
    )
    draft = import_notice(path)
    assert [m.target for m in draft.notice.task(18).metrics] == [98]  # type: ignore[union-attr]
    assert draft.review == [
        "task 18: “10090” has no unit, so it was not made a metric — in "
        "“新（改）建农村电网10千伏线路98公里，改造户表10090。”"
    ]
    written = _written(draft)
    assert written["review"] == draft.review
    assert "# 1 item need review: see `review:` below." in draft.to_yaml()


def test_parts_that_do_not_add_up_are_listed_for_review(tmp_path: Path) -> None:
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text(
        _substitute(NOTICE_TEXT, [("区供销合作社2万亩", "区供销合作社3万亩")]), encoding="utf-8"
    )
    draft = import_notice(path)
    assert draft.review == [
        "task 11: the parts (4万亩 + 3万亩) do not add up to 6万亩 — in "
        "“开展农业社会化服务6万亩，其中区农业农村委4万亩、区供销合作社3万亩。”"
    ]


def test_parts_in_brackets_thousands_and_an_owner_not_otherwise_named(tmp_path: Path) -> None:
    text = _substitute(
        NOTICE_TEXT,
        [
            (
                "实施特殊困难老年人家庭适老化改造1000户以上。",
                "建成社区食堂12个（其中城区8个、乡镇4个），新增停车位约1,500个，"
                "其中区体育局1,000个、区民政局500个。",
            )
        ],
    )
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text(text, encoding="utf-8")
    draft = import_notice(path)
    task = draft.notice.task(21)
    assert task is not None
    assert [(m.key, m.target, m.comparator, m.parent, m.owner) for m in task.metrics] == [
        ("社区食堂", 12, ">=", None, None),
        ("社区食堂·城区", 8, ">=", "社区食堂", None),
        ("社区食堂·乡镇", 4, ">=", "社区食堂", None),
        ("停车位", 1500, "~", None, None),
        ("体育局承担", 1000, "~", "停车位", "区体育局"),
        ("民政局承担", 500, "~", "停车位", "区民政局"),
    ]
    assert "区体育局" in [u.name for u in draft.notice.units]
    assert draft.review == []


def test_sections_numbered_from_one_are_numbered_through(tmp_path: Path) -> None:
    text = NOTICE_TEXT
    for number in range(12, 22):
        text = text.replace(f"\n\t{number}\n", f"\n\t{number - 11}\n")
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text(text, encoding="utf-8")
    draft = import_notice(path)
    assert [t.id for t in draft.notice.tasks] == list(range(1, 22))
    assert draft.notice.task(12).name == "城乡排水防洪设施建设"  # type: ignore[union-attr]
    assert len(draft.review) == 10
    assert draft.review[0] == (
        "task 12: numbered 1 in the notice (under “二、区级重点民生实事”); "
        "given id 12 so that every task has its own"
    )


def test_a_table_without_section_headings_is_区级_for_review(tmp_path: Path) -> None:
    text = NOTICE_TEXT.replace("\t一、市级重点民生实事\n", "").replace(
        "\t二、区级重点民生实事\n", ""
    )
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text(text, encoding="utf-8")
    draft = import_notice(path)
    assert {t.category for t in draft.notice.tasks} == {"区级"}
    assert draft.review == [  # once for the notice, not once for each of its 21 tasks
        "no 市级/区级 heading above the tasks; every task's category was set to 区级"
    ]


# ---------------------------------------------------------------------------------------------
# Garbage in: a clear error, never a traceback or an empty draft


def _error(path: Path) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        import_notice(path)
    return caught.value


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("\n  \n", encoding="utf-8")
    assert _error(path).message == f"{path}: the file is empty"


def test_a_pdf_renamed_txt(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert _error(path).message == f"{path}: not a readable PDF (PdfminerException)"


@pytest.mark.parametrize(
    ("suffix", "words"), [(".doc", "save it as .docx"), (".xls", "save it as .xlsx")]
)
def test_formats_that_cannot_be_read(tmp_path: Path, suffix: str, words: str) -> None:
    path = tmp_path / f"notice{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old office file")
    assert words in _error(path).message


def test_a_text_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        NOTICE_TEXT.split("万州区2024年重点民生实事工作目标任务\n\t")[0], encoding="utf-8"
    )
    error = _error(path)
    assert error.message == f"{path}: no table of tasks found"
    assert "牵头单位 (or 责任单位, 主责单位)" in error.details[0]


def test_a_table_without_a_unit_column(tmp_path: Path) -> None:
    layout = _layout()
    header = [h for i, h in enumerate(layout.header) if i not in (3, 4)]
    rows = [
        r if len(r) == 1 else [c for i, c in enumerate(r) if i not in (3, 4)] for r in layout.rows
    ]
    page = tmp_path / "no_units.html"
    page.write_text(_html(Layout(layout.above, layout.title, header, rows)), encoding="utf-8")
    error = _error(page)
    assert error.message == (
        f"{page}: the table has no 牵头单位/责任单位 column (its header: 序  号 · 项目名称 · "
        "2024年工作目标任务 · 备注); every task needs the unit that leads it"
    )


def test_a_row_without_its_lead_unit(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_TEXT.replace("\t区残联\n\t各乡镇", "\t\n\t各乡镇"), encoding="utf-8")
    error = _error(path)
    assert error.details == [f"{path}:79: task 4: the 牵头单位/责任单位 cell is empty"]


def test_only_the_table_without_the_notice_around_it(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    table_only = NOTICE_TEXT[NOTICE_TEXT.index("万州区2024年重点民生实事工作目标任务\n\t") :]
    path.write_text(table_only, encoding="utf-8")
    draft = import_notice(path)  # a draft still comes out; what the notice lacks is for review
    assert draft.notice.notice.title == "万州区2024年重点民生实事工作目标任务"
    assert draft.notice.notice.doc_number == "（未注明文号）"
    assert [item.split(":")[0] for item in draft.review] == [
        "notice.doc_number",
        "notice.issuer",
        "notice.issued",
    ]
    assert draft.places == [str(path)] * 3


def test_a_short_row_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    cut = "\t区城市管理局\n\t三峡发展集团\n\t\n\n\t6\n"
    path.write_text(NOTICE_TEXT.replace(cut, "\n\t6\n"), encoding="utf-8")
    (detail,) = _error(path).details
    assert detail.startswith(f"{path}:86: a row of 3 cells under a header of 6")


# ---------------------------------------------------------------------------------------------
# Pieces


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("序  号", "seq"),
        ("项目名称", "name"),
        ("事项名称", "name"),
        ("2024年工作目标任务", "target"),
        ("事项内容", "target"),
        ("主要内容", "target"),
        ("牵头单位", "lead"),
        ("责任单位", "lead"),
        ("配合单位", "cooperating"),
        ("投资计划（万元）", "investment"),
        ("投资完成额度（万元）", "progress"),  # recognised, so that it is left alone
        ("进展情况", "progress"),
        ("备注", "remark"),
    ],
)
def test_columns_are_known_by_their_header_words(header: str, column: str | None) -> None:
    assert column_of(header) == column


@pytest.mark.parametrize(
    ("cell", "units", "more"),
    [
        ("区水利局，长江水务集团", ["区水利局", "长江水务集团"], False),
        ("区发展改革委、区教委", ["区发展改革委", "区教委"], False),
        ("区大数据发展局等", ["区大数据发展局"], True),
        ("各乡镇（街道、社区）、区民政局", ["各乡镇（街道、社区）", "区民政局"], False),
        ("", [], False),
    ],
)
def test_split_units(cell: str, units: list[str], more: bool) -> None:
    assert split_units(cell) == (units, more)


# ---------------------------------------------------------------------------------------------
# The command


def test_command_writes_yaml_to_stdout(cli: Invoke, seed: Draft) -> None:
    result = cli("import-notice", str(NOTICE))
    assert result.exit_code == 0
    assert result.stdout == seed.to_yaml()
    assert result.stderr == ""


def test_command_writes_a_file_that_the_other_commands_read(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "targets_2024.yaml"
    result = cli("import-notice", str(NOTICE), "-o", str(out), "--id", "wz-2024")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}: 21 tasks, 53 metrics\n"
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["notice"]["id"] == "wz-2024"
    assert cli("validate", str(out)).stdout.startswith(f"ok: {out} — 1 notice, 21 tasks")
    listed = cli("--data", str(out), "list", "--lead", "区城市管理局", "--format", "json")
    assert listed.exit_code == 0


def test_command_never_overwrites_without_force(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "targets.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    result = cli("import-notice", str(NOTICE), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"minshi: error: {out} already exists; add --overwrite to replace it\n"
    assert out.read_text(encoding="utf-8") == "keep me\n"
    forced = cli("import-notice", str(NOTICE), "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# 万州区2024年重点民生实事工作目标任务")


def test_command_refuses_to_write_over_the_notice_itself(cli: Invoke, tmp_path: Path) -> None:
    copy = tmp_path / "notice.txt"
    copy.write_text(NOTICE_TEXT, encoding="utf-8")
    result = cli("import-notice", str(copy), "-o", str(copy), "--force")
    assert result.exit_code == 2
    assert "is the notice being imported" in result.stderr
    assert copy.read_text(encoding="utf-8") == NOTICE_TEXT


def test_command_says_how_many_items_need_review(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "wanzhou_2024_notice.txt"
    path.write_text(
        _substitute(
            NOTICE_TEXT, [("改造户表10090只", "改造户表10090"), ("托位1000个", "托位1000")]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "draft.yaml"
    result = cli("import-notice", str(path), "-o", str(out))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[:2] == [f"wrote {out}: 21 tasks, 52 metrics", "2 items need review:"]
    assert lines[2].startswith(f"  {path}:58: task 1: “1000” has no unit")
    assert lines[3].startswith(f"  {path}:") and "task 18: “10090” has no unit" in lines[3]
    assert "review:\n- 'task 1: “1000” has no unit" in out.read_text(encoding="utf-8")
    assert f"  {path}:58: task 1: “1000” has no unit" in result.stderr  # where it comes from


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.4\n", "not a readable PDF"),
        ("只是一段文字，没有表格。".encode(), "no table of tasks found"),
    ],
    ids=["empty", "pdf", "no table"],
)
def test_command_garbage_in_is_one_clear_line_and_no_file(
    cli: Invoke, tmp_path: Path, content: bytes, message: str
) -> None:
    work = tmp_path / "office"
    work.mkdir()
    path = work / "notice.txt"
    path.write_bytes(content)
    out = work / "draft.yaml"
    result = cli("import-notice", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"minshi: error: {path}: {message}")
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert list(work.iterdir()) == [path]  # no draft, no temporary file left behind


def test_command_missing_file_and_bad_id(cli: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = cli("import-notice", str(missing))
    assert (result.exit_code, result.stderr) == (2, f"minshi: error: {missing}: no such file\n")
    bad = cli("import-notice", str(NOTICE), "--id", "wan zhou")
    assert bad.exit_code == 2
    assert "--id 'wan zhou'" in bad.stderr


def test_command_output_folder_missing(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "draft.yaml"
    result = cli("import-notice", str(NOTICE), "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"minshi: error: cannot write {out}: ")


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("改造2至3所学校。", "the range “2至3所” was not made a metric"),
        ("实施3—5年规划。", "the range “3—5年” was not made a metric"),
        ("供水能力提高1.5倍。", "“1.5倍” is relative, so it was not made a metric"),
    ],
)
def test_numbers_it_cannot_assign_go_to_review(text: str, flagged: str) -> None:
    from minshi.importer.metrics import extract_metrics

    extracted = extract_metrics(1, "事项", text, [])
    assert all(m["kind"] == "milestone" for m in extracted.metrics)  # no number invented
    assert any(flagged in item for item in extracted.review)


@pytest.mark.parametrize("text", ["招收2～3岁幼儿。", "2024—2025学年开展课后服务。"])
def test_ages_and_school_years_are_not_review_noise(text: str) -> None:
    from minshi.importer.metrics import extract_metrics

    assert extract_metrics(1, "事项", text, []).review == []
