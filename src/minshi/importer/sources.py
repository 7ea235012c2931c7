"""Reading a published notice into lines of text and tables of cells.

Plain text as copied from a government site (the table flattened to one cell per tab-indented
line or per paragraph, one tab-separated row per line, or numbered paragraphs: see `layouts`),
an HTML page, a Word .docx, a spreadsheet .xlsx and a PDF's text layer (`binary`). Each becomes
a `Document`: its lines in reading order and its tables, merged cells repeated in every position
they cover (as Word and a browser show them).
"""

from __future__ import annotations

import gc
import io
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from minshi.errors import DataFileError, FileAccessError
from minshi.files import NotRegularFile, TooLarge, read_regular
from minshi.importer.binary import read_pdf, read_xlsx
from minshi.importer.document import Document, Line, Row, cell_text
from minshi.importer.layouts import numbered_items, paragraph_table
from minshi.importer.table import column_of

_SECTION = re.compile(r"^[一二三四五六七八九十]+、\S{2,30}$")
MAX_BYTES = 20 * 1024 * 1024  # a notice, even as .docx with images, is far smaller
TEXT_SUFFIXES = frozenset({".txt", ".text", ".tsv", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TOO_OLD = {
    ".doc": "an old Word .doc file: open it in Word or WPS and save it as .docx",
    ".wps": "a WPS file: save it as .docx",
    ".xls": "an old Excel .xls file: open it in Excel or WPS and save it as .xlsx",
    ".et": "a WPS spreadsheet: save it as .xlsx",
}


def read_document(path: Path) -> Document:
    """Read a notice file; DataFileError when it is empty, binary or not a notice layout."""
    # a command runs with the cyclic collector off (`minshi.__main__`); the libraries reading
    # Word, Excel and PDF files build trees full of cycles, as large as the file is
    collecting = gc.isenabled()
    gc.enable()
    try:
        return _read_document(path)
    finally:
        if not collecting:
            gc.disable()


def _read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix in TOO_OLD:
        raise DataFileError(f"{path}: cannot import {TOO_OLD[suffix]}")
    raw = _read_bytes(path)
    if not raw.strip():
        raise DataFileError(f"{path}: the file is empty")
    if raw.startswith(b"%PDF"):
        return read_pdf(path, raw)
    if raw.startswith(b"PK\x03\x04"):
        if suffix in (".docx", ".docm", ".dotx") or b"word/" in raw[:4096]:
            return _read_docx(path, raw)
        if suffix in (".xlsx", ".xlsm") or b"xl/" in raw[:4096]:
            return read_xlsx(path, raw)
        raise DataFileError(f"{path}: a zip archive, not a notice (.txt, .html, .docx, .xlsx)")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(f"{path}: this is {TOO_OLD['.doc']}")
    if suffix in (".docx", ".xlsx", ".pdf"):
        raise DataFileError(f"{path}: not a {suffix} file (it does not open as one)")
    text = _decode(raw, path)
    head = text.lstrip()[:200].lower()
    if suffix in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html", "<?xml")):
        return _read_html(path, text)
    return _read_text(path, text)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read once: every reader parses them from memory (a file swapped for
    a pipe between a check and a second opening would otherwise keep the import waiting)."""
    try:
        return read_regular(path, MAX_BYTES)
    except NotRegularFile:  # a FIFO or a device would block or never end
        raise DataFileError(f"{path}: not a regular file; import a saved notice file") from None
    except TooLarge as e:
        size = f"{e.size / 1024 / 1024:.0f} MB is" if e.size else "it grew while being read:"
        raise DataFileError(
            f"{path}: {size} too large to be a notice (at most {MAX_BYTES // 1024 // 1024} MB)"
        ) from None
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder, not a notice file") from None
    except PermissionError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror}") from None
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror or e}") from None


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:8192]:
        raise DataFileError(f"{path}: a binary file, not the text of a notice")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # what Chinese Windows saves as "ANSI"
    except UnicodeDecodeError as e:
        raise DataFileError(
            f"{path}: neither UTF-8 nor GBK text (byte 0x{raw[e.start]:02x}); save it as UTF-8"
        ) from None


# ---------------------------------------------------------------------------------------------
# Plain text


def _read_text(path: Path, text: str) -> Document:
    """One cell per tab-indented line, rows between blank lines; or a tab-separated row a line."""
    doc = Document(path)
    rows: list[Row] = []
    cells: list[str] = []
    start: int | None = None

    def end_row() -> None:
        nonlocal cells, start
        if cells:
            rows.append(Row(cells, start))
        cells, start = [], None

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n")
        if line.startswith("\t"):  # a cell of its own
            if start is None:
                start = number
            cells.append(line.strip())
            doc.lines.append(Line(line.strip(), number, 0))
        elif "\t" in line.strip():  # a whole row, cells separated by tabs
            end_row()
            rows.append(Row([c.strip() for c in line.split("\t")], number))
            doc.lines.append(Line(line.strip(), number, 0))
        elif rows and _SECTION.match(line.strip()):  # 一、市级重点民生实事 between rows
            end_row()
            rows.append(Row([line.strip()], number))
            doc.lines.append(Line(line.strip(), number, 0))
        else:
            if not line.strip():
                end_row()
            doc.lines.append(Line(line.strip(), number))
    end_row()
    if rows:
        doc.tables.append(rows)
    else:  # no tabs: the table was copied one cell per paragraph, or is a numbered list
        found = paragraph_table(doc.lines, column_of) or numbered_items(doc.lines)
        if found:
            doc.tables.append(found)
            listed = {r.line for r in found}
            doc.lines = [
                Line(line.text, line.number, 0 if line.number in listed else None)
                for line in doc.lines
            ]
    return doc


# ---------------------------------------------------------------------------------------------
# HTML

_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol tr table section article header footer center pre "
    "blockquote hr title dd dt".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "head", "noscript", "template"})


@dataclass(slots=True)
class _Table:
    index: int
    rows: list[list[tuple[str, int, int]]] = field(default_factory=list)  # text, colspan, rowspan
    lines: list[int] = field(default_factory=list)  # the line each row starts on
    cell: list[str] | None = None
    span: tuple[int, int] = (1, 1)


class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.tables: list[_Table] = []
        self._open: list[_Table] = []
        self._text: list[str] = []
        self._skip = 0

    def _flush(self) -> None:
        text = "".join(self._text).strip()
        self._text = []
        if text:
            table = self._open[-1].index if self._open else None
            self.lines.append(Line(" ".join(text.split()), table=table))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
            return
        if tag in _BLOCK_TAGS or tag in ("td", "th"):
            self._flush()
        if tag == "table":
            table = _Table(len(self.tables))
            self.tables.append(table)
            self._open.append(table)
        elif tag == "tr" and self._open:
            self._end_cell()
            self._open[-1].rows.append([])
            self._open[-1].lines.append(self.getpos()[0])
        elif tag in ("td", "th") and self._open:
            self._end_cell()
            table = self._open[-1]
            if not table.rows:
                table.rows.append([])
                table.lines.append(self.getpos()[0])
            found = dict(attrs)
            table.cell = []
            table.span = (_span(found.get("colspan")), _span(found.get("rowspan")))
        elif tag == "br" and self._open and self._open[-1].cell is not None:
            self._open[-1].cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCK_TAGS or tag in ("td", "th"):
            self._flush()
        if tag in ("td", "th", "tr"):
            self._end_cell()
        elif tag == "table" and self._open:
            self._end_cell()
            self._open.pop()
        elif tag in ("p", "div", "li") and self._open and self._open[-1].cell is not None:
            self._open[-1].cell.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        if self._open and self._open[-1].cell is not None:
            self._open[-1].cell.append(data)

    def _end_cell(self) -> None:
        if not self._open:
            return
        table = self._open[-1]
        if table.cell is not None:
            text = "".join(table.cell)
            table.rows[-1].append((cell_text(text), *table.span))
            table.cell = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _grid(rows: list[list[tuple[str, int, int]]], lines: list[int]) -> list[Row]:
    """Expand colspan and rowspan: a merged cell's text stands in every place it covers."""
    grid: list[Row] = []
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    for at, cells in enumerate(rows):
        out: list[str] = []
        queue = deque(cells)
        column = 0
        last = max(pending, default=-1)  # pending only shrinks within a row
        while queue or column <= last:
            if column in pending:
                text, left = pending[column]
                out.append(text)
                if left > 1:
                    pending[column] = (text, left - 1)
                else:
                    del pending[column]
                column += 1
                continue
            if not queue:
                break
            text, colspan, rowspan = queue.popleft()
            for _ in range(colspan):
                out.append(text)
                if rowspan > 1:
                    pending[column] = (text, rowspan - 1)
                column += 1
        grid.append(Row(out, lines[at] if at < len(lines) else None))
    return grid


def _read_html(path: Path, text: str) -> Document:
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    reader._flush()
    return Document(path, reader.lines, [_grid(t.rows, t.lines) for t in reader.tables])


# ---------------------------------------------------------------------------------------------
# Word .docx


def _read_docx(path: Path, raw: bytes) -> Document:
    try:
        import docx  # python-docx
    except ImportError:
        raise DataFileError(
            f"{path}: reading .docx needs python-docx: pip install 'minshi[docx]'"
        ) from None
    try:
        document: Any = docx.Document(io.BytesIO(raw))
    except Exception as e:  # a damaged file raises whatever zipfile or lxml raise
        raise DataFileError(f"{path}: not a readable .docx file ({type(e).__name__}: {e})") from e
    doc = Document(path)
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            index = len(doc.tables)
            # row.cells repeats a merged cell in every column it covers, like _grid does
            rows = [Row([cell_text(c.text) for c in row.cells]) for row in block.rows]
            doc.tables.append(rows)
            doc.lines.extend(Line(c, table=index) for r in rows for c in r.cells if c)
        else:
            for part in block.text.splitlines() or [""]:
                doc.lines.append(Line(part.strip()))
    return doc
