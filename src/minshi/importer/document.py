"""A notice as read from its file: its lines and its tables, each row knowing where it was."""

from __future__ import annotations

from pathlib import Path

from minshi.tuples import NamedTuple


class Line(NamedTuple):
    text: str
    number: int | None = None  # 1-based line in a text file
    table: int | None = None  # index of the table the text is a cell of


class Row(NamedTuple):
    cells: list[str]
    line: int | None = None  # where the row starts: a text or HTML file's line, a sheet's row
    where: str = ""  # where it is when a line says nothing: "page 2"


class Document:
    """What a notice file holds, filled in as it is read."""

    def __init__(
        self, path: Path, lines: list[Line] | None = None, tables: list[list[Row]] | None = None
    ) -> None:
        self.path = path
        self.lines: list[Line] = [] if lines is None else lines
        self.tables: list[list[Row]] = [] if tables is None else tables

    def place(self, row: Row) -> str:
        """`notice.txt:58` for a row of a text file, `notice.pdf (page 2)`, else the file name."""
        if row.line:
            return f"{self.path}:{row.line}"
        return f"{self.path} ({row.where})" if row.where else str(self.path)


def cell_text(text: str) -> str:
    """A cell's paragraphs, one a line (a unit a line stays a unit a line); spaces trimmed."""
    parts = (part.strip() for part in text.replace("\xa0", " ").splitlines())
    return "\n".join(part for part in parts if part)
