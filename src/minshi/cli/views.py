"""How tasks and metrics look in tables (columns, short texts); shared by the listing commands.

On a terminal, `list` and `show` add a bar per task or metric with a mark at 序时进度, and `show`
adds the history as a chart; piped or written to a file, the output stays the plain table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from minshi.followup import amount
from minshi.render import (
    STATUS_COLORS,
    Column,
    field,
    output_width,
    pad,
    percent,
    safe_text,
    width,
)
from minshi.status import STATUS_LABELS

if TYPE_CHECKING:
    from minshi.followup import MetricView, TaskView
    from minshi.store.base import ProgressEntry


def status_color(record: dict[str, Any]) -> str | None:
    return STATUS_COLORS.get(record.get("status") or "")


def metric_summary(m: dict[str, Any], named: bool = False) -> str:
    """A metric record's summary ('40/95 个 (42%)', followup.metric_summary); `named` puts a
    milestone's name before it, where the column does not say which metric it is."""
    text: str = m["summary"]
    return f"{m['name']}：{text}" if named and m["kind"] == "milestone" else text


def primary(record: dict[str, Any]) -> dict[str, Any]:
    metrics: list[dict[str, Any]] = record["metrics"]
    return metrics[0]


TASK_COLUMNS = [
    field("序号", "id", right=True),
    field("项目名称", "name", wrap=True),
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

METRIC_ROW_COLUMNS = [
    field("序号", "task", right=True),
    field("项目名称", "task_name", wrap=True),
    field("指标", "name", wrap=True),
    Column("完成情况", metric_summary, wrap=True),
    field("截止", "deadline"),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
    Column("状态", lambda r: r["status_label"], color=status_color),
]


# ---------------------------------------------------------------------------------------------
# On a terminal: progress bars with the expected position (序时进度) marked

BAR_DONE = "█"
BAR_TODO = "░"
BAR_MARK = "┃"  # where 序时进度 says the bar should have reached
BAR_CELLS = 10  # in tables; each cell is 10 %
NARROW_BAR_CELLS = 5  # in tables on a terminal narrower than WIDE columns
WIDE = 100
CHART_CELLS = 20  # in the history chart; each cell is 5 %


def on_terminal(stream: Any = None) -> bool:
    """Whether a person reads the output: bars and charts then, the plain table otherwise.

    Colour is a separate choice (`render.use_color`, which honours NO_COLOR): the bars are plain
    characters and read fine without it.
    """
    from minshi.render import is_terminal

    return is_terminal(stream)


def bar(progress: float | None, expected: float | None, cells: int = BAR_CELLS) -> str:
    """'████░░┃░░░░': progress filled (full at 100 % and beyond), ┃ at 序时进度.

    The mark sits between cells, so the bar is `cells` + 1 wide whatever the values.
    """

    def cells_of(ratio: float | None) -> int:
        return 0 if ratio is None else int(min(max(ratio, 0.0), 1.0) * cells + 0.5)

    done = cells_of(progress)
    body = BAR_DONE * done + BAR_TODO * (cells - done)
    at = cells_of(expected)
    return body[:at] + BAR_MARK + body[at:]


def _primary_color(record: dict[str, Any]) -> str | None:
    return STATUS_COLORS.get(primary(record)["status"] or "")


BAR_HEADER = f"进度 {BAR_MARK}序时"


def _bar_cells() -> int:
    return BAR_CELLS if output_width() >= WIDE else NARROW_BAR_CELLS


def _with_bar(columns: list[Column], after: str, column: Column) -> list[Column]:
    at = next(i for i, c in enumerate(columns) if c.header == after) + 1
    return [*columns[:at], column, *columns[at:]]


def task_columns(terminal: bool | None = None) -> list[Column]:
    """The `list` table: with a bar of each task's primary metric on a terminal."""
    if not (on_terminal() if terminal is None else terminal):
        return TASK_COLUMNS
    cells = _bar_cells()
    column = Column(
        BAR_HEADER,
        lambda r: bar(primary(r)["progress"], primary(r)["expected"], cells),
        color=_primary_color,
    )
    return _with_bar(TASK_COLUMNS, "主要指标", column)


def metric_columns(terminal: bool | None = None) -> list[Column]:
    """The `show` table of metrics: with a bar per metric on a terminal."""
    if not (on_terminal() if terminal is None else terminal):
        return METRIC_COLUMNS
    cells = _bar_cells()
    column = Column(
        BAR_HEADER, lambda m: bar(m["progress"], m["expected"], cells), color=status_color
    )
    return _with_bar(METRIC_COLUMNS, "完成情况", column)


def history_chart(
    view: TaskView,
    entries: Iterable[ProgressEntry],
    as_of: date,
    *,
    color: bool = False,
    cells: int = CHART_CELLS,
) -> str:
    """Each reported metric of a task over time: a line for the last report of each month, with
    a bar, the share of the target, what was reported and the status as they stood that day.

    `entries` is the task's journal; retractions and what they took back are left out, and each
    line is judged by the same rules as `show` on that day.
    """
    from minshi.followup import Journal, evaluate_task

    notice, task = view.notice, view.task
    standing = sorted(
        (
            e
            for e in entries
            if (e.notice, e.task) == (notice.id, task.id)
            and e.date <= as_of
            and not e.is_retraction
            and not e.is_retracted
        ),
        key=lambda e: (e.date, e.id),
    )
    # per metric and month, its last report: {key: {(year, month): (day, view)}}
    months: dict[str, dict[tuple[int, int], tuple[date, MetricView]]] = {
        m.key: {} for m in task.metrics
    }
    latest: dict[tuple[str, int, str], ProgressEntry] = {}
    for n, entry in enumerate(standing):
        latest[entry.key] = entry
        day = entry.date
        if n + 1 < len(standing) and standing[n + 1].date == day:
            continue  # evaluate once the day's reports are all in
        for mv in evaluate_task(notice, task, Journal(latest, {}, {}), day).metrics:
            if mv.reading is not None and mv.reading.date == day:  # reported that day
                months[mv.metric.key][(day.year, day.month)] = (day, mv)

    lines = [f"进度历史（每月最后一次报送；{BAR_MARK} 为当日的序时进度）"]
    for metric in task.metrics:
        points = list(months[metric.key].values())
        if not points and metric is not task.primary:
            continue
        lines.append(safe_text(_chart_title(view, metric.key)))
        if not points:
            lines.append("  尚无报送")
            continue
        texts = [safe_text(_reading_text(mv)) for _, mv in points]
        text_width = max(width(t) for t in texts)
        for (day, mv), text in zip(points, texts, strict=True):
            state = mv.state
            drawn = bar(state.progress, state.expected, cells)
            code = STATUS_COLORS.get(state.status) if color else None
            if code:
                drawn = f"\x1b[{code}m{drawn}\x1b[0m"
            share = pad(percent(state.progress), 4, right=True)
            said = f"  {pad(text, text_width)}" if text_width else ""
            label = STATUS_LABELS[state.status]
            line = f"  {day.isoformat()}  {drawn} {share}{said}  {label}"
            lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def _chart_title(view: TaskView, key: str) -> str:
    metric = next(m for m in view.task.metrics if m.key == key)
    if metric.kind == "milestone":
        return f"{metric.name}（形象进度）"
    target = next(mv.state.target for mv in view.metrics if mv.metric.key == key)
    goal = amount(target) if target is not None else "待定"
    return f"{metric.name}（目标 {goal} {metric.unit or ''}）".replace(" %", "%").replace(
        " ）", "）"
    )


def _reading_text(mv: MetricView) -> str:
    """What was reported: '40 个', '85%', '已完成', '主体完工'."""
    state, reading = mv.state, mv.reading
    if mv.metric.kind == "milestone":
        if state.status == "done":
            return "已完成"
        return (reading.stage if reading else None) or ""
    if state.actual is None:
        return "—"
    return f"{amount(state.actual)} {mv.metric.unit or ''}".replace(" %", "%").rstrip()
