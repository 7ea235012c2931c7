"""The monthly round as a spreadsheet: which rows a unit's fill-in sheet holds, and reading a
filled-in sheet back.

The sheet (written by `render.fill_in`) lays out the metrics a unit answers for with their
current values and keeps the notice, task and metric key in hidden columns, under a hidden row of
the CSV's column names, so that each row maps back to exactly one metric. `read_sheet` turns that
sheet, or any sheet headed with the CSV columns, into submissions for `check_all`: the same rules
as typed and CSV progress, each naming its cell.

openpyxl is imported inside the functions that need it: it costs more than a command's start-up.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi.catalog import Catalog, answers_for
from minshi.days import parse_day
from minshi.errors import DataFileError, InputError, MinshiError
from minshi.followup import MetricView, TaskView, tasks_as_of
from minshi.progress.check import Submission, parse_flag, parse_number
from minshi.progress.csv import (
    COLUMNS,
    MAX_FILE_BYTES,
    OPTIONAL_COLUMNS,
    read_bounded,
    submissions_from_rows,
)
from minshi.store import Basis, ProgressEntry, Store
from minshi.store.entries import awaiting_correction, decimal_text
from minshi.tuples import NamedTuple

SHEET = "进度填报"
HEADER_ROW = 3  # the Chinese column names
KEY_ROW = 4  # hidden: notice, task, metric, value, … as in the CSV
FIRST_ROW = 5
MAX_UNPACKED = 200 * 1024 * 1024  # bytes; a progress sheet is a few kB, a zip bomb is not
HEADER_SEARCH = 20  # rows in which the column-name row is looked for


class SheetRow(NamedTuple):
    """One metric the unit reports on, with where it stands."""

    view: TaskView
    metric: MetricView
    first: bool  # the task's first row (it carries the task's investment)
    returned: ProgressEntry | None = None  # a report the office returned, not yet corrected


def sheet_rows(
    catalog: Catalog,
    store: Store,
    unit: str,
    as_of: date,
    notice: str | None = None,
    basis: Basis = "reported",
) -> list[SheetRow]:
    """The rows of a lead unit's sheet as of a date: the metrics it answers for, task by task
    in the notice's order, each with a report the office returned and the unit must correct.
    InputError when it leads no task."""
    name = catalog.resolve_unit(unit)
    views = tasks_as_of(catalog, store, as_of, notice=notice, lead=name, basis=basis)
    if not views:
        raise InputError(f"{name} leads no task; a template is for a lead unit (see: minshi units)")
    tasks = {v.task.id for v in views}
    log = store.log(notice=notice, tasks=tasks, until=as_of) if tasks else []
    back = {e.key: e for e in awaiting_correction(log)}  # the newest of each metric
    rows: list[SheetRow] = []
    for view in views:
        keys = {m.key for m in answers_for(view.task, name, "lead")}
        mine = [mv for mv in view.metrics if mv.metric.key in keys]
        rows.extend(
            SheetRow(view, mv, i == 0, back.get((view.notice.id, view.task.id, mv.metric.key)))
            for i, mv in enumerate(mine)
        )
    if not rows:
        raise InputError(f"{name} reports on no metric here; nothing to fill in")
    return rows


def default_name(unit: str, as_of: date) -> str:
    """区城市管理局-2024-06.xlsx: the unit and the month of the values."""
    safe = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in unit).strip(". ")
    return f"{safe or 'unit'}-{as_of:%Y-%m}.xlsx"


# ---------------------------------------------------------------------------------------------
# Reading

# what a clerk fills
_FIELDS = ("value", "date", "note", "done", "stage", "percent", "invested", "allocated", "paid")
# the order in which `check_submission` parses the fields, so that a report names the cell whose
# content it refuses first
_PARSED: tuple[tuple[str, Callable[[str, str], object]], ...] = (
    ("date", parse_day),
    ("value", parse_number),
    ("percent", parse_number),
    ("invested", parse_number),
    ("allocated", parse_number),
    ("paid", parse_number),
    ("done", parse_flag),
)


def read_sheet(path: Path) -> list[Submission]:
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
    submissions_from_rows([[_text_of(c) for c in first]], f"{path} ({name})", None)
    raise DataFileError(  # pragma: no cover - the line above refuses any header without task
        f"{path}: no sheet has the columns {','.join(COLUMNS)}"
    )


class _Cell(NamedTuple):
    value: Any
    number_format: str


class Unsettled(NamedTuple):
    """A cell whose value cannot be taken as it stands: a formula no program has computed (a
    sheet written by a script: openpyxl saves no value with a formula), or an error (#REF!)."""

    text: str  # the formula (=B2*2) or the error (#DIV/0!)
    error: bool

    def problem(self) -> str:
        if self.error:
            return f"the formula's result is an error ({self.text}); correct the cell"
        return (
            f"a formula ({self.text}) with no computed value; open the file in Excel, WPS or "
            "LibreOffice and save it, or type the value itself"
        )


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a formula element in a worksheet's XML


def _read_sheets(path: Path) -> list[tuple[str, list[list[_Cell]]]]:
    """Every sheet's cells (values as last computed, `Unsettled` where there is none to take),
    or DataFileError for what is not .xlsx. The file is read once, at most MAX_FILE_BYTES."""
    raw = read_bounded(path, MAX_FILE_BYTES, "a progress sheet (.xlsx)")
    members = _check_container(path, raw)
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        # the formulas themselves, where the file has any: a cell without a value is then
        # known to be a formula nobody computed, not an empty cell
        with_formulas = any(_FORMULA.search(data) for data in members.values())
        fb = load_workbook(io.BytesIO(raw), read_only=True) if with_formulas else None
        sheets = []
        for ws in wb.worksheets:
            if not hasattr(ws, "reset_dimensions"):
                continue  # a chart sheet
            ws.reset_dimensions()  # some writers leave the used range out or wrong
            formulas: Any = fb[ws.title] if fb is not None else None
            if formulas is not None:
                formulas.reset_dimensions()
            rows = [
                [_cell(c, f) for c, f in itertools.zip_longest(row, frow or ())]
                for row, frow in itertools.zip_longest(
                    ws.iter_rows(), formulas.iter_rows() if formulas is not None else ()
                )
                if row is not None
            ]
            sheets.append((ws.title, rows))
        wb.close()
        if fb is not None:
            fb.close()
    except MinshiError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever a broken file makes the reader raise
        raise DataFileError(
            f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {e}); "
            "open it in Excel, WPS or LibreOffice and save it again as .xlsx"
        ) from e
    if not sheets:
        raise DataFileError(f"{path}: the workbook has no worksheet")
    return sheets


def _cell(cell: Any, formula: Any) -> _Cell:
    number_format = getattr(cell, "number_format", None) or "General"
    if cell is None:
        return _Cell(None, number_format)
    if getattr(cell, "data_type", None) == "e":
        return _Cell(Unsettled(str(cell.value), error=True), number_format)
    if cell.value is None and getattr(formula, "data_type", None) == "f":
        text = formula.value if isinstance(formula.value, str) else "=…"
        return _Cell(Unsettled(text, error=False), number_format)
    return _Cell(cell.value, number_format)


def _check_container(path: Path, raw: bytes) -> dict[str, bytes]:
    """Name the usual wrong files (a CSV renamed, an old or encrypted workbook) before parsing;
    the worksheets' XML of one that may be a workbook."""
    head = raw[:8]
    save_again = "save it from Excel, WPS or LibreOffice as .xlsx"
    if not head:
        raise DataFileError(f"{path}: the file is empty, not an .xlsx workbook")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(
            f"{path}: a password-protected or old-style (.xls) workbook; remove the password "
            f"and {save_again}"
        )
    if not head.startswith(b"PK"):
        kind = "a text (CSV?) file" if _looks_like_text(raw) else "not an .xlsx workbook"
        raise DataFileError(f"{path}: {kind}; {save_again}, or import a .csv by its own name")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            if any(m.flag_bits & 0x1 for m in members):
                raise DataFileError(
                    f"{path}: the file is encrypted (password-protected); {save_again}"
                )
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                raise DataFileError(f"{path}: too large to be a progress sheet")
            if "[Content_Types].xml" not in {m.filename for m in members}:
                raise DataFileError(f"{path}: a zip file, but not an .xlsx workbook; {save_again}")
            return {
                m.filename: archive.read(m)
                for m in members
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
            }
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as e:
        raise DataFileError(f"{path}: a damaged .xlsx file ({e}); {save_again}") from e


def _looks_like_text(raw: bytes) -> bool:
    sample = raw[:4096]
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
    if value is None or isinstance(value, Unsettled):  # refused by `_reports` where it counts
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
        return decimal_text(number.normalize()) or "0"
    return str(value)


def _header_row(rows: list[list[_Cell]]) -> int | None:
    """Index of the row of CSV column names (task, value, date …) among the first rows."""
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        names = {_text_of(c).strip().lower() for c in row}
        if {"task", "value", "date"} <= names:
            return i
    return None


def _reports(path: Path, sheet: str, rows: list[list[_Cell]], header_at: int) -> list[Submission]:
    from openpyxl.utils import get_column_letter

    header = [_text_of(c).strip().lower() for c in rows[header_at]]
    fields = {name: i for i, name in enumerate(header) if name in _FIELDS}
    quoted = f"'{sheet}'" if any(ch in sheet for ch in " !'-") else sheet

    def cell_name(row_index: int, column: int) -> str:
        return f"{quoted}!{get_column_letter(column + 1)}{row_index + 1}"

    named = [i for i, name in enumerate(header) if name in (*COLUMNS, *OPTIONAL_COLUMNS)]
    unsettled = [
        f"{cell_name(header_at, i)}: {c.value.problem()}"
        for i, c in enumerate(rows[header_at])
        if isinstance(c.value, Unsettled)
    ]
    kept: list[int] = []  # sheet row index of each data row handed on
    table: list[list[str]] = [header]
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if all(i >= len(row) or _blank(row[i]) for i in fields.values()):
            continue  # nothing filled in: not a report
        unsettled += [
            f"{cell_name(index, i)}: {row[i].value.problem()}"
            for i in named
            if i < len(row) and isinstance(row[i].value, Unsettled)
        ]
        kept.append(index)
        table.append([_text_of(c) for c in row])
    if unsettled:
        n = len(unsettled)
        raise DataFileError(
            f"{path}: {n} cell{'s' if n > 1 else ''} with no value that can be imported; "
            "nothing was imported",
            details=unsettled,
        )
    # each row is named by the cell right of the header's last: where a row too long has more
    labels = {cell_name(index, len(header)): index for index in kept}
    names = list(labels)
    reports = submissions_from_rows(table, f"{path} ({sheet})", lambda n: names[n - 2])
    result = []
    for report in reports:
        index = labels[report.where]
        cells = {f: cell_name(index, i) for f, i in fields.items()}
        result.append(report._replace(where=_blame(report, cells)))
    return result


def _blame(report: Submission, cells: dict[str, str]) -> str:
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
    for name in ("value", "done", "percent", "stage", "invested", "allocated", "paid", "note",
                 "date"):  # fmt: skip
        text = getattr(report, name)
        if name in cells and text is not None and text.strip():
            return cells[name]
    return next(iter(cells.values()))


def check_sheet_path(path: Path) -> Path:
    """`path`, if it names an .xlsx file (the fill-in sheet is a workbook)."""
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"{path}: the template is an Excel file; give a name ending in .xlsx")
    return path
