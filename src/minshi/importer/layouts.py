"""Tables that text copied from a web page no longer shows as tables.

Two layouts come out of copying a published notice from its page:

- the table flattened to one paragraph per cell, blank lines between them, a cell of several
  units one unit per paragraph (序号 / 民生实事 / 县水务局 / 县住建局 / 12月底前 / 2 / …);
- a list of numbered paragraphs instead of a table, the units in brackets or after the text
  ("1.新建…。(牵头单位:区教委;配合单位:…)", "一、… 责任单位: … 完成时限: 2025年6月").

Each is turned back into rows of cells under a header, so that the table reader reads every
layout the same way. Every row keeps the line it starts on, for review messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from minshi.importer.document import Line, Row
from minshi.quantity import chinese_number

# what a cell holding only units looks like: 县水务局, 区教委, 各乡镇（街道）, 城投集团
_UNIT_END = (
    "局|委|办|中心|部|院|会|组|公司|集团|政府|街道|镇|乡|处|所|站|队|馆|指挥部|社|行|园|"
    "管委会|办事处|联|台|厂|厅|署|中心站|各街道|各乡镇"
)
UNIT_CELL = re.compile(
    rf"^[^，。；;,:：\s]{{1,28}}(?:{_UNIT_END})(?:[（(][^）)]{{1,12}}[）)])?等?$"
)
DEADLINE_CELL = re.compile(
    r"^[^。；;]{0,12}(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月|年底|年内|全年|季度|"
    r"(?:19|20)\d{2}\s*[.\-/年])[^。；;]{0,10}$"
)
_NUMBER_CELL = re.compile(r"^[\d.,，]+$")
_SEQUENCE = re.compile(r"^\d{1,3}$")
_NUMBERED = re.compile(r"^\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．]\s*(\S.*)$")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])"
)
# 牵头单位: / (牵头单位：…；配合单位：…) / 责任单位: … 完成时限: …
_MARKER = re.compile(
    r"[(（]?\s*(牵头单位|牵头部门|主责单位|责任单位|责任部门|配合单位|协同单位|配合部门|完成时限|"
    r"时间节点|完成时间)\s*[:：]\s*"
)
_LEADS = ("牵头单位", "牵头部门", "主责单位")
_OTHERS = ("配合单位", "协同单位", "配合部门")
_RESPONSIBLE = ("责任单位", "责任部门")
_WHEN = ("完成时限", "时间节点", "完成时间")
# the header of the table a list of numbered paragraphs becomes (read by table.column_of)
NUMBERED_HEADER = ["序号", "事项内容", "牵头单位", "配合单位", "完成时限"]


def kind_of_cell(text: str) -> str:
    """units, deadline, number or text: what a paragraph of a flattened row holds."""
    if UNIT_CELL.match(text):
        return "units"
    if DEADLINE_CELL.match(text):
        return "deadline"
    if _NUMBER_CELL.match(text):
        return "number"
    return "text"


def _column_kind(column: str | None) -> str:
    return {
        "lead": "units",
        "cooperating": "units",
        "deadline": "deadline",
        "investment": "number",
    }.get(column or "", "text")


def paragraph_table(lines: list[Line], column_of: Callable[[str], str | None]) -> list[Row] | None:
    """A table flattened to one paragraph per cell, back as rows (None if there is none)."""
    cells = [line for line in lines if line.text]
    header_at = _header_run(cells, column_of)
    if header_at is None:
        return None
    start, end = header_at
    header = [line.text for line in cells[start:end]]
    kinds = [_column_kind(column_of(h)) for h in header]
    rows = [Row(header, cells[start].number)]
    expected = 1
    i = end
    while i < len(cells):
        line = cells[i]
        if _SEQUENCE.match(line.text) and int(line.text) == expected:
            j = i + 1
            while j < len(cells) and not (
                _SEQUENCE.match(cells[j].text) and int(cells[j].text) == expected + 1
            ):
                j += 1
            rows.extend(_rows_of(line, [c.text for c in cells[i + 1 : j]], kinds, cells[i:j]))
            expected += 1
            i = j
        elif _HEADING.match(line.text) and expected > 1:
            rows.append(Row([line.text], line.number))
            i += 1
        else:
            break  # the table ends where the numbering stops
    return rows if len(rows) > 1 else None


def _header_run(
    cells: list[Line], column_of: Callable[[str], str | None]
) -> tuple[int, int] | None:
    """Where a run of header paragraphs (序号 / 民生实事 / 责任单位 / 完成时限) stands."""
    for start in range(len(cells)):
        columns: list[str] = []
        end = start
        while end < len(cells) and len(cells[end].text) <= 12:
            column = column_of(cells[end].text)
            if column is None or column in columns:
                break
            columns.append(column)
            end += 1
        if len(columns) >= 3 and "lead" in columns and ({"name", "target"} & set(columns)):
            if end < len(cells) and _SEQUENCE.match(cells[end].text):
                return start, end
    return None


def _rows_of(seq: Line, texts: list[str], kinds: list[str], lines: list[Line]) -> list[Row]:
    """One numbered row's paragraphs, put into its columns; what is left makes sub-rows."""
    rows: list[Row] = []
    rest = texts
    first = True
    while rest:
        cells = [seq.text if first else ""]
        consumed = 0
        for k, kind in enumerate(kinds[1:], start=1):
            taken = _take(rest[consumed:], kind, last_text=_last_text(kinds, k))
            cells.append("\n".join(taken))
            consumed += len(taken)
        if consumed == 0:  # nothing fits: keep the paragraph rather than loop
            cells[-1] = rest[0]
            consumed = 1
        at = lines[min(len(lines) - 1, len(texts) - len(rest) + 1)].number
        rows.append(Row(cells, seq.number if first else at))
        rest = rest[consumed:]
        first = False
    return rows


def _last_text(kinds: list[str], k: int) -> bool:
    """Whether column k is a text column with no other text column after it before a non-text."""
    return k + 1 >= len(kinds) or kinds[k + 1] != "text"


def _take(texts: list[str], kind: str, *, last_text: bool) -> list[str]:
    if not texts:
        return []
    if kind == "units":
        taken = []
        for text in texts:
            if kind_of_cell(text) != "units":
                break
            taken.append(text)
        return taken
    if kind in ("deadline", "number"):
        return texts[:1] if kind_of_cell(texts[0]) == kind else []
    if kind_of_cell(texts[0]) != "text":
        return []
    if not last_text:
        return texts[:1]
    taken = []
    for text in texts:  # a cell of several paragraphs: 城市用气 / 提升工程
        if kind_of_cell(text) != "text":
            break
        taken.append(text)
    return taken


def numbered_items(lines: list[Line]) -> list[Row] | None:
    """Numbered paragraphs naming their units, as rows under NUMBERED_HEADER (None if none)."""
    blocks: list[tuple[Line, str, list[str]]] = []  # first line, number, texts
    for line in lines:
        m = _NUMBERED.match(line.text) if line.text else None
        if m:
            blocks.append((line, m[1], [m[2]]))
        elif line.text and blocks and not _HEADING.match(line.text):
            blocks[-1][2].append(line.text)
        elif line.text and _HEADING.match(line.text):
            blocks.append((line, "", [line.text]))
    rows = [Row(list(NUMBERED_HEADER), None)]
    tasks = 0
    for line, number, texts in blocks:
        text = "".join(texts)
        parts = _MARKER.split(text)
        if len(parts) < 3 or not number:
            if _HEADING.match(line.text):
                rows.append(Row([line.text], line.number))  # 一、交通出行: a heading
            continue
        if not number.isdigit():  # 一、 二、: tasks numbered in Chinese
            number = str(chinese_number(number) or "")
        fields: dict[str, list[str]] = {}
        for marker, value in zip(parts[1::2], parts[2::2], strict=True):
            fields.setdefault(marker, []).append(_unit_value(value))
        content = parts[0].strip().rstrip("(（").strip()
        leads = [v for m in _LEADS for v in fields.get(m, [])]
        others = [v for m in _OTHERS for v in fields.get(m, [])]
        responsible = [v for m in _RESPONSIBLE for v in fields.get(m, [])]
        if leads:
            others += responsible  # 牵头单位 leads; the 责任单位 beside it take part
        else:
            leads = responsible  # a 责任单位 alone leads
        when = [v for m in _WHEN for v in fields.get(m, [])]
        cells = [number, content, "、".join(leads), "、".join(others), " ".join(when)]
        rows.append(Row(cells, line.number))
        tasks += 1
    return rows if tasks else None


def _unit_value(value: str) -> str:
    """市统计局,各乡镇) → 市统计局,各乡镇: brackets of the list closed, separators dropped."""
    value = value.strip().rstrip("。;；,，").strip()
    while value.endswith((")", "）")) and value.count("(") + value.count("（") < value.count(
        ")"
    ) + value.count("）"):
        value = value[:-1].rstrip("。;；,，").strip()
    return value
