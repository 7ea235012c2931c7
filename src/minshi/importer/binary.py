"""Spreadsheets (.xlsx) and PDFs (text layer) as a `Document`: lines and tables of cells.

A merged cell's text stands in every position it covers, as in the other layouts. Both readers
import their library when a file needs it: openpyxl is a dependency, pdfplumber an optional
extra (`pip install 'minshi[pdf]'`), and neither should slow down minshi's start.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from minshi.errors import DataFileError
from minshi.importer.document import Document, Line, Row, cell_text

MAX_CELLS = 200_000  # a notice's table has a few hundred; a sheet far beyond is not a notice
MAX_PAGES = 200


def read_xlsx(path: Path, raw: bytes) -> Document:
    """Every sheet's rows in order; merged cells repeated; the first row's line is its number."""
    from openpyxl import load_workbook  # only for .xlsx files

    try:
        book = load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
    except Exception as e:  # a damaged file raises whatever zipfile or the XML parser raise
        raise DataFileError(f"{path}: not a readable .xlsx file ({type(e).__name__})") from None
    doc = Document(path)
    try:
        for sheet in book.worksheets:
            if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
                raise DataFileError(
                    f"{path}: sheet {sheet.title} has more than {MAX_CELLS:,} cells; "
                    "a notice's table is far smaller"
                )
            values = [[_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for merged in sheet.merged_cells.ranges:
                top = values[merged.min_row - 1][merged.min_col - 1]
                for r in range(merged.min_row, merged.max_row + 1):
                    for c in range(merged.min_col, merged.max_col + 1):
                        values[r - 1][c - 1] = top
            rows: list[Row] = []
            for number, cells in enumerate(values, start=1):
                texts = [cell_text(v) for v in cells]
                while texts and not texts[-1]:
                    texts.pop()
                if not texts:
                    continue
                distinct = list(dict.fromkeys(t for t in texts if t))
                if len(distinct) == 1 and texts.count(distinct[0]) == 1 and texts[0]:
                    doc.lines.append(Line(distinct[0], number))  # a line of text, not a row
                    continue
                rows.append(Row(texts, number))
                doc.lines.extend(Line(t, number, len(doc.tables)) for t in distinct)
            if rows:
                doc.tables.append(rows)
    finally:
        book.close()
    return doc


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_pdf(path: Path, raw: bytes) -> Document:
    """The text layer of a PDF: its lines, and the tables pdfplumber finds on each page."""
    try:
        import pdfplumber  # optional: pip install 'minshi[pdf]'
    except ImportError:
        raise DataFileError(
            f"{path}: reading a PDF needs pdfplumber: pip install 'minshi[pdf]' "
            "(or copy the notice's text into a .txt file)"
        ) from None
    doc = Document(path)
    rows: list[Row] = []
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DataFileError(f"{path}: more than {MAX_PAGES} pages; not a notice")
            for number, page in enumerate(pdf.pages, start=1):
                tables = page.find_tables()
                outside = page.filter(_outside([t.bbox for t in tables]))
                for text in (outside.extract_text() or "").splitlines():
                    doc.lines.append(Line(text.strip(), number))
                for table in tables:
                    rows.extend(_pdf_rows(table.extract(), number, rows))
    except DataFileError:
        raise
    except Exception as e:  # pdfminer raises many kinds of errors on damaged files
        raise DataFileError(f"{path}: not a readable PDF ({type(e).__name__})") from None
    if rows:  # a table continued over pages is one table
        doc.tables.append(rows)
        doc.lines.extend(Line(c, None, 0) for r in rows for c in r.cells if c)
    if not any(line.text for line in doc.lines):
        raise DataFileError(
            f"{path}: the PDF has no text layer (a scan); use the notice's web page or .docx"
        )
    return doc


def _outside(boxes: list[tuple[float, float, float, float]]) -> Any:
    """A filter keeping what stands outside every table's box (the notice's own lines)."""
    return lambda obj: not any(_within(obj, box) for box in boxes)


def _within(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return bool(
        obj.get("x0", 0) >= x0 - 1
        and obj.get("x1", 0) <= x1 + 1
        and obj.get("top", 0) >= top - 1
        and obj.get("bottom", 0) <= bottom + 1
    )


def _pdf_rows(cells: list[list[str | None]], page: int, before: list[Row]) -> list[Row]:
    """pdfplumber gives None for the places a merged cell covers: the text above stands there."""
    out: list[Row] = []
    above = before[-1].cells if before else []
    for raw in cells:
        row = [
            cell_text(c) if c is not None else (above[i] if i < len(above) else "")
            for i, c in enumerate(raw)
        ]
        out.append(Row(row, None, f"page {page}"))
        above = row
    return out
