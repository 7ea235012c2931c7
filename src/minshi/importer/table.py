"""The table of tasks: columns recognised by their header words, rows read into `TaskRow`s.

Notices order and name their columns differently (序号 · 项目名称 / 事项名称 / 实事名称 ·
目标任务 / 建设内容 / 事项内容 / 年度目标 · 牵头单位 / 责任单位 / 主责单位 · 配合单位 / 协同单位 ·
投资 / 计划投资 · 完成时限 / 时间节点 · 备注), so a column is known by the words of its header,
never by its position. A task may span several rows (项目名称 merged down over them): its rows are
read as the parts of one task, each with its own target text, units and deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from minshi.errors import DataFileError
from minshi.importer.document import Document, Row

# Column → what its header says; the first rule that matches a header wins.
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("seq", "序号", ("序号", "编号")),
    ("remark", "备注", ("备注",)),
    ("progress", "进展情况", ("进展", "进度", "完成情况", "取得成效", "推进情况")),
    ("leader", "分管领导", ("领导", "监督电话", "资金来源", "业主单位")),
    ("deadline", "完成时限", ("完成时限", "时间节点", "完成时间", "时限", "起止年限", "完成期限")),
    ("investment", "投资计划", ("投资",)),
    ("cooperating", "配合单位", ("配合", "协办", "协同")),
    ("lead", "牵头单位/责任单位", ("牵头", "责任单位", "责任部门", "主办", "责任主体", "主责")),
    ("section", "类别", ("类别", "类型", "领域")),
    ("name", "项目名称/事项名称", ("名称",)),
    ("target", "目标任务/建设内容/事项内容", ("目标", "内容", "任务", "规模")),
)
REQUIRED = ("lead",)  # and a name or a target text
_EXACT = {"序": "seq", "项目": "name", "事项": "name", "民生实事": "name", "实事": "name"}
_ANNUAL = ("当年", "年度", "计划")  # 当年投资 is the year's plan; 总投资 the project's total
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
    deadline: str = ""  # the 完成时限 cell, as written
    # the rows of a task that spans several: (target text, lead, deadline) of each, in order
    parts: tuple[tuple[str, str, str], ...] = ()


@dataclass(slots=True)
class TaskTable:
    title: (
        str | None
    )  # 万州区2024年重点民生实事工作目标任务, when the table or the text above has it
    index: int
    headers: list[str]
    rows: list[TaskRow] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (place, what a clerk checks)
    investment_header: str = ""


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
            return "progress"  # 投资完成额度 is progress, not the plan
        if any(key in words for key in keys):
            return column
    return None


def _columns(row: Row) -> dict[str, int]:
    found: dict[str, int] = {}
    seen: set[str] = set()
    for i, cell in enumerate(row.cells):
        if cell in seen:
            continue  # a header cell merged across columns names the first of them
        seen.add(cell)
        column = column_of(cell)
        if column is None:
            continue
        words = _squeeze(cell)
        if column not in found:
            found[column] = i
        elif column == "investment" and any(w in words for w in _ANNUAL):
            found[column] = i  # 当年投资 rather than 总投资
        elif column == "lead" and "cooperating" not in found:
            # 牵头单位 beside 责任单位: the one named 牵头/主责 leads, the other takes part
            first = _squeeze(row.cells[found["lead"]])
            if any(w in words for w in ("牵头", "主责")) and not any(
                w in first for w in ("牵头", "主责")
            ):
                found["cooperating"], found["lead"] = found["lead"], i
            else:
                found["cooperating"] = i
    return found


def _is_header(columns: dict[str, int]) -> bool:
    return "lead" in columns and ("name" in columns or "target" in columns)


def _distinct(row: Row) -> list[str]:
    return list(dict.fromkeys(c for c in row.cells if c))


def find_table(doc: Document) -> TaskTable:
    """The first table with a header naming the task (its name or target) and its lead unit."""
    best: tuple[int, list[str]] | None = None  # the fullest header seen, for the message
    for index, rows in enumerate(doc.tables):
        for at, row in enumerate(rows):
            columns = _columns(row)
            if _is_header(columns):
                merged = _two_row_header(rows, at)
                if merged is not None:  # 责任单位 over 牵头单位 · 配合单位
                    rows = [*rows[:at], merged, *rows[at + 2 :]]
                    columns = _columns(merged)
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
            "looked for a header naming 项目名称 (or 事项名称, 实事名称) or 目标任务 (or 建设内容, "
            "事项内容), and 牵头单位 (or 责任单位, 主责单位); or numbered paragraphs naming their "
            "units, e.g. “1.新建…（牵头单位：区教委）”",
            "text copied from a web page works as it comes: one cell per line or paragraph",
        ],
    )


def _two_row_header(rows: list[Row], at: int) -> Row | None:
    """A header over two rows (责任单位 merged over 牵头单位 · 配合单位) as one row."""
    if at + 1 >= len(rows):
        return None
    top, below = rows[at].cells, rows[at + 1].cells
    if len(below) != len(top) or below == top:
        return None
    if not all(b == t or (b and column_of(b) is not None) for t, b in zip(top, below, strict=True)):
        return None
    return Row(list(below), rows[at].line, rows[at].where)


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
    if "investment" in columns:
        table.investment_header = header.cells[columns["investment"]]
    width = len(header.cells)
    heading: str | None = None
    problems: list[str] = []
    next_number = 1
    seen: set[int] = set()
    for row in rows[header_at + 1 :]:
        cells = _distinct(row)
        if not cells or _is_header(_columns(row)):  # blank, or the header repeated
            continue
        if len(cells) == 1 and (len(row.cells) < width or _HEADING.match(cells[0])):
            heading = cells[0]
            table.headings.append(heading)
            continue
        if any(_squeeze(c) in _TOTAL_ROWS for c in row.cells[:2]):
            continue
        if len(row.cells) < width:  # trailing blank cells lost in copying
            needed = max(columns[c] for c in columns if c in (*REQUIRED, "name", "target")) + 1
            if len(row.cells) >= needed:
                row = Row(row.cells + [""] * (width - len(row.cells)), row.line, row.where)
        if len(row.cells) != width:
            problems.append(
                f"{doc.place(row)}: a row of {len(row.cells)} cells under a header of {width} "
                f"({' · '.join(header.cells)}); starts with “{cells[0][:30]}”"
            )
            continue
        values = {c: row.cells[i].strip() for c, i in columns.items()}
        for column in ("name", "target", "seq", "investment", "remark", "section"):
            values[column] = _joined(values.get(column, ""))
        if values["section"] and values["section"] != heading:
            heading = values["section"]  # a 类别 column merged down over its tasks
            table.headings.append(heading)
        name, numbered = _numbered_name(values["name"])
        previous = table.rows[-1] if table.rows else None
        if previous is not None and _continues(values, name, previous, "seq" in columns):
            table.rows[-1] = _with_part(previous, values)
            continue
        number = _number(values["seq"] or numbered, next_number)
        place = doc.place(row)
        if number in seen:  # each section numbered from 1: number the tasks through
            table.notes.append(
                (
                    place,
                    f"task {next_number}: numbered {number} in the notice (under “{heading}”); "
                    f"given id {next_number} so that every task has its own",
                )
            )
            number = next_number
        seen.add(number)
        next_number = max(next_number, number + 1)
        target = values["target"] or name
        task = TaskRow(
            number=number,
            heading=heading,
            name=name or derived_name(target),
            target_text=target,
            lead=values["lead"],
            cooperating=values.get("cooperating", ""),
            investment=values["investment"],
            remark=values["remark"],
            place=place,
            deadline=_joined(values.get("deadline", "")),
            parts=((target, values["lead"], _joined(values.get("deadline", ""))),),
        )
        if not values["lead"]:
            problems.append(f"{task.place}: task {number}: the 牵头单位/责任单位 cell is empty")
        if not target:
            problems.append(f"{task.place}: task {number}: the 目标任务 cell is empty")
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


def _joined(cell: str) -> str:
    """A cell of text over several lines, as one: a line break inside Chinese text is no space."""
    return "".join(cell.splitlines())


_NUMBERED_NAME = re.compile(r"^(\d{1,3})[.、．]\s*(\S.*)$")
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")


def _numbered_name(name: str) -> tuple[str, str]:
    """14.改扩建泉山学校 → (改扩建泉山学校, "14"): the number some notices write in the name."""
    m = _NUMBERED_NAME.match(name)
    return (m[2], m[1]) if m else (name, "")


def derived_name(target: str) -> str:
    """A name for a task whose notice gives none: its first clause (新增托位1000个)."""
    first = _CLAUSE_END.split(target, maxsplit=1)[0].strip()
    return first[:40] or target[:40]


def _continues(values: dict[str, str], name: str, previous: TaskRow, numbered: bool) -> bool:
    """A row under a merged 序号/项目名称: another part of the task above."""
    if numbered:  # the table numbers its tasks: a row without a number of its own continues
        return not values["seq"] or _number(values["seq"], -1) == previous.number
    return bool(name) and name == previous.name


def _with_part(task: TaskRow, values: dict[str, str]) -> TaskRow:
    """The task with one more row: its target text, lead and deadline added as a part."""
    target = values["target"]
    lead = values["lead"] or task.parts[-1][1]  # a lead cell merged down: the same unit
    deadline = _joined(values.get("deadline", "")) or task.parts[-1][2]
    leads = "\n".join(dict.fromkeys([*task.lead.splitlines(), *lead.splitlines()]))
    cooperating = values.get("cooperating", "")
    others = "\n".join(dict.fromkeys([*task.cooperating.splitlines(), *cooperating.splitlines()]))
    joined = task.target_text if target in task.target_text else task.target_text + target
    return replace(
        task,
        target_text=joined,
        lead=leads,
        cooperating=others,
        parts=(*task.parts, (target, lead, deadline)) if target else task.parts,
    )


def _number(text: str, default: int) -> int:
    digits = _squeeze(text).strip(".、．")
    plain = digits.isascii() and digits.isdigit() and len(digits) < 10  # never 5,000 digits
    return int(digits) if plain and int(digits) > 0 else default
