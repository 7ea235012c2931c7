"""The report as a workbook laid out as the office publishes it (openpyxl, imported inside
the functions: a command that writes no workbook never loads it).

Sheet 推进情况表: a title row, the as-of line and the summary sentence, a frozen header, one row
per task grouped by category with a 小计 row each and a 合计 row, numbers as numbers (万元,
percent formats), wrapped cells, widths that fit Chinese text and the status cell coloured.
Further sheets: 按状态统计, 逾期及严重滞后, 未按期报送.

Text from the data is always stored as text: a note reading `=HYPERLINK(…)` stays a string (and
carries Excel's quote prefix, so editing the cell does not turn it into a formula either). The
file is byte-identical for the same report: its dates come from the as-of date, not the clock.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from minshi.render.archive import fixed_moment, stable_zip
from minshi.render.labels import PALETTE, STATUS_LABELS, metric_summary, shown_summary
from minshi.render.plan_words import forecast_text
from minshi.render.report_blocks import Block, cell_text, report_blocks, year_paragraph
from minshi.render.report_words import (
    counts_text,
    stale_heading,
    subtitle,
    summary_sentence,
    table_headers,
    totals_remark,
)
from minshi.render.text import number, safe_text, width
from minshi.report import SUMMARY_ORDER, Report, ReportRow, Totals

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

Number = Decimal | float | int
FONT = "Microsoft YaHei"  # Excel and WPS substitute a CJK font where it is missing
LINE_HEIGHT = 14.0  # points per line of 10-point text
# width (in characters of the default font; a Chinese character counts two) per column
COLUMN_WIDTHS = {
    "序号": 6,
    "项目名称": 20,
    "年度工作目标任务": 42,
    "投资计划(万元)": 12,
    "责任单位": 16,
    "完成情况": 34,
    "序时进度": 9,
    "状态": 11,
    "进展情况": 36,
    "报送日期": 11,
    "投资完成额度(万元)": 12,
    "占比(%)": 10,
    "备注": 14,
}
MONEY_FORMAT = "0.00"
SHARE_FORMAT = "0.00%"
EXPECTED_FORMAT = "0%"
DATE_FORMAT = "yyyy-mm-dd"


class _Sheet:
    """A worksheet with the few cell styles the report uses."""

    def __init__(self, ws: Worksheet) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side

        self.ws = ws
        thin = Side(style="thin", color="8C959F")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=FONT, size=10)
        self.bold = Font(name=FONT, size=10, bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(wrap_text=True, horizontal="center", vertical="center")
        self.number = Alignment(horizontal="right", vertical="top")

    def _cell(self, row: int, col: int) -> Cell:
        # only the first cell of a merged range is ever written, and that one is a plain Cell
        return cast("Cell", self.ws.cell(row=row, column=col))

    def text(self, row: int, col: int, value: str | None, *, bold: bool = False) -> Cell:
        """A cell holding text from the data: always a string, never a formula."""
        cell = self._cell(row, col)
        if value:
            text = safe_text(value)
            cell.value = text
            cell.data_type = "s"  # openpyxl would take "=…" for a formula and "#N/A" for an error
            if text[0] in "=+-@":
                cell.quotePrefix = True
        cell.font = self.bold if bold else self.font
        cell.alignment = self.wrap
        cell.border = self.border
        return cell

    def num(
        self, row: int, col: int, value: Number | None, fmt: str, *, bold: bool = False
    ) -> Cell:
        cell = self._cell(row, col)
        cell.value = number(value) if isinstance(value, Decimal) else value
        cell.number_format = fmt
        cell.font = self.bold if bold else self.font
        cell.alignment = self.number
        cell.border = self.border
        return cell

    def fill(self, cell: Cell, color: str) -> None:
        from openpyxl.styles import PatternFill

        cell.fill = PatternFill(fill_type="solid", start_color=color, end_color=color)

    def banner(self, row: int, last_col: int, text: str, *, size: int, bold: bool) -> None:
        from openpyxl.styles import Alignment, Font

        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        cell = self._cell(row, 1)
        cell.value = safe_text(text)
        cell.data_type = "s"
        cell.font = Font(name=FONT, size=size, bold=bold)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")

    def widths(self, widths: Sequence[float]) -> None:
        from openpyxl.utils import get_column_letter

        for i, size in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = size

    def fit_height(self, row: int, widths: Sequence[float]) -> None:
        """Row height for its wrapped text (Excel does not measure rows written by a program)."""
        lines = 1
        for i, size in enumerate(widths, start=1):
            value = self._cell(row, i).value
            if isinstance(value, str):
                usable = max(size - 1.5, 2)
                count = sum(max(1, math.ceil(width(p) / usable)) for p in value.split("\n"))
                lines = max(lines, count)
        self.ws.row_dimensions[row].height = LINE_HEIGHT * lines + 4


def _table_sheet(report: Report, sheet: _Sheet) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    heads = table_headers(report)
    heads.insert(heads.index("进展情况") + 1, "报送日期")  # a real date, for sorting and filters
    col = {h: i for i, h in enumerate(heads, start=1)}
    widths = [COLUMN_WIDTHS[h] for h in heads]
    last = len(heads)
    ws = sheet.ws
    sheet.widths(widths)
    sheet.banner(1, last, report.title, size=16, bold=True)
    ws.row_dimensions[1].height = 30
    sheet.banner(2, last, subtitle(report), size=10, bold=False)
    sheet.banner(3, last, summary_sentence(report), size=11, bold=False)
    summary_lines = math.ceil(width(summary_sentence(report)) / max(sum(widths) - 4, 20))
    ws.row_dimensions[3].height = LINE_HEIGHT * 1.1 * max(summary_lines, 1) + 8
    header = 4
    for name, i in col.items():
        cell = sheet.text(header, i, name, bold=True)
        cell.alignment = sheet.center
        sheet.fill(cell, "D9E1F2")
    ws.row_dimensions[header].height = 32
    ws.freeze_panes = f"A{header + 1}"
    ws.print_title_rows = f"{header}:{header}"

    row = header + 1
    for section in report.sections:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = sheet.text(row, 1, section.heading, bold=True)
        sheet.fill(cell, "F2F2F2")
        row += 1
        for task_row in section.rows:
            _task(sheet, row, col, task_row)
            sheet.fit_height(row, widths)
            row += 1
        _totals(sheet, row, col, section.subtotal, "F2F2F2")
        sheet.fit_height(row, widths)
        row += 1
    if report.sections:
        _totals(sheet, row, col, report.total, "D9E1F2")
        sheet.fit_height(row, widths)

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True


def _task(sheet: _Sheet, row: int, col: dict[str, int], task_row: ReportRow) -> None:
    task = task_row.task
    sheet.num(row, col["序号"], task.id, "0")
    sheet.text(row, col["项目名称"], task.name)
    sheet.text(row, col["年度工作目标任务"], task.target_text)
    sheet.text(row, col["责任单位"], "、".join(task.lead))
    sheet.text(
        row,
        col["完成情况"],
        "\n".join(f"{m.name}：{shown_summary(m.view)}" for m in task_row.metrics),
    )
    sheet.num(row, col["序时进度"], task_row.expected, EXPECTED_FORMAT)
    status = sheet.text(row, col["状态"], STATUS_LABELS[task_row.status], bold=True)
    status.alignment = sheet.center
    sheet.fill(status, PALETTE[task_row.status].sheet)
    note = task_row.note
    sheet.text(row, col["进展情况"], note.note.strip() if note else "")
    sheet.num(row, col["报送日期"], None, DATE_FORMAT).value = note.date if note else None
    sheet.text(row, col["备注"], task.remark or "")
    if "投资计划(万元)" in col:
        sheet.num(row, col["投资计划(万元)"], task_row.plan, MONEY_FORMAT)
        sheet.num(row, col["投资完成额度(万元)"], task_row.invested, MONEY_FORMAT)
        sheet.num(row, col["占比(%)"], _share(task_row.share), SHARE_FORMAT)


def _share(share: Decimal | None) -> float | None:
    return None if share is None else round(float(share), 6)


def _totals(sheet: _Sheet, row: int, col: dict[str, int], totals: Totals, color: str) -> None:
    cells = [
        sheet.text(row, c, None, bold=True) for c in range(1, len(col) + 1)
    ]  # borders on every cell of the row
    sheet.text(row, col["项目名称"], totals.heading, bold=True)
    sheet.text(row, col["进展情况"], counts_text(totals.counts), bold=True)
    if "投资计划(万元)" in col:
        sheet.num(row, col["投资计划(万元)"], totals.plan, MONEY_FORMAT, bold=True)
        sheet.num(row, col["投资完成额度(万元)"], totals.invested, MONEY_FORMAT, bold=True)
        sheet.num(row, col["占比(%)"], _share(totals.share), SHARE_FORMAT, bold=True)
        sheet.text(row, col["备注"], totals_remark(totals), bold=True)
    for cell in cells:
        sheet.fill(cell, color)


def _counts_sheet(report: Report, sheet: _Sheet) -> None:
    cats = [s.category for s in report.sections]
    heads = ["状态", *cats, "合计"]
    sheet.widths([14] + [10] * (len(heads) - 1))
    for i, name in enumerate(heads, start=1):
        sheet.fill(sheet.text(1, i, name, bold=True), "D9E1F2")
    row = 2
    for status in SUMMARY_ORDER:
        label = sheet.text(row, 1, STATUS_LABELS[status])
        sheet.fill(label, PALETTE[status].sheet)
        for i, section in enumerate(report.sections, start=2):
            sheet.num(row, i, section.subtotal.counts[status], "0")
        sheet.num(row, len(heads), report.total.counts[status], "0")
        row += 1
    sheet.text(row, 1, "合计", bold=True)
    for i, section in enumerate(report.sections, start=2):
        sheet.num(row, i, section.subtotal.tasks, "0", bold=True)
    sheet.num(row, len(heads), report.total.tasks, "0", bold=True)
    sheet.ws.freeze_panes = "A2"


def _attention_sheet(report: Report, sheet: _Sheet) -> None:
    heads = ["牵头单位", "序号", "项目名称", "指标", "完成情况", "序时进度", "状态"]
    widths = [16, 6, 24, 26, 24, 9, 11]
    sheet.widths(widths)
    for i, name in enumerate(heads, start=1):
        sheet.fill(sheet.text(1, i, name, bold=True), "D9E1F2")
    row = 2
    for group in report.attention:
        for task_row, line in group.items:
            sheet.text(row, 1, group.unit)
            sheet.num(row, 2, task_row.task.id, "0")
            sheet.text(row, 3, task_row.task.name)
            sheet.text(row, 4, line.name)
            sheet.text(row, 5, shown_summary(line.view))
            sheet.num(row, 6, line.expected, EXPECTED_FORMAT)
            status = sheet.text(row, 7, STATUS_LABELS[line.status], bold=True)
            sheet.fill(status, PALETTE[line.status].sheet)
            sheet.fit_height(row, widths)
            row += 1
    sheet.ws.freeze_panes = "A2"


def _warning_sheet(report: Report, sheet: _Sheet) -> None:
    """预警: metrics on pace today that the pace of recent reports says will miss the deadline."""
    heads = ["牵头单位", "序号", "项目名称", "指标", "完成情况", "序时进度", "状态", "预测"]
    widths = [16, 6, 24, 26, 24, 9, 11, 36]
    sheet.widths(widths)
    for i, name in enumerate(heads, start=1):
        sheet.fill(sheet.text(1, i, name, bold=True), "D9E1F2")
    for row, (task_row, line) in enumerate(report.early_warnings, start=2):
        sheet.text(row, 1, "、".join(line.lead))
        sheet.num(row, 2, task_row.task.id, "0")
        sheet.text(row, 3, task_row.task.name)
        sheet.text(row, 4, line.name)
        sheet.text(row, 5, metric_summary(line.view))
        sheet.num(row, 6, line.expected, EXPECTED_FORMAT)
        status = sheet.text(row, 7, STATUS_LABELS[line.status], bold=True)
        sheet.fill(status, PALETTE[line.status].sheet)
        sheet.text(row, 8, forecast_text(line.view, report.as_of))
        sheet.fit_height(row, widths)
    sheet.ws.freeze_panes = "A2"


def _stale_sheet(report: Report, sheet: _Sheet) -> None:
    heads = ["单位", "序号", "项目名称", "该项最近报送", "单位最近报送"]
    widths = [18, 6, 30, 14, 14]
    sheet.widths(widths)
    sheet.banner(1, len(heads), stale_heading(report), size=11, bold=True)
    for i, name in enumerate(heads, start=1):
        sheet.fill(sheet.text(2, i, name, bold=True), "D9E1F2")
    names = {row.task.id: row.task.name for row in report.rows}
    row = 3
    for stale in report.stale_units:
        for task, last in stale.tasks:
            sheet.text(row, 1, stale.unit)
            sheet.num(row, 2, task, "0")
            sheet.text(row, 3, names.get(task, ""))
            for col, day in ((4, last), (5, stale.last_reported)):
                if day is None:
                    sheet.text(row, col, "尚未报送")
                else:
                    sheet.num(row, col, None, DATE_FORMAT).value = day
            sheet.fit_height(row, widths)
            row += 1
    sheet.ws.freeze_panes = "A3"


def _year_sheet(report: Report, sheet: _Sheet) -> None:
    """年度总结: the year's paragraph, on a sheet of its own before the others."""
    sheet.widths([100])
    cell = sheet.text(1, 1, year_paragraph(report))
    sheet.ws.row_dimensions[1].height = LINE_HEIGHT * 4 + 4
    cell.alignment = sheet.wrap


def _block_sheet(block: Block, sheet: _Sheet) -> None:
    """A block after the table: its paragraphs, then its table with numbers as numbers."""
    widths = [c.width for c in block.columns]
    sheet.widths(widths)
    row = 1
    for paragraph in block.paragraphs:
        sheet.banner(row, len(block.columns), paragraph, size=10, bold=False)
        sheet.ws.row_dimensions[row].height = LINE_HEIGHT * 2 + 4
        row += 1
    if not block.rows:
        return
    for i, column in enumerate(block.columns, start=1):
        sheet.fill(sheet.text(row, i, column.header, bold=True), "D9E1F2")
    sheet.ws.freeze_panes = f"A{row + 1}"
    formats = {"money": MONEY_FORMAT, "rate": SHARE_FORMAT, "count": "0"}
    lines = [(r, False) for r in block.rows] + ([(block.total, True)] if block.total else [])
    for values, bold in lines:
        row += 1
        for i, (value, column) in enumerate(zip(values, block.columns, strict=True), start=1):
            if column.kind == "text" or isinstance(value, str):
                sheet.text(row, i, cell_text(value, column.kind), bold=bold)
            else:
                sheet.num(row, i, value, formats[column.kind], bold=bold)
        sheet.fit_height(row, widths)


def report_xlsx(report: Report) -> bytes:
    """The workbook as bytes."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    table = wb.active
    assert table is not None
    table.title = "推进情况表"
    _table_sheet(report, _Sheet(table))
    _counts_sheet(report, _Sheet(wb.create_sheet("按状态统计")))
    _attention_sheet(report, _Sheet(wb.create_sheet("逾期及严重滞后")))
    _stale_sheet(report, _Sheet(wb.create_sheet("未按期报送")))
    if report.early_warnings:
        _warning_sheet(report, _Sheet(wb.create_sheet("预警")))
    if report.year_end is not None:
        _year_sheet(report, _Sheet(wb.create_sheet("年度总结", 1)))
    for block in report_blocks(report):
        _block_sheet(block, _Sheet(wb.create_sheet(block.title[:31])))

    moment = fixed_moment(report.as_of)
    wb.properties.created = moment
    wb.properties.modified = moment
    wb.properties.creator = "minshi"
    wb.properties.title = safe_text(report.title)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return stable_zip(raw.getvalue(), moment)
