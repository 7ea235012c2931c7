"""What only a person at a terminal sees: colour, width, progress bars and the history chart.

Piped or written to a file, output is the plain table: no escape codes, nothing truncated. Colour
is a choice of its own (`use_color` honours NO_COLOR); the bars are plain characters and read
fine without it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from minshi.render.labels import ANSI, STATUS_LABELS, amount, reading_text
from minshi.render.text import pad, percent, safe_text, width

if TYPE_CHECKING:
    from minshi.followup import MetricHistory, TaskView


def is_terminal(stream: Any = None) -> bool:
    """Whether a person reads the output (stdout by default)."""
    try:
        return bool((stream or sys.stdout).isatty())
    except (AttributeError, ValueError):
        return False


def use_color(stream: Any = None) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def output_width(stream: Any = None) -> int:
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return max(40, os.get_terminal_size(stream.fileno()).columns)
    except (AttributeError, ValueError, OSError):
        pass
    env = os.environ.get("COLUMNS", "")
    plain = env.isascii() and env.isdigit() and len(env) < 6  # never 5,000 digits
    return int(env) if plain and int(env) >= 40 else 100


def for_stream(text: str, stream: Any = None) -> str:
    """Text as it may be shown: on a terminal, control characters from the data (escape
    sequences, bells) are shown escaped; a pipe or a file gets the text unchanged."""
    if not is_terminal(stream):
        return text
    return safe_text(text.replace("\r\n", "\n"))


def painted(text: str, status: str, color: bool) -> str:
    """`text` in the status's colour when `color`, else as it is."""
    code = ANSI.get(status) if color else None
    return f"\x1b[{code}m{text}\x1b[0m" if code else text


# ---------------------------------------------------------------------------------------------
# Progress bars with the expected position (序时进度) marked

BAR_DONE = "█"
BAR_TODO = "░"
BAR_MARK = "┃"  # where 序时进度 says the bar should have reached
BAR_CELLS = 10  # in tables; each cell is 10 %
NARROW_BAR_CELLS = 5  # in tables on a terminal narrower than WIDE columns
WIDE = 100
CHART_CELLS = 20  # in the history chart; each cell is 5 %
BAR_HEADER = f"进度 {BAR_MARK}序时"


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


def bar_cells() -> int:
    """How many cells a bar in a table has on this terminal."""
    return BAR_CELLS if output_width() >= WIDE else NARROW_BAR_CELLS


def history_chart(view: TaskView, history: Sequence[MetricHistory], *, color: bool = False) -> str:
    """Each reported metric of a task over time (`followup.history`): a line for the last
    report of each month, with a bar, the share of the target, what was reported and the
    status as they stood that day."""
    lines = [f"进度历史（每月最后一次报送；{BAR_MARK} 为当日的序时进度）"]
    for item in history:
        if not item.points and item.metric is not view.task.primary:
            continue
        lines.append(safe_text(_chart_title(view, item.metric.key)))
        if not item.points:
            lines.append("  尚无报送")
            continue
        texts = [safe_text(reading_text(mv.reading, mv.metric.unit)) for _, mv in item.points]
        text_width = max(width(t) for t in texts)
        for (day, mv), text in zip(item.points, texts, strict=True):
            state = mv.state
            drawn = painted(bar(state.progress, state.expected, CHART_CELLS), state.status, color)
            share = pad(percent(state.progress), 4, right=True)
            said = f"  {pad(text, text_width)}" if text_width else ""
            line = f"  {day.isoformat()}  {drawn} {share}{said}  {STATUS_LABELS[state.status]}"
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
