"""The table of tasks: columns recognised by their header words, rows read into `TaskRow`s.

Notices order and name their columns differently (序号 · 项目名称 / 事项名称 · 工作目标任务 /
事项内容 / 主要内容 · 牵头单位 / 责任单位 · 配合单位 · 投资计划 · 备注), so a column is known by
the words of its header, never by its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minshi.errors import DataFileError
from minshi.importer.sources import Document, Row

# Column → what its header says; the first rule that matches a header wins.
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("seq", "序号", ("序号", "编号")),
    ("remark", "备注", ("备注",)),
    ("investment", "投资计划", ("投资计划", "计划投资", "投资估算", "总投资", "年度投资")),
    ("cooperating", "配合单位", ("配合", "协办", "协同")),
    ("lead", "牵头单位/责任单位", ("牵头", "责任单位", "责任部门", "主办", "责任主体")),
    ("name", "项目名称/事项名称", ("名称",)),
    ("target", "工作目标任务/事项内容/主要内容", ("目标", "内容", "任务")),
)
REQUIRED = ("name", "target", "lead")
_EXACT = {"序": "seq", "项目": "name", "事项": "name", "民生实事": "name"}
_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_TOTAL_ROWS = ("合计", "小计", "总计")


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One task as the table has it: cell texts, not yet split or interpreted."""

    number: int
    heading: str | None  # the section heading above it (一、市级重点民生实事)
    name: str
    target_text: str
    lead: str
    cooperating: str = ""
    investment: str = ""
    remark: str = ""
    place: str = ""  # file:line, for messages


@dataclass(slots=True)
class TaskTable:
    title: (
        str | None
    )  # 万州区2024年重点民生实事工作目标任务, when the table or the text above has it
    index: int
    headers: list[str]
    rows: list[TaskRow] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a clerk should check


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def column_of(header: str) -> str | None:
    """The column a header names: "2024年工作目标任务" → "target", "责任单位" → "lead"."""
    words = _squeeze(header)
    if not words:
        return None
    if words in _EXACT:
        return _EXACT[words]
    for column, _label, keys in COLUMNS:
        if column == "investment" and "完成" in words:
            continue  # 投资完成额度 is progress, not the plan
        if any(key in words for key in keys):
            return column
    return None


def _columns(row: Row) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row.cells):
        column = column_of(cell)
        if column is not None and column not in found:
            found[column] = i
    return found


def _distinct(row: Row) -> list[str]:
    return list(dict.fromkeys(c for c in row.cells if c))


def find_table(doc: Document) -> TaskTable:
    """The first table with a header naming the task name, its target and its lead unit."""
    best: tuple[int, list[str]] | None = None  # the fullest header seen, for the message
    for index, rows in enumerate(doc.tables):
        for at, row in enumerate(rows):
            columns = _columns(row)
            if all(c in columns for c in REQUIRED):
                return _read_rows(doc, index, rows, at, columns)
            if "name" in columns and "target" in columns and (best is None or at == 0):
                best = (index, [c for c in row.cells if c])
    labels = {column: label for column, label, _keys in COLUMNS}
    if best is not None:
        header = " · ".join(best[1])
        missing = [c for c in REQUIRED if c not in _columns(Row(best[1]))]
        raise DataFileError(
            f"{doc.path}: the table has no {' or '.join(labels[c] for c in missing)} column "
            f"(its header: {header}); every task needs the unit that leads it"
        )
    raise DataFileError(
        f"{doc.path}: no table of tasks found",
        details=[
            "looked for a header row naming 项目名称 (or 事项名称), 工作目标任务 (or 事项内容, "
            "主要内容) and 牵头单位 (or 责任单位)",
            "a .txt file holds the table one cell per tab-indented line, rows separated by a "
            "blank line, or one row per line with cells separated by tabs",
        ],
    )


def _title_above(doc: Document, index: int, rows: list[Row], header_at: int) -> str | None:
    for row in reversed(rows[:header_at]):  # a title row merged across the table
        cells = _distinct(row)
        if len(cells) == 1:
            return cells[0]
    before = []
    for line in doc.lines:
        if line.table == index:
            break
        if line.table is None and line.text:
            before.append(line.text)
    return before[-1] if before else None


def _read_rows(
    doc: Document, index: int, rows: list[Row], header_at: int, columns: dict[str, int]
) -> TaskTable:
    header = rows[header_at]
    table = TaskTable(_title_above(doc, index, rows, header_at), index, header.cells)
    width = len(header.cells)
    heading: str | None = None
    problems: list[str] = []
    next_number = 1
    seen: set[int] = set()
    for row in rows[header_at + 1 :]:
        cells = _distinct(row)
        if not cells or _columns(row).keys() >= set(REQUIRED):  # blank, or the header repeated
            continue
        if len(cells) == 1 and (len(row.cells) < width or _HEADING.match(cells[0])):
            heading = cells[0]
            table.headings.append(heading)
            continue
        if any(_squeeze(c) in _TOTAL_ROWS for c in row.cells[:2]):
            continue
        required_end = max(columns[c] for c in REQUIRED) + 1
        if required_end <= len(row.cells) < width:  # trailing blank cells lost in copying
            row = Row(row.cells + [""] * (width - len(row.cells)), row.line)
        if len(row.cells) != width:
            problems.append(
                f"{doc.place(row)}: a row of {len(row.cells)} cells under a header of {width} "
                f"({' · '.join(header.cells)}); starts with “{cells[0][:30]}”"
            )
            continue

        values = {c: row.cells[i].strip() for c, i in columns.items()}
        number = _number(values.get("seq", ""), next_number)
        if number in seen:  # each section numbered from 1: number the tasks through
            table.notes.append(
                f"task {next_number}: numbered {number} in the notice (under “{heading}”); "
                f"given id {next_number} so that every task has its own"
            )
            number = next_number
        seen.add(number)
        next_number = max(next_number, number + 1)
        task = TaskRow(
            number=number,
            heading=heading,
            name=values["name"],
            target_text=values["target"],
            lead=values["lead"],
            cooperating=values.get("cooperating", ""),
            investment=values.get("investment", ""),
            remark=values.get("remark", ""),
            place=doc.place(row),
        )
        for column, label, _keys in COLUMNS:
            if column in REQUIRED and not values[column]:
                problems.append(f"{task.place}: task {number}: the {label} cell is empty")
        table.rows.append(task)
    if problems:
        raise DataFileError(
            f"{doc.path}: {len(problems)} row{'s' if len(problems) > 1 else ''} of the table "
            "cannot be read",
            details=problems,
        )
    if not table.rows:
        raise DataFileError(f"{doc.path}: the table of tasks has a header but no tasks under it")
    return table


def _number(text: str, default: int) -> int:
    digits = _squeeze(text).strip(".、．")
    return int(digits) if digits.isdigit() and int(digits) > 0 else default
