"""A unit's reminder (提醒) in words: plain text, ready to mail from cron, lines of at most 100
columns. One file per unit for `remind --all`, named after the unit."""

from __future__ import annotations

import re

from minshi.render.circular_words import lagging_text, missing_text, returned_text, warning_text
from minshi.render.labels import metric_summary
from minshi.render.plan_words import day_text, due_what
from minshi.render.report_words import chinese_date
from minshi.render.text import percent, wrapped
from minshi.report import Reminder

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
NUMBERS = "一二三四五六七八九"
NOTHING = "目前没有到期、滞后、被退回或未报送的事项。"


def reminder_text(reminder: Reminder) -> str:
    """The message: who, as of when, then each list that is not empty, numbered."""
    year = reminder.as_of.year
    section = reminder.section
    lists = [
        (
            f"{reminder.within}天内到期",
            [
                f"{day_text(d.day, year)}（还有{d.days_left(reminder.as_of)}天）"
                f"{_named(d.view.task.id, d.view.task.name, d.metric.metric.name)}："
                f"{due_what(d)}，现为{metric_summary(d.metric)}"
                for d in reminder.due
            ],
        ),
        ("滞后", [lagging_text(i) for i in section.lagging]),
        ("按序时但预计不能按期完成", [warning_text(i, reminder.as_of) for i in section.warnings]),
        (
            "被退回的报送",
            [returned_text(r, reminder.notice, year) for r in section.returned],
        ),
        (
            f"{day_text(reminder.since, year)}以来未报送进展",
            [missing_text(m) for m in section.missing],
        ),
    ]
    info = reminder.notice.notice
    out = [f"{reminder.unit}：", ""]
    out += wrapped(
        f"截至{chinese_date(reminder.as_of)}（全年序时进度{percent(reminder.expected)}），"
        "你单位牵头的重点民生实事"
        + ("有以下事项需要办理：" if any(lines for _, lines in lists) else NOTHING)
    )
    n = 0
    for heading, lines in lists:
        if not lines:
            continue
        out += ["", f"{NUMBERS[n]}、{heading}（{len(lines)}项）"]
        for k, line in enumerate(lines, start=1):
            out += wrapped(f"{k}. {line}", 2, len(str(k)) + 2)
        n += 1
    out += ["", *wrapped(f"（{info.title}，{info.doc_number}）")]
    return "\n".join(out) + "\n"


def _named(task: int, name: str, metric: str) -> str:
    return f"第{task}项 {name}" if metric == name else f"第{task}项 {name} · {metric}"


def file_names(units: list[str]) -> list[str]:
    """A file name for each unit's reminder: '区教委.txt'. What a file system would not take (a
    slash, a colon, control characters) is replaced, a name never starts with a dot, and two units
    whose names would meet (also when a file system ignores case) are told apart by a number."""
    names: list[str] = []
    taken: set[str] = set()
    for unit in units:
        base = (_UNSAFE.sub("_", unit).strip().lstrip(".") or "unit")[:100]
        name, n = f"{base}.txt", 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}-{n}.txt"
        taken.add(name.casefold())
        names.append(name)
    return names
