"""The circular as plain text for mail (every line at most 100 columns) and as Markdown."""

from __future__ import annotations

from collections.abc import Callable

from minshi.render.circular_words import (
    RANK_RULE,
    TABLE_HEADERS,
    chinese_number,
    lagging_text,
    missing_text,
    month_text,
    returned_text,
    subtitle,
    summary_sentence,
    table_row,
    unit_heading,
    warning_text,
)
from minshi.render.plan_words import escalation_text
from minshi.render.text import Column, markdown_cell, table
from minshi.render.text import wrapped as _wrapped
from minshi.report import Circular, UnitSection


def unit_lists(section: UnitSection, circular: Circular) -> list[tuple[str, list[str]]]:
    """A unit's lists, each with its heading: '滞后指标（3项）' and the lines under it; only
    those that are not empty."""
    year = circular.as_of.year
    lists = [
        ("滞后指标", [lagging_text(i) for i in section.lagging]),
        ("按序时但预计不能按期完成", [warning_text(i, circular.as_of) for i in section.warnings]),
        ("本月未报送进展", [missing_text(m) for m in section.missing]),
        ("被退回的报送", [returned_text(r, circular.notice, year) for r in section.returned]),
    ]
    return [(f"{name}（{len(lines)}项）", lines) for name, lines in lists if lines]


def ranking(circular: Circular) -> list[list[str]]:
    return [table_row(n, s) for n, s in enumerate(circular.units, start=1)]


def circular_text(circular: Circular) -> str:
    """The circular for cron mail: sections numbered as the office numbers them."""
    out = _wrapped(circular.title)
    out += _wrapped(f"（{month_text(circular)}）")
    out += _wrapped(subtitle(circular))
    out += ["", *_wrapped(summary_sentence(circular))]
    out += ["", "一、滞后单位排名", *_wrapped(RANK_RULE, 2), ""]
    if circular.units:
        columns = [
            Column(h, lambda r, h=h: r[h], right=i in (0, 2, 3, 6, 7))  # type: ignore[misc]
            for i, h in enumerate(TABLE_HEADERS)
        ]
        rows = [dict(zip(TABLE_HEADERS, row, strict=True)) for row in ranking(circular)]
        out += ["  " + line for line in table(rows, columns, max_width=98).splitlines()]
    else:
        out += ["  无"]
    out += ["", "二、各单位情况"]
    if not circular.units:
        out += ["  无"]
    for n, section in enumerate(circular.units, start=1):
        out += ["", *_wrapped(f"（{chinese_number(n)}）{unit_heading(section)}")]
        for heading, lines in unit_lists(section, circular):
            out += _wrapped(f"{heading}：", 2)
            for k, line in enumerate(lines, start=1):
                out += _wrapped(f"{k}. {line}", 4, len(str(k)) + 2)
    part = 3
    if circular.warnings:
        out += ["", f"{chinese_number(part)}、其他单位的预警"]
        for section in circular.warnings:
            out += ["", *_wrapped(f"{section.unit}：", 2)]
            for k, item in enumerate(section.warnings, start=1):
                out += _wrapped(f"{k}. {warning_text(item, circular.as_of)}", 4, len(str(k)) + 2)
        part += 1
    out += ["", f"{chinese_number(part)}、处置规则", *_wrapped(escalation_text(circular.rules), 2)]
    return "\n".join(out) + "\n"


def circular_markdown(circular: Circular) -> str:
    """The circular as Markdown: every value from the data escaped."""
    md: Callable[[str], str] = markdown_cell
    out = [f"# {md(circular.title)}", "", f"（{md(month_text(circular))}）", ""]
    out += [md(subtitle(circular)), "", md(summary_sentence(circular)), ""]
    out += ["## 一、滞后单位排名", "", md(RANK_RULE), ""]
    if circular.units:
        out += ["| " + " | ".join(TABLE_HEADERS) + " |"]
        out += ["|" + "".join(" ---: |" if i in (0, 2, 3, 6, 7) else " --- |" for i in range(8))]
        out += ["| " + " | ".join(md(c) for c in row) + " |" for row in ranking(circular)]
    else:
        out += ["无"]
    out += ["", "## 二、各单位情况", ""]
    if not circular.units:
        out += ["无", ""]
    for n, section in enumerate(circular.units, start=1):
        out += [f"### （{chinese_number(n)}）{md(unit_heading(section))}", ""]
        for heading, lines in unit_lists(section, circular):
            out += [f"**{md(heading)}**", ""]
            out += [f"{k}. {md(line)}" for k, line in enumerate(lines, start=1)]
            out += [""]
    part = 3
    if circular.warnings:
        out += [f"## {chinese_number(part)}、其他单位的预警", ""]
        for section in circular.warnings:
            out += [f"**{md(section.unit)}**", ""]
            out += [
                f"{k}. {md(warning_text(item, circular.as_of))}"
                for k, item in enumerate(section.warnings, start=1)
            ]
            out += [""]
        part += 1
    out += [f"## {chinese_number(part)}、处置规则", "", md(escalation_text(circular.rules))]
    return "\n".join(out) + "\n"
