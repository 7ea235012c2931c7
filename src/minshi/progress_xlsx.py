"""The monthly round as a spreadsheet: a fill-in sheet for one lead unit, and reading it back.

`write_template` lays out the unit's metrics with their current values, locks every cell but the
ones to fill in, and keeps the notice, task and metric key in hidden columns (under a hidden row
of the same column names as the CSV), so that each row maps back to exactly one metric.
`read_template` turns that sheet, or any sheet headed with the CSV columns, into `Report`s for
`progress_io.check_all`: the same rules as typed and CSV progress, each report naming its cell.

openpyxl is imported inside the functions that need it: it costs more than a command's start-up.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minshi.errors import DataFileError, FileAccessError, InputError, MinshiError
from minshi.followup import MetricView, TaskView
from minshi.models import Metric, Task
from minshi.progress_io import (
    COLUMNS,
    MAX_TEXT,
    Report,
    parse_day,
    parse_flag,
    parse_number,
    reports_from_rows,
)
from minshi.render import plain, width
from minshi.status import STATUS_LABELS

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = "进度填报"
HEADER_ROW = 3  # the Chinese column names
KEY_ROW = 4  # hidden: notice, task, metric, value, … as in the CSV
FIRST_ROW = 5
MAX_UNPACKED = 200 * 1024 * 1024  # bytes; a progress sheet is a few kB, a zip bomb is not
HEADER_SEARCH = 20  # rows in which the column-name row is looked for

# fills: what to fill in, what does not apply to this row, the header
INPUT_FILL = "FFF2CC"
NOT_APPLICABLE_FILL = "EDEDED"
HEADER_FILL = "D9E1F2"
ID_FILL = "F2F2F2"


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One metric the unit reports on, with where it stands."""

    view: TaskView
    metric: MetricView
    first: bool  # the task's first row (it carries the task's investment)


def reported_metrics(task: Task, unit: str) -> list[Metric]:
    """The metrics `unit` reports: its own part of a split target, never another unit's part,
    never a sum of parts (that is computed); every other metric when it leads the task."""
    sums = {m.parent for m in task.metrics if m.parent}
    chosen = []
    for metric in task.metrics:
        if metric.key in sums:
            continue
        if metric.owner == unit or (metric.owner is None and unit in task.lead):
            chosen.append(metric)
    return chosen


def template_rows(views: Sequence[TaskView], unit: str) -> list[TemplateRow]:
    """The rows of `unit`'s sheet, task by task in the notice's order."""
    rows: list[TemplateRow] = []
    for view in views:
        keys = {m.key for m in reported_metrics(view.task, unit)}
        mine = [mv for mv in view.metrics if mv.metric.key in keys]
        rows.extend(TemplateRow(view, mv, first=i == 0) for i, mv in enumerate(mine))
    return rows


def default_name(unit: str, as_of: date) -> str:
    """区城市管理局-2024-06.xlsx: the unit and the month of the values."""
    safe = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in unit).strip(". ")
    return f"{safe or 'unit'}-{as_of:%Y-%m}.xlsx"


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    key: str = ""  # the CSV column it maps to ("" for what is only shown)
    width: float = 10
    fill_in: bool = False  # an input column
    wrap: bool = False
    hidden: bool = False
    per_task: bool = False  # shown once per task (merged over its rows)
    number_format: str = "General"
    # for an input column: whether this row takes it (others are locked and greyed)
    applies: Callable[[TemplateRow], bool] = lambda row: True


def _is_milestone(row: TemplateRow) -> bool:
    return row.metric.metric.kind == "milestone"


def _has_plan(rows: Sequence[TemplateRow]) -> bool:
    return any(r.view.task.investment_plan is not None for r in rows)


def _columns(rows: Sequence[TemplateRow], as_of: date) -> list[_Column]:
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
    cols += [
        _Column("已报投资\n（万元）", width=11, per_task=True),
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
        _Column("进展情况", "note", width=40, fill_in=True, wrap=True),
        _Column("notice（系统列，勿改）", "notice", width=16, hidden=True),
        _Column("task（系统列，勿改）", "task", width=8, hidden=True),
        _Column("metric（系统列，勿改）", "metric", width=18, hidden=True),
    ]
    return cols


def _shown_values(row: TemplateRow, planned: bool) -> list[Any]:
    """The values of the shown columns, in `_columns` order."""
    view, mv = row.view, row.metric
    metric, state = mv.metric, mv.state
    if metric.kind == "milestone":
        reading = mv.reading
        if state.status == "done":
            current: Any = "已完成"
        elif reading is not None and (reading.percent is not None or reading.stage):
            bits = [f"{plain(reading.percent)}%" if reading.percent is not None else ""]
            current = "，".join(b for b in [*bits, reading.stage or ""] if b)
        else:
            current = None
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
    return values


def _number_cell(value: Any) -> Any:
    """Decimals as numbers a spreadsheet keeps (int when whole)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def build_template(rows: Sequence[TemplateRow], *, unit: str, as_of: date) -> Any:
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
    ws: Worksheet, rows: Sequence[TemplateRow], cols: list[_Column], *, unit: str, as_of: date
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


def _body(ws: Worksheet, rows: Sequence[TemplateRow], cols: list[_Column]) -> None:
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
    for n, row in enumerate(rows, start=FIRST_ROW):
        for i, (col, value) in enumerate(zip(shown, _shown_values(row, planned), strict=True), 1):
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
        "note": rule(
            "textLength",
            f"不超过 {MAX_TEXT} 字",
            operator="lessThanOrEqual",
            formula1=str(MAX_TEXT),
        ),
    }


def _merge_task_cells(ws: Worksheet, rows: Sequence[TemplateRow], cols: list[_Column]) -> None:
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


def write_template(
    path: Path, rows: Sequence[TemplateRow], *, unit: str, as_of: date, force: bool = False
) -> None:
    """Write the fill-in sheet to `path` (.xlsx) at once; an existing file only with `force`."""
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"{path}: the template is an Excel file; give a name ending in .xlsx")
    if not rows:
        raise InputError(f"{unit} reports on no metric here; nothing to fill in")
    import io

    from minshi.files import write_file

    buf = io.BytesIO()
    build_template(rows, unit=unit, as_of=as_of).save(buf)
    write_file(path, buf.getvalue(), replace=force)


# ---------------------------------------------------------------------------------------------
# Reading

_FIELDS = ("value", "date", "note", "done", "stage", "percent", "invested")  # what a clerk fills
# the order in which `progress_io.check` parses the fields, so that a report names the cell whose
# content it refuses first
_PARSED: tuple[tuple[str, Callable[[str, str], object]], ...] = (
    ("date", parse_day),
    ("value", parse_number),
    ("percent", parse_number),
    ("invested", parse_number),
    ("done", parse_flag),
)


def read_template(path: Path) -> list[Report]:
    """The reports in a filled-in template, or in any sheet headed with the CSV columns.

    Rows where nothing is filled in are skipped; each report's `where` names its sheet and the
    cell to look at ("进度填报!M7"). A file that is not a readable .xlsx is a DataFileError.
    """
    sheets = _read_sheets(path)
    for name, rows in sheets:
        header_at = _header_row(rows)
        if header_at is not None:
            return _reports(path, name, rows, header_at)
    name, rows = sheets[0]
    first = next((r for r in rows if any(_blank(c) is False for c in r)), None)
    if first is None:
        raise DataFileError(f"{path}: the sheet {name} is empty")
    reports_from_rows([[_text_of(c) for c in first]], f"{path} ({name})", None)
    raise DataFileError(  # pragma: no cover - the line above refuses any header without task
        f"{path}: no sheet has the columns {','.join(COLUMNS)}"
    )


@dataclass(frozen=True, slots=True)
class _Cell:
    value: Any
    number_format: str


def _read_sheets(path: Path) -> list[tuple[str, list[list[_Cell]]]]:
    """Every sheet's cells (values as last computed), or DataFileError for what is not .xlsx."""
    _check_container(path)
    try:
        from openpyxl import load_workbook

        # opened here, so that the file is closed however the reader fails
        with path.open("rb") as stream:
            wb = load_workbook(stream, read_only=True, data_only=True)
            sheets = []
            for ws in wb.worksheets:
                if not hasattr(ws, "reset_dimensions"):
                    continue  # a chart sheet
                ws.reset_dimensions()  # some writers leave the used range out or wrong
                rows = [
                    [_Cell(c.value, getattr(c, "number_format", None) or "General") for c in row]
                    for row in ws.iter_rows()
                ]
                sheets.append((ws.title, rows))
            wb.close()
    except MinshiError:
        raise
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror or e}") from e
    except Exception as e:  # noqa: BLE001 - whatever a broken file makes the reader raise
        raise DataFileError(
            f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {e}); "
            "open it in Excel, WPS or LibreOffice and save it again as .xlsx"
        ) from e
    if not sheets:
        raise DataFileError(f"{path}: the workbook has no worksheet")
    return sheets


def _check_container(path: Path) -> None:
    """Name the usual wrong files (a CSV renamed, an old or encrypted workbook) before parsing."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror or e}") from e
    save_again = "save it from Excel, WPS or LibreOffice as .xlsx"
    if not head:
        raise DataFileError(f"{path}: the file is empty, not an .xlsx workbook")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(
            f"{path}: a password-protected or old-style (.xls) workbook; remove the password "
            f"and {save_again}"
        )
    if not head.startswith(b"PK"):
        kind = "a text (CSV?) file" if _looks_like_text(path) else "not an .xlsx workbook"
        raise DataFileError(f"{path}: {kind}; {save_again}, or import a .csv by its own name")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise DataFileError(f"{path}: a damaged .xlsx file ({e}); {save_again}") from e
    if any(m.flag_bits & 0x1 for m in members):
        raise DataFileError(f"{path}: the file is encrypted (password-protected); {save_again}")
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise DataFileError(f"{path}: too large to be a progress sheet")
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise DataFileError(f"{path}: a zip file, but not an .xlsx workbook; {save_again}")


def _looks_like_text(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            sample = f.read(4096)
    except OSError:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "\x00" not in text
    return False


def _blank(cell: _Cell) -> bool:
    return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def _text_of(cell: _Cell) -> str:
    """A cell as the text `progress_io` parses: dates as YYYY-MM-DD, numbers exactly as shown."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in cell.number_format:  # 60% typed in Excel is stored as 0.6
            number *= 100
        return plain(number)
    return str(value)


def _header_row(rows: list[list[_Cell]]) -> int | None:
    """Index of the row of CSV column names (task, value, date …) among the first rows."""
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        names = {_text_of(c).strip().lower() for c in row}
        if {"task", "value", "date"} <= names:
            return i
    return None


def _reports(path: Path, sheet: str, rows: list[list[_Cell]], header_at: int) -> list[Report]:
    from openpyxl.utils import get_column_letter

    header = [_text_of(c).strip().lower() for c in rows[header_at]]
    fields = {name: i for i, name in enumerate(header) if name in _FIELDS}
    quoted = f"'{sheet}'" if any(ch in sheet for ch in " !'-") else sheet

    def cell_name(row_index: int, column: int) -> str:
        return f"{quoted}!{get_column_letter(column + 1)}{row_index + 1}"

    kept: list[int] = []  # sheet row index of each data row handed on
    table: list[list[str]] = [header]
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if all(i >= len(row) or _blank(row[i]) for i in fields.values()):
            continue  # nothing filled in: not a report
        kept.append(index)
        table.append([_text_of(c) for c in row])
    reports = reports_from_rows(table, f"{path} ({sheet})", lambda n: str(n - 2))
    result = []
    for report in reports:
        index = kept[int(report.where)]
        cells = {f: cell_name(index, i) for f, i in fields.items()}
        result.append(dataclasses.replace(report, where=_blame(report, cells)))
    return result


def _blame(report: Report, cells: dict[str, str]) -> str:
    """The cell a problem with `report` is most likely in, for the message that names it."""
    for name, parse in _PARSED:
        text = getattr(report, name)
        if text is None or not text.strip():
            continue
        try:
            parsed = parse(text, name)
        except InputError:
            return cells[name]
        if name == "date" and isinstance(parsed, date) and parsed > date.today():
            return cells[name]
    for name in ("value", "done", "percent", "stage", "invested", "note", "date"):
        text = getattr(report, name)
        if name in cells and text is not None and text.strip():
            return cells[name]
    return next(iter(cells.values()))
