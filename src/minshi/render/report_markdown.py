"""The report as Markdown: the same sections as the text, the table as a Markdown table.

Every value from the data is escaped: no live link, emphasis or markup comes from a note.
"""

from __future__ import annotations

from minshi.render.circular_words import EARLY_WARNINGS, early_warning_lines
from minshi.render.labels import STATUS_LABELS, metric_state_text, shown_summary
from minshi.render.report_blocks import report_blocks, text_table, year_paragraph
from minshi.render.report_words import (
    counts_text,
    money,
    note_text,
    share_text,
    stale_heading,
    stale_text,
    subtitle,
    summary_sentence,
    table_headers,
    totals_remark,
)
from minshi.render.text import markdown, markdown_cell, percent
from minshi.report import SUMMARY_ORDER, Report, Totals, attention_by_task


def _md(text: str) -> str:
    return markdown_cell(text)


def report_markdown(report: Report) -> str:
    investment = report.has_investment
    out = [
        f"# {_md(report.title)}",
        "",
        _md(subtitle(report)),
        "",
        _md(summary_sentence(report)),
        "",
    ]
    if report.year_end is not None:
        out += [_md(year_paragraph(report)), ""]
    if report.sections:
        cats = [s.category for s in report.sections]
        out += ["## 按状态统计（件）", ""]
        out += ["| 状态 | " + " | ".join(cats) + " | 合计 |"]
        out += ["| --- |" + " ---: |" * (len(cats) + 1)]
        for status in SUMMARY_ORDER:
            counts = [str(s.subtotal.counts[status]) for s in report.sections]
            total = report.total.counts[status]
            out.append(f"| {STATUS_LABELS[status]} | " + " | ".join(counts) + f" | {total} |")
        tasks = [str(s.subtotal.tasks) for s in report.sections]
        out += ["| 合计 | " + " | ".join(tasks) + f" | {report.total.tasks} |", ""]

        heads = table_headers(report)
        out += ["## 目标任务及推进情况", ""]
        out += ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]

        def cells(values: list[str]) -> str:
            return "| " + " | ".join(values) + " |"

        def totals(t: Totals) -> str:
            values = ["", f"**{_md(t.heading)}**", ""]
            values += [money(t.plan)] if investment else []
            values += ["", "", "", "", _md(counts_text(t.counts))]
            values += [money(t.invested), share_text(t.share)] if investment else []
            return cells([*values, _md(totals_remark(t))])

        for section in report.sections:
            out.append(cells([f"**{_md(section.heading)}**", *[""] * (len(heads) - 1)]))
            for row in section.rows:
                values = [str(row.task.id), _md(row.task.name), _md(row.task.target_text)]
                values += [money(row.plan)] if investment else []
                values += [
                    _md("、".join(row.task.lead)),
                    "<br>".join(_md(f"{m.name}：{shown_summary(m.view)}") for m in row.metrics),
                    percent(row.expected),
                    STATUS_LABELS[row.status],
                    _md(note_text(row)),
                ]
                values += [money(row.invested), share_text(row.share)] if investment else []
                out.append(cells([*values, _md(row.task.remark or "")]))
            out.append(totals(section.subtotal))
        out += [totals(report.total), ""]

    count = sum(len(g.items) for g in report.attention)
    out += [f"## 逾期及严重滞后（{count}项）", ""]
    if not report.attention:
        out += ["无", ""]
    for group in report.attention:
        out += [f"### {_md(group.unit)}", ""]
        for row, lines in attention_by_task(group):
            out += [f"- {row.task.id}. {_md(row.task.name)}"]
            out += [f"  - {_md(line.name)}：{_md(metric_state_text(line.view))}" for line in lines]
        out += [""]
    if report.early_warnings:
        out += [f"## {EARLY_WARNINGS}（{len(report.early_warnings)}项）", ""]
        out += [f"{n}. {_md(line)}" for n, line in enumerate(early_warning_lines(report), 1)]
        out += [""]
    out += [f"## {stale_heading(report)}（{len(report.stale_units)}个）", ""]
    out += [f"- {_md(stale_text(s))}" for s in report.stale_units] or ["无"]
    for block in report_blocks(report):
        out += ["", f"## {_md(block.title)}", ""]
        out += [_md(paragraph) for paragraph in block.paragraphs]
        if block.rows:
            records, columns = text_table(block)
            out += ["", markdown(records, columns).rstrip("\n")]
    return "\n".join(out) + "\n"
