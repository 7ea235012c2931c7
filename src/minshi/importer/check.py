"""What a notice says now that a reviewed draft does not: `import-notice FILE --check DRAFT`.

The draft is the office's reviewed data file; the notice is imported again and the two are
compared on what the notice itself states: which tasks there are, their names, target texts,
units, investment, and the numbers and deadlines of their targets. Keys, metric names and
categories are the clerk's choices, so they are not compared.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from minshi.catalog.validate import read_notice
from minshi.models import Notice, Task

_FIELDS = ("name", "target_text", "lead", "cooperating", "investment_plan")


def compare(reviewed: Notice, fresh: Notice) -> list[str]:
    """One line per difference, in task order; empty when the draft says what the notice says."""
    mine = {t.id: t for t in reviewed.tasks}
    theirs = {t.id: t for t in fresh.tasks}
    lines: list[str] = []
    for task_id in sorted(mine.keys() | theirs.keys()):
        old, new = mine.get(task_id), theirs.get(task_id)
        if old is None and new is not None:
            lines.append(f"task {task_id}: new in the notice: {new.name}")
        elif new is None and old is not None:
            lines.append(f"task {task_id}: no longer in the notice: {old.name}")
        elif old is not None and new is not None:
            lines.extend(f"task {task_id}: {line}" for line in _task_changes(old, new))
    return lines


def _task_changes(old: Task, new: Task) -> list[str]:
    changes = []
    for name in _FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(f"{name}: {_shown(before)} → {_shown(after)}")
    before_targets, after_targets = _targets(old), _targets(new)
    for target in sorted((before_targets - after_targets).elements()):
        changes.append(f"target {target} is no longer in the notice")
    for target in sorted((after_targets - before_targets).elements()):
        changes.append(f"target {target} is new in the notice")
    if _deadlines(old) != _deadlines(new):
        changes.append(f"deadlines: {_shown(_deadlines(old))} → {_shown(_deadlines(new))}")
    return changes


def _targets(task: Task) -> Counter[str]:
    return Counter(
        f"{_number(m.target)} {m.unit or ''} {m.comparator or ''}".strip()
        for m in task.metrics
        if m.target is not None
    )


def _deadlines(task: Task) -> list[str]:
    return sorted({m.deadline.isoformat() for m in task.metrics if m.deadline is not None})


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if value is None:
        return "—"
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def read_reviewed(path: Path) -> Notice:
    """The reviewed draft, read and checked the way `minshi validate` reads it."""
    return read_notice(path).notice
