"""The report as plain text for mail: every line at most 100 columns, no escape codes."""

from __future__ import annotations

from decimal import Decimal

from minshi.render.circular_words import EARLY_WARNINGS, early_warning_lines
from minshi.render.labels import (
    STATUS_LABELS,
    metric_state_text,
    shown_summary,
    summary_with_status,
)
from minshi.render.report_blocks import report_blocks, text_table, year_paragraph
from minshi.render.report_words import (
    counts_text,
    money,
    share_clause,
    share_text,
    stale_heading,
    stale_text,
    subtitle,
    summary_sentence,
)
from minshi.render.text import pad, percent, safe_text, table, width, wrap
from minshi.report import SUMMARY_ORDER, Report, ReportRow, Totals, attention_by_task

TEXT_WIDTH = 100  # plain text fits a mail client's 100 columns


def _para(text: str, indent: int = 0, hang: int = 0, limit: int = TEXT_WIDTH) -> list[str]:
    """`text` wrapped to `limit` columns; the first line indented by `indent`, the rest by
    `indent + hang`."""
    first = wrap(safe_text(text), limit - indent)
    lines = [" " * indent + first[0]] if first else []
    rest = "".join(first[1:]) if len(first) > 1 else ""
    if rest:
        lines += [" " * (indent + hang) + part for part in wrap(rest, limit - indent - hang)]
    return [line.rstrip() for line in lines]


def _wrapped(text: str, indent: int = 0, hang: int = 0) -> list[str]:
    out: list[str] = []
    for paragraph in safe_text(text).split("\n"):
        out += _para(paragraph, indent, hang)
    return out


def _counts_table(report: Report) -> list[str]:
    cats = [s.category for s in report.sections]
    heads = ["状态", *cats, "合计"]
    rows = []
    for status in SUMMARY_ORDER:
        counts = [s.subtotal.counts[status] for s in report.sections]
        rows.append([STATUS_LABELS[status], *map(str, counts), str(report.total.counts[status])])
    tasks = [str(s.subtotal.tasks) for s in report.sections]
    rows.append(["合计", *tasks, str(report.total.tasks)])
    sizes = [max(width(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    sizes = [max(s, 4) for s in sizes]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, sizes[i], right=i > 0) for i, c in enumerate(cells)).rstrip()

    return [line(heads), "  ".join("─" * s for s in sizes), *(line(r) for r in rows)]


def _money_text(plan: Decimal | None, invested: Decimal | None) -> str:
    """'计划500万元，完成300万元', or '计划未定，完成300万元' when the notice sets no plan."""
    planned = f"计划{money(plan)}万元" if plan is not None else "计划未定"
    return f"{planned}，完成{money(invested) or '0'}万元"


def _totals_line(totals: Totals, investment: bool) -> str:
    text = f"{totals.label}：{totals.tasks}件"
    if totals.tasks:
        text += f"，{counts_text(totals.counts)}"
    if investment:
        text += f"；投资{_money_text(totals.plan, totals.invested)}"
        text += share_clause(totals, "占比")
    return text


def _row_lines(row: ReportRow, investment: bool) -> list[str]:
    task = row.task
    head = f"{task.id}. {task.name}【{STATUS_LABELS[row.status]}】"
    lines = _wrapped(head, 0, len(str(task.id)) + 2)
    body = len(str(task.id)) + 2
    lines += _wrapped(f"责任单位：{'、'.join(task.lead)}", body, 5 * 2)
    lines += _wrapped(f"年度工作目标任务：{task.target_text}", body, 9 * 2)
    lines += _wrapped(f"完成情况（序时进度{percent(row.expected)}）：", body)
    for m in row.metrics:
        lines += _wrapped(
            f"· {m.name}：{summary_with_status(shown_summary(m.view), m.status)}", body + 2, 2
        )
    if row.note is not None:
        note = f"进展情况（{row.note.date.isoformat()}）：{row.note.note.strip()}"
        lines += _wrapped(note, body, 4 * 2)
    if investment and (row.plan is not None or row.invested is not None):
        money_text = f"投资：{_money_text(row.plan, row.invested)}"
        if row.share is not None:
            money_text += f"，占比{share_text(row.share)}%"
        lines += _wrapped(money_text, body, 3 * 2)
    if task.remark:
        lines += _wrapped(f"备注：{task.remark}", body, 3 * 2)
    return lines


def report_text(report: Report) -> str:
    """The report as plain text, every line at most 100 columns, for cron mail."""
    rule = "─" * (TEXT_WIDTH // 2)
    out = _wrapped(report.title)
    out += _wrapped(subtitle(report))
    out += [""]
    out += _wrapped(summary_sentence(report))
    if report.year_end is not None:
        out += ["", *_wrapped(year_paragraph(report))]
    if report.sections:
        out += ["", "按状态统计（件）", *_counts_table(report)]
    for section in report.sections:
        out += ["", rule, *_wrapped(f"{section.heading}（{section.subtotal.tasks}件）"), rule]
        for row in section.rows:
            out += ["", *_row_lines(row, report.has_investment)]
        out += ["", *_wrapped(_totals_line(section.subtotal, report.has_investment))]
    if report.sections:
        out += ["", rule, *_wrapped(_totals_line(report.total, report.has_investment)), rule]
    count = sum(len(g.items) for g in report.attention)
    out += ["", f"逾期及严重滞后（{count}项）"]
    if not report.attention:
        out += ["  无"]
    for group in report.attention:
        out += _wrapped(group.unit, 2)
        for row, lines in attention_by_task(group):
            out += _wrapped(f"{row.task.id}. {row.task.name}", 4, len(str(row.task.id)) + 2)
            for line in lines:
                out += _wrapped(f"· {line.name}：{metric_state_text(line.view)}", 6, 2)
    if report.early_warnings:
        out += ["", f"{EARLY_WARNINGS}（{len(report.early_warnings)}项）"]
        for n, said in enumerate(early_warning_lines(report), start=1):
            out += _wrapped(f"{n}. {said}", 2, len(str(n)) + 2)
    out += ["", f"{stale_heading(report)}（{len(report.stale_units)}个）"]
    if not report.stale_units:
        out += ["  无"]
    for stale in report.stale_units:
        out += _wrapped(stale_text(stale), 2, 2)
    for block in report_blocks(report):
        out += ["", *_wrapped(block.title)]
        for paragraph in block.paragraphs:
            out += _wrapped(paragraph, 2, 0)
        if block.rows:
            records, columns = text_table(block)
            out += table(records, columns, max_width=TEXT_WIDTH).rstrip("\n").split("\n")
    return "\n".join(out) + "\n"
