"""A lead unit's fill-in sheet (进度填报表) as an .xlsx workbook.

Its metrics with where they stand, every cell locked but the ones to fill in (validated: numbers,
dates, yes/no), and the notice, task and metric key in hidden columns so that the filled-in sheet
reads back row by row (`progress.sheet.read_sheet`).

openpyxl is imported inside the functions: it costs more than a command's start-up.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from minshi.progress.check import MAX_TEXT
from minshi.progress.sheet import FIRST_ROW, HEADER_ROW, KEY_ROW, SHEET, SheetRow
from minshi.render.labels import STATUS_LABELS, milestone_text, reading_text
from minshi.render.text import plain, width
from minshi.tuples import NamedTuple

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# fills: what to fill in, what does not apply to this row, the header
INPUT_FILL = "FFF2CC"
NOT_APPLICABLE_FILL = "EDEDED"
HEADER_FILL = "D9E1F2"
ID_FILL = "F2F2F2"


class _Column(NamedTuple):
    header: str
    key: str = ""  # the CSV column it maps to ("" for what is only shown)
    width: float = 10
    fill_in: bool = False  # an input column
    wrap: bool = False
    hidden: bool = False
    per_task: bool = False  # shown once per task (merged over its rows)
    number_format: str = "General"
    # for an input column: whether this row takes it (others are locked and greyed)
    applies: Callable[[SheetRow], bool] = lambda row: True


def _is_milestone(row: SheetRow) -> bool:
    return row.metric.metric.kind == "milestone"


def _has_plan(rows: Sequence[SheetRow]) -> bool:
    return any(r.view.task.investment_plan is not None for r in rows)


def _columns(rows: Sequence[SheetRow], as_of: date) -> list[_Column]:
    """Shown columns first (their values come from `_shown_values`), then inputs, then ids."""
    cols = [
        _Column("序号", width=6, per_task=True),
        _Column("项目名称", width=24, wrap=True, per_task=True),
        _Column("指标", width=26, wrap=True),
        _Column("目标", width=11),
        _Column("单位", width=7),
        _Column(f"已报累计\n（截至{as_of:%m月%d日}）", width=14),
        _Column("报送日期", width=12),
        _Column("序时进度", width=9, number_format="0%"),
        _Column("当前状态", width=11),
        _Column("上次进展情况", width=30, wrap=True, per_task=True),
    ]
    if _has_plan(rows):
        cols.append(_Column("投资计划\n（万元）", width=11, per_task=True))
    cols.append(_Column("已报投资\n（万元）", width=11, per_task=True))
    if any(r.returned for r in rows):
        cols.append(_Column("退回待更正\n（原因）", width=30, wrap=True))
    cols += [
        _Column(
            "本次累计完成值",
            "value",
            width=14,
            fill_in=True,
            applies=lambda r: not _is_milestone(r),
        ),
        _Column("截至日期", "date", width=13, fill_in=True, number_format="yyyy-mm-dd"),
    ]
    if any(_is_milestone(r) for r in rows):
        cols += [
            _Column("是否完成", "done", width=9, fill_in=True, applies=_is_milestone),
            _Column("形象进度（%）", "percent", width=11, fill_in=True, applies=_is_milestone),
            _Column("当前阶段", "stage", width=18, fill_in=True, wrap=True, applies=_is_milestone),
        ]
    cols += [
        _Column(
            "投资完成额度\n（万元，累计，每项填首行）",
            "invested",
            width=16,
            fill_in=True,
            applies=lambda r: r.first,
        ),
        _Column(
            "到位资金\n（万元，累计，每项填首行）",
            "allocated",
            width=14,
            fill_in=True,
            applies=lambda r: r.first,
        ),
        _Column(
            "已支付资金\n（万元，累计，每项填首行）",
            "paid",
            width=14,
            fill_in=True,
            applies=lambda r: r.first,
        ),
        _Column("进展情况", "note", width=40, fill_in=True, wrap=True),
        _Column("notice（系统列，勿改）", "notice", width=16, hidden=True),
        _Column("task（系统列，勿改）", "task", width=8, hidden=True),
        _Column("metric（系统列，勿改）", "metric", width=18, hidden=True),
    ]
    return cols


def _shown_values(row: SheetRow, planned: bool, returned_column: bool) -> list[Any]:
    """The values of the shown columns, in `_columns` order."""
    view, mv = row.view, row.metric
    metric, state = mv.metric, mv.state
    if metric.kind == "milestone":
        current: Any = milestone_text(mv)
        target: Any = "完成"
        unit = None
    else:
        current = state.actual
        target = state.target if state.target is not None else "待定"
        unit = metric.unit
    noted = view.note_entry  # the task's 进展情况: its newest report with a note
    values: list[Any] = [
        view.task.id,
        view.task.name,
        metric.name + ("（以市级下达为准）" if metric.provisional else ""),
        target,
        unit,
        current,
        mv.reading.date if mv.reading and mv.reading.date else None,
        round(state.expected, 4),
        STATUS_LABELS[state.status],
        noted.note if noted else None,
    ]
    if planned:
        values.append(view.task.investment_plan)
    values.append(view.invested)
    if returned_column:
        values.append(_returned_text(row))
    return values


def _returned_text(row: SheetRow) -> str | None:
    """'已退回 38 个（2024-06-30）：台账显示已开工38个，请核实' for a report to correct."""
    back = row.returned
    if back is None:
        return None
    said = reading_text(back, row.metric.metric.unit)
    return f"已退回 {said}（{back.date.isoformat()}）：{back.reason}"


def _number_cell(value: Any) -> Any:
    """Decimals as numbers a spreadsheet keeps (int when whole)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def build_workbook(rows: Sequence[SheetRow], *, unit: str, as_of: date) -> Any:
    """The fill-in workbook (an openpyxl Workbook) for `rows`."""
    from openpyxl import Workbook

    cols = _columns(rows, as_of)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    _title(ws, rows, cols, unit=unit, as_of=as_of)
    _header(ws, cols)
    _body(ws, rows, cols)
    _merge_task_cells(ws, rows, cols)
    _finish(ws, cols)
    return wb


def _style() -> dict[str, Any]:
    from openpyxl.styles import Border, PatternFill, Side

    thin = Side(style="thin", color="A6A6A6")
    fills = {"input": INPUT_FILL, "na": NOT_APPLICABLE_FILL, "header": HEADER_FILL, "id": ID_FILL}
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        **{k: PatternFill("solid", start_color=v, end_color=v) for k, v in fills.items()},
    }


def _title(
    ws: Worksheet, rows: Sequence[SheetRow], cols: list[_Column], *, unit: str, as_of: date
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(cols))
    titles = {r.view.notice.notice.title for r in rows}
    title = titles.pop() if len(titles) == 1 else "重点民生实事"
    _set(ws["A1"], f"{title} · 进度填报表（{unit}）")
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    _set(
        ws["A2"],
        f"牵头单位：{unit}　已报数据截至 {as_of.isoformat()}。请只填黄色单元格：本次累计完成值"
        f"（自年初起的累计数，不是本月新增）、截至日期（如 {as_of.isoformat()}）、进展情况；"
        "里程碑类指标填是否完成、形象进度或当前阶段。其余单元格已锁定，隐藏的系统列请勿改动。"
        "填好后交回，用 minshi progress import 导入。",
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 48


def _header(ws: Worksheet, cols: list[_Column]) -> None:
    """The Chinese column names, and under them (hidden) the CSV names `read_template` uses."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    style = _style()
    for i, col in enumerate(cols, start=1):
        head = ws.cell(HEADER_ROW, i)
        _set(head, col.header)
        head.font = Font(bold=True)
        head.fill = style["input" if col.fill_in else "id" if col.hidden else "header"]
        head.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        head.border = style["border"]
        _set(ws.cell(KEY_ROW, i), col.key or None)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        ws.column_dimensions[letter].hidden = col.hidden
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.row_dimensions[KEY_ROW].hidden = True


def _body(ws: Worksheet, rows: Sequence[SheetRow], cols: list[_Column]) -> None:
    """One row a metric: what stands (locked), what to fill in (unlocked, validated), its ids."""
    from openpyxl.styles import Alignment, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    style = _style()
    unlocked = Protection(locked=False)
    positions = {c.key: i for i, c in enumerate(cols, start=1) if c.key}
    shown = [c for c in cols if not c.key]
    start = min(r.view.notice.notice.period.start for r in rows)
    validations = _validations(DataValidation, start)
    widths = [width(c.header.split("\n")[0]) for c in cols]
    planned = _has_plan(rows)
    returned_column = any(r.returned for r in rows)
    for n, row in enumerate(rows, start=FIRST_ROW):
        values = _shown_values(row, planned, returned_column)
        for i, (col, value) in enumerate(zip(shown, values, strict=True), 1):
            cell = ws.cell(n, i)
            _set(cell, _number_cell(value))
            cell.number_format = "yyyy-mm-dd" if isinstance(value, date) else col.number_format
            cell.alignment = Alignment(wrap_text=col.wrap, vertical="top")
            cell.border = style["border"]
            if value is not None and not col.wrap and col.number_format == "General":
                widths[i - 1] = max(widths[i - 1], width(plain(_number_cell(value))))
        ids = {
            "notice": row.view.notice.id,
            "task": row.view.task.id,
            "metric": row.metric.metric.key,
        }
        for key, value in ids.items():
            cell = ws.cell(n, positions[key])
            _set(cell, value)
            cell.fill = style["id"]
            cell.border = style["border"]
        for col in cols:
            if not col.fill_in:
                continue
            cell = ws.cell(n, positions[col.key])
            cell.border = style["border"]
            cell.number_format = col.number_format
            cell.alignment = Alignment(wrap_text=col.wrap, vertical="top")
            if col.applies(row):
                cell.protection = unlocked
                cell.fill = style["input"]
                validations[col.key].add(cell.coordinate)
            else:
                cell.fill = style["na"]
    for dv in validations.values():
        if dv.sqref:
            ws.add_data_validation(dv)
    for i, col in enumerate(cols, start=1):
        if not col.wrap and not col.hidden:
            ws.column_dimensions[get_column_letter(i)].width = max(col.width, widths[i - 1] + 2)


def _finish(ws: Worksheet, cols: list[_Column]) -> None:
    """Frozen header, A4 landscape print, the sheet protected, the cursor on the first input."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.freeze_panes = ws.cell(FIRST_ROW, 4).coordinate  # header, 序号 · 项目名称 · 指标 stay
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    protection = ws.protection
    protection.sheet = True
    # columns and rows may be resized (Chinese fonts differ); the ids stay locked all the same
    protection.formatColumns = False
    protection.formatRows = False
    first_input = next(i for i, c in enumerate(cols, start=1) if c.fill_in)
    selection = ws.sheet_view.selection[0]
    selection.activeCell = selection.sqref = ws.cell(FIRST_ROW, first_input).coordinate


def _validations(make: Any, start: date) -> dict[str, Any]:
    """One data validation per input column (Excel, WPS and LibreOffice enforce them)."""

    def rule(kind: str, what: str, **kw: Any) -> Any:
        return make(
            type=kind,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="填写有误",
            error=what,
            showInputMessage=True,
            prompt=what,
            **kw,
        )

    first = f"DATE({start.year},{start.month},{start.day})"
    return {
        "value": rule(
            "decimal",
            "填自年初起的累计数（比率类指标填当前的百分数，如 95），不小于 0",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        "date": rule(
            "date",
            f"填日期，如 {start.year}-06-30，不早于 {start.isoformat()}，不晚于今天",
            operator="between",
            formula1=first,
            formula2="TODAY()",
        ),
        "done": rule("list", "选“是”或“否”", formula1='"是,否"'),
        "percent": rule(
            "decimal", "形象进度，0 到 100", operator="between", formula1="0", formula2="100"
        ),
        "stage": rule(
            "textLength",
            f"不超过 {MAX_TEXT} 字",
            operator="lessThanOrEqual",
            formula1=str(MAX_TEXT),
        ),
        "invested": rule(
            "decimal",
            "投资完成额度（万元，累计），不小于 0",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        "allocated": rule(
            "decimal",
            "到位资金（万元，累计），不小于 0",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        "paid": rule(
            "decimal",
            "已支付资金（万元，累计），不小于 0",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        "note": rule(
            "textLength",
            f"不超过 {MAX_TEXT} 字",
            operator="lessThanOrEqual",
            formula1=str(MAX_TEXT),
        ),
    }


def _merge_task_cells(ws: Worksheet, rows: Sequence[SheetRow], cols: list[_Column]) -> None:
    """序号, 项目名称, 上次进展情况 and the investment figures once per task."""
    from openpyxl.utils import get_column_letter

    per_task = [i for i, c in enumerate(cols, start=1) if c.per_task]
    start = 0
    for n in range(1, len(rows) + 1):
        if n == len(rows) or rows[n].first:
            if n - start > 1:
                for i in per_task:
                    letter = get_column_letter(i)
                    ws.merge_cells(f"{letter}{FIRST_ROW + start}:{letter}{FIRST_ROW + n - 1}")
            start = n


def _set(cell: Any, value: Any) -> None:
    """Put a value in a cell; text is always text, never a formula (=, +, -, @ from the data)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True  # shown and edited as text in Excel, WPS and LibreOffice


def fill_in_sheet(rows: Sequence[SheetRow], *, unit: str, as_of: date) -> bytes:
    """The fill-in workbook for `rows`, as the bytes of an .xlsx file."""
    buf = io.BytesIO()
    build_workbook(rows, unit=unit, as_of=as_of).save(buf)
    return buf.getvalue()
