"""How tasks, metrics, journal entries and units look in tables: the columns of each listing.

On a terminal, `list` and `show` add a bar per task or metric with a mark at 序时进度
(`task_columns`, `metric_columns`); piped or written to a file, the table stays plain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from minshi.render.labels import ANSI, ENTRY_STATES, flagged, marked, rating_text, reading_text
from minshi.render.records import rating_record
from minshi.render.terminal import BAR_HEADER, bar, bar_cells, is_terminal
from minshi.render.text import Column, field, percent, safe_text
from minshi.store import ProgressEntry

if TYPE_CHECKING:
    from minshi.progress.rating import RatedTask

Record = dict[str, Any]


def status_color(record: Record) -> str | None:
    return ANSI.get(record.get("status") or "")


def metric_summary(m: Record, named: bool = False) -> str:
    """A metric record's summary ('40/95 个 (42%)'); `named` puts a milestone's name before it,
    where the column does not say which metric it is."""
    text = marked(m["summary"], bool(m.get("pending")))
    return f"{m['name']}：{text}" if named and m["kind"] == "milestone" else text


def task_name(record: Record) -> str:
    """The task's name, marked （票决） when the people's congress voted it."""
    name: str = record["name"]
    return name + ("（票决）" if record.get("voted") else "")


def primary(record: Record) -> Record:
    metrics: list[Record] = record["metrics"]
    return metrics[0]


TASK_COLUMNS = [
    field("序号", "id", right=True),
    Column("项目名称", task_name, wrap=True),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
    Column("主要指标", lambda r: metric_summary(primary(r), named=True), wrap=True),
    Column("序时进度", lambda r: percent(primary(r)["expected"]), right=True),
    Column("状态", lambda r: r["status_label"], color=status_color),
]

TASK_CSV_COLUMNS = [
    field("notice", "notice"),
    field("序号", "id"),
    field("类别", "category"),
    field("项目名称", "name"),
    field("年度工作目标任务", "target_text"),
    Column("牵头单位", lambda r: "、".join(r["lead"])),
    Column(
        "配合单位", lambda r: "、".join(r["cooperating"]) + ("等" if r["cooperating_more"] else "")
    ),
    Column("主要指标", lambda r: metric_summary(primary(r), named=True)),
    Column("序时进度", lambda r: percent(primary(r)["expected"])),
    field("状态", "status_label"),
    field("status", "status"),
    field("最近报送", "last_reported"),
]

METRIC_COLUMNS = [
    field("指标", "name", wrap=True),
    Column("完成情况", metric_summary, wrap=True),
    Column("序时进度", lambda m: percent(m["expected"]), right=True),
    field("截止", "deadline"),
    field("最近报送", "last_reported"),
    Column("状态", lambda m: m["status_label"], color=status_color),
]


def status_flagged(record: Record) -> str:
    """'按序时', or '按序时（预警）' when the metric is forecast to miss its deadline."""
    return flagged(record["status_label"], bool(record.get("early_warning")))


METRIC_ROW_COLUMNS = [
    field("序号", "task", right=True),
    field("项目名称", "task_name", wrap=True),
    field("指标", "name", wrap=True),
    Column("完成情况", metric_summary, wrap=True),
    field("截止", "deadline"),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
    Column("状态", status_flagged, color=status_color),
]

DUE_COLUMNS = [  # the task by its number (序号): the metric's name says more, in little room
    field("到期日", "due"),
    field("剩余天数", "days_left", right=True),
    field("序号", "task", right=True),
    field("指标", "name", wrap=True),
    field("节点", "kind_label"),
    field("要求", "what", wrap=True),
    Column("完成情况", metric_summary, wrap=True),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
]

UNIT_COLUMNS = [
    field("单位", "unit"),
    field("牵头", "lead_count", right=True),
    field("配合", "cooperating_count", right=True),
    Column("牵头事项", lambda r: "、".join(map(str, r["lead"])), wrap=True),
    Column("配合事项", lambda r: "、".join(map(str, r["cooperating"])), wrap=True),
]

CONFIG_COLUMNS = [
    field("setting", "setting"),
    # a rule per line, so that a path (which must not break) sets the column's width
    Column("value", lambda r: str(r["value"]).replace("；", "；\n"), wrap=True),
    field("from", "source", wrap=True),
]


def _with_bar(columns: list[Column], after: str, column: Column) -> list[Column]:
    at = next(i for i, c in enumerate(columns) if c.header == after) + 1
    return [*columns[:at], column, *columns[at:]]


def task_columns(fmt: str = "table") -> list[Column]:
    """The `list` table: with a bar of each task's primary metric on a terminal; every field
    for CSV and Markdown."""
    if fmt in ("csv", "markdown"):
        return TASK_CSV_COLUMNS
    if not is_terminal():
        return TASK_COLUMNS
    cells = bar_cells()
    column = Column(
        BAR_HEADER,
        lambda r: bar(primary(r)["progress"], primary(r)["expected"], cells),
        color=lambda r: ANSI.get(primary(r)["status"] or ""),
    )
    return _with_bar(TASK_COLUMNS, "主要指标", column)


def metric_columns() -> list[Column]:
    """The `show` table of metrics: with a bar per metric on a terminal."""
    if not is_terminal():
        return METRIC_COLUMNS
    cells = bar_cells()
    column = Column(
        BAR_HEADER, lambda m: bar(m["progress"], m["expected"], cells), color=status_color
    )
    return _with_bar(METRIC_COLUMNS, "完成情况", column)


def entry_columns(
    fmt: str, entries: list[ProgressEntry], records: list[Record], task_ref: Callable[[Record], Any]
) -> list[Column]:
    """The `progress log` table (every field, by its name, for CSV and Markdown)."""
    if fmt in ("csv", "markdown"):
        return [field(k, k) for k in records[0]] if records else []
    by_id = {e.id: e for e in entries}

    def shown(r: Record) -> str:
        if r["retracts"]:
            return f"撤回 #{r['retracts']}"
        text = reading_text(by_id[r["id"]], None)
        return f"{text}（已撤回）" if r["retracted_by"] else text

    def checked(r: Record) -> str:
        if r["retracts"] or r["retracted_by"]:
            return ""
        word = ENTRY_STATES[r["state"]]
        return f"{word}：{r['reason']}" if r["state"] == "returned" else word

    def who(r: Record) -> str:
        role = r["written_as"]
        return f"{r['by']}（{role}）" if role and role != r["by"] else r["by"]

    return [
        field("#", "id", right=True),
        field("日期", "date"),
        Column("事项", task_ref),
        field("指标", "metric"),
        Column("数值", shown),
        field("进展情况", "note", wrap=True),
        Column("报送人", who),
        Column("审核", checked, wrap=True),
    ]


def task_heading(record: Record) -> str:
    """The lines above `show`'s table: name, category, status, target text, units, 进展情况."""
    coop = "、".join(record["cooperating"]) + ("等" if record["cooperating_more"] else "")
    kind = record["category"] + ("·票决" if record["voted"] else "")
    lines = [
        f"{record['id']}. {record['name']}  [{kind}]  {record['status_label']}",
        f"年度工作目标任务：{record['target_text']}",
        f"牵头单位：{'、'.join(record['lead'])}",
        f"配合单位：{coop or '—'}",
    ]
    if record["note"]:
        lines.append(f"进展情况（{record['note_date']}）：{record['note']}")
    if closed := record["closed"]:
        note = f"，{closed['note']}" if closed["note"] else ""
        lines.append(f"销号：{closed['date']} {closed['by']}{note}")
        lines += [f"  佐证材料 {e['id']}：{e['name']}" for e in closed["evidence"]]
    if rated := record["rating"]:
        lines.append(f"满意度测评（{rated['date']}）：{rated_text(rated)} → {rated['grade_label']}")
    return safe_text("\n".join(lines)) + "\n\n"


def rated_text(rated: Record) -> str:
    """'满意 42 · 基本满意 6 · 不满意 2' of a rating record (percentages with '%')."""
    return " · ".join(
        f"{label} {_votes(name)(rated)}"
        for label, name in (("满意", "satisfied"), ("基本满意", "basic"), ("不满意", "unsatisfied"))
    )


def rating_row(rated: RatedTask) -> Record:
    """A rated task as `rating list` shows it: the task, and its rating record."""
    record = rating_record(rated.rating, rated.grade) or {}
    return {
        "notice": rated.notice.id,
        "task": rated.task.id,
        "name": rated.task.name,
        "lead": list(rated.task.lead),
        "voted": rated.task.voted,
        **record,
        "votes": rating_text(rated.rating),
    }


def _votes(name: str) -> Callable[[Record], str]:
    def shown(r: Record) -> str:
        votes = r[name]
        text = str(votes) if isinstance(votes, int) else f"{votes:.12g}"
        return text + ("%" if r["percent"] else "")

    return shown


RATING_COLUMNS = [
    field("序号", "task", right=True),
    Column("项目名称", task_name, wrap=True),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
    field("测评日期", "date"),
    Column("满意", _votes("satisfied"), right=True),
    Column("基本满意", _votes("basic"), right=True),
    Column("不满意", _votes("unsatisfied"), right=True),
    Column("满意率", lambda r: f"{r['shares']['satisfied']:.12g}%", right=True),
    field("等次", "grade_label"),
]
RATING_CSV_COLUMNS = [
    field("notice", "notice"),
    field("序号", "task"),
    field("项目名称", "name"),
    Column("牵头单位", lambda r: "、".join(r["lead"])),
    Column("票决", lambda r: "是" if r["voted"] else ""),
    field("测评日期", "date"),
    field("满意", "satisfied"),
    field("基本满意", "basic"),
    field("不满意", "unsatisfied"),
    Column("percent", lambda r: "true" if r["percent"] else "false"),
    field("等次", "grade_label"),
    field("grade", "grade"),
    field("by", "by"),
    field("note", "note"),
]
