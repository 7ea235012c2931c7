"""Rows as text: aligned tables, CSV, Markdown, JSON, and the values inside them.

A command builds JSON-ready records (the contract in docs/design.md) and a list of `Column`s
saying how to show them flat. Tables are aligned by display width, so that Chinese text (two
columns a character) lines up, and wrap instead of truncating.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from minshi.files import csv_cell, escape_controls
from minshi.tuples import NamedTuple


class Column(NamedTuple):
    header: str
    get: Callable[[dict[str, Any]], Any]
    wrap: bool = False  # may be wrapped to fit the width
    right: bool = False  # numbers
    color: Callable[[dict[str, Any]], str | None] | None = None


def field(header: str, key: str, **kw: Any) -> Column:
    return Column(header, lambda r: r.get(key), **kw)


# ---------------------------------------------------------------------------------------------
# Values


def number(value: Decimal | int | float | None) -> int | float | None:
    """A Decimal as a JSON number: int when whole, else the shortest float that reads back."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value


def plain(value: Any) -> str:
    """A value as text for tables and CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(plain(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else "NaN"
    if isinstance(value, float):
        return plain(Decimal(repr(value))) if value == value else "NaN"  # all its digits
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(obj: Any, *, pretty: bool = True) -> str:
    """JSON text; `pretty` indents it for a person, else one line, written by the C encoder
    (several times faster on a province's worth of tasks)."""
    indent = 2 if pretty else None
    # records are made afresh for each run and never refer to themselves: no cycle to look for
    text = json.dumps(
        obj, ensure_ascii=False, indent=indent, default=_json_default, check_circular=False
    )
    # JSON escapes only U+0000-U+001F itself; DEL, the C1 codes (U+009B is a terminal's CSI)
    # and the bidi controls are escaped too: the same data, never obeyed where it is shown
    return _JSON_CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


_JSON_CONTROLS = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def percent(ratio: float | None) -> str:
    """42%; never 100% for what is not yet complete (99.6% shows as 99%)."""
    if ratio is None:
        return ""
    shown = round(ratio * 100)
    return f"{99 if shown == 100 and ratio < 1 else shown}%"


# ---------------------------------------------------------------------------------------------
# Safety of text from the data


def safe_text(text: str) -> str:
    """Control characters (escape sequences) from the data are shown, never obeyed."""
    return text if text.isprintable() else escape_controls(text.replace("\t", " "))


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    if text.isascii():
        return len(text)
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return total


# a line does not start with these (the rule of Chinese typesetting, 避头点)
NO_LINE_START = frozenset("，。、；：！？）」』》】〕〉”’%％")


def wrap(text: str, limit: int) -> list[str]:
    """Wrap by display width, preferring to break after spaces and Chinese punctuation; a
    line never starts with closing punctuation, and a number or a Latin word stays whole when
    it can."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_width = "", 0
        for ch in paragraph:
            w = width(ch)
            if line_width + w > limit and line:
                cut = max(line.rfind(" "), *(line.rfind(p) for p in "，、；。"))
                if cut < len(line) // 2:
                    cut = _hard_cut(line, ch) - 1
                lines.append(line[: cut + 1].rstrip())
                line = line[cut + 1 :].lstrip()
                line_width = width(line)
            line += ch
            line_width += w
        lines.append(line)
    return lines


def _hard_cut(line: str, following: str) -> int:
    """Where to break a full `line` that `following` does not fit on: at its end, or earlier
    so that a closing mark does not start the next line nor a number break in two."""
    cut = len(line)
    if following in NO_LINE_START and cut > 1:
        cut -= 1  # the character before it goes down with it
    elif following.isascii() and following.isalnum():
        start = cut
        while start > 0 and line[start - 1].isascii() and line[start - 1].isalnum():
            start -= 1
        if start >= len(line) // 2 and start > 0:
            cut = start
    return cut


def wrapped(text: str, indent: int = 0, hang: int = 0, limit: int = 100) -> list[str]:
    """`text` (from the data: shown safely) wrapped to `limit` columns, paragraph by paragraph;
    each first line indented by `indent`, the lines after it by `indent + hang`."""
    lines: list[str] = []
    for paragraph in safe_text(text).split("\n"):
        first = wrap(paragraph, limit - indent)
        lines.append(" " * indent + first[0])
        rest = "".join(first[1:])
        if rest:
            lines += [" " * (indent + hang) + part for part in wrap(rest, limit - indent - hang)]
    return [line.rstrip() for line in lines]


def pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    color: bool = False,
    max_width: int = 100,
) -> str:
    """An aligned text table: header, rule, rows; wrap-able columns shrink to fit."""
    cells = [[safe_text(plain(c.get(r))) for c in columns] for r in records]
    sizes = [width(c.header) for c in columns]
    for row in cells:
        for i, cell in enumerate(row):
            sizes[i] = max(sizes[i], max(width(x) for x in cell.split("\n")))
    gap = 2
    excess = sum(sizes) + gap * (len(columns) - 1) - max_width
    wrappable = [i for i, c in enumerate(columns) if c.wrap]
    while excess > 0 and wrappable:
        widest = max(wrappable, key=lambda i: sizes[i])
        floor = max(width(columns[widest].header), 12)
        if sizes[widest] <= floor:
            wrappable.remove(widest)
            continue
        sizes[widest] -= 1  # one column at a time, so the wide ones shrink together
        excess -= 1
    out = []
    header = (" " * gap).join(pad(c.header, sizes[i], c.right) for i, c in enumerate(columns))
    out.append(header.rstrip())
    out.append((" " * gap).join("─" * s for s in sizes))
    for record, row in zip(records, cells, strict=True):
        parts = [wrap(cell, sizes[i]) for i, cell in enumerate(row)]
        for n in range(max(len(p) for p in parts)):
            line = []
            for i, col in enumerate(columns):
                text = pad(parts[i][n] if n < len(parts[i]) else "", sizes[i], col.right)
                code = col.color(record) if (color and col.color) else None
                line.append(f"\x1b[{code}m{text}\x1b[0m" if code else text)
            out.append((" " * gap).join(line).rstrip())
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Files for spreadsheets and documents


def csv_text(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    import csv  # CSV output only

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for r in records:
        row: list[Any] = []
        for c in columns:
            value = c.get(r)
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                row.append(plain(value))
            else:
                row.append(csv_cell(plain(value)))
        writer.writerow(row)
    return buf.getvalue()


def markdown_cell(text: str) -> str:
    import html  # with its table of entities, for Markdown only

    text = _MARKDOWN_ACTIVE.sub(r"\\\g<0>", html.escape(safe_text(text), quote=False))
    # what starts a block (# heading, - list, 1. list, > quote) only does at the start
    text = _MARKDOWN_BLOCK.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text, count=1)
    return text.replace("\n", "<br>")


# what Markdown acts on anywhere in a line: [links](…), **emphasis**, `code`, ~~strike~~, \, |
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_\[\]~|]")
_MARKDOWN_BLOCK = re.compile(r"\A\s*(?:[#>+=-]|\d+[.)])")


def markdown(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    lines = ["| " + " | ".join(markdown_cell(c.header) for c in columns) + " |"]
    lines.append("| " + " | ".join("---:" if c.right else "---" for c in columns) + " |")
    for r in records:
        lines.append("| " + " | ".join(markdown_cell(plain(c.get(r))) for c in columns) + " |")
    return "\n".join(lines) + "\n"
