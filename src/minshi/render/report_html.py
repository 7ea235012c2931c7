"""The report as one self-contained HTML page: inline CSS, no script, no network, A4 landscape.

Every value from the data goes through `esc` (HTML-escaped, control characters shown), so a note
reading `<script>` is printed, never run. Colours follow the status: blue done, green on track or
ahead, yellow behind, red far behind or overdue, grey not yet measurable.
"""

from __future__ import annotations

import html

from minshi.render.circular_words import EARLY_WARNINGS, early_warning_lines
from minshi.render.labels import (
    PALETTE,
    STATUS_LABELS,
    metric_state_text,
    shown_summary,
)
from minshi.render.report_blocks import Block, Cell, cell_text, report_blocks, year_paragraph
from minshi.render.report_words import (
    counts_text,
    money,
    share_text,
    stale_heading,
    stale_text,
    subtitle,
    summary_sentence,
    table_headers,
    totals_remark,
)
from minshi.render.text import percent, safe_text
from minshi.report import (
    SUMMARY_ORDER,
    MetricLine,
    Report,
    ReportRow,
    Totals,
    attention_by_task,
)

FONT_STACK = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif'

CSS = (
    """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: FONTS; color: #1f2328; margin: 16px 20px; font-size: 13px;
       line-height: 1.45; }
h1 { font-size: 20px; margin: 0 0 4px; text-align: center; }
h2 { font-size: 16px; margin: 22px 0 8px; border-bottom: 2px solid #d0d7de; padding-bottom: 3px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
.sub { text-align: center; color: #57606a; margin: 0 0 12px; }
.summary { font-size: 14px; background: #f6f8fa; border-left: 4px solid #1d4ed8;
           padding: 8px 12px; margin: 0 0 10px; }
.counts { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 12px; padding: 0; }
.chip { list-style: none; border-radius: 12px; padding: 2px 10px; font-size: 12px; }
.chip b { font-size: 14px; margin-left: 4px; }
table.main { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.main th, table.main td { border: 1px solid #8c959f; padding: 4px 5px;
                               vertical-align: top; word-break: break-all; }
table.main thead th { background: #eaeef2; font-weight: bold; text-align: center; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.cat th { background: #f6f8fa; text-align: left; font-size: 14px; }
tr.total td { background: #eaeef2; font-weight: bold; }
tr.subtotal td { background: #f6f8fa; font-weight: bold; }
td.num { text-align: right; white-space: nowrap; }
td.center { text-align: center; }
td.target, td.note { font-size: 12px; }
.date { color: #57606a; }
.metric { margin: 0 0 5px; }
.metric:last-child { margin-bottom: 0; }
.mname { font-size: 12px; }
.mval { white-space: nowrap; font-weight: bold; }
.bar { position: relative; height: 8px; background: #e5e7eb; border-radius: 4px;
       margin-top: 2px; }
.fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; }
.mark { position: absolute; top: -3px; bottom: -3px; width: 2px; margin-left: -1px;
        background: #1f2328; }
.badge { display: inline-block; border-radius: 4px; padding: 1px 6px; font-weight: bold;
         white-space: nowrap; }
ul { margin: 4px 0 8px; padding-left: 22px; }
table.block { width: 100%; border-collapse: collapse; margin: 6px 0; }
table.block th, table.block td { border: 1px solid #8c959f; padding: 4px 5px; vertical-align: top;
                                 word-break: break-all; }
table.block thead th { background: #eaeef2; }
table.block tr.total td { background: #eaeef2; font-weight: bold; }
.year { font-size: 14px; background: #f6f8fa; border-left: 4px solid #15803d;
        padding: 8px 12px; margin: 0 0 10px; }
footer { margin-top: 18px; color: #57606a; font-size: 11px; border-top: 1px solid #d0d7de;
         padding-top: 4px; }
@media print {
  body { margin: 0; font-size: 10px; }
  h1 { font-size: 16px; }
  .summary { font-size: 11px; }
  td.target, td.note, .mname { font-size: 9px; }
}
""".replace("FONTS", FONT_STACK)
    + "".join(
        f".s-{status} {{ background: #{shade.background}; color: #{shade.ink}; }}\n"
        f".fill.s-{status} {{ background: #{shade.bar}; }}\n"
        for status, shade in PALETTE.items()
    )
)

# relative column widths (the table is fixed-layout), by header
_WIDTHS = {
    "序号": 3,
    "项目名称": 9,
    "年度工作目标任务": 17,
    "投资计划(万元)": 6,
    "责任单位": 8,
    "完成情况": 17,
    "序时进度": 5,
    "状态": 6,
    "进展情况": 15,
    "投资完成额度(万元)": 6,
    "占比(%)": 5,
    "备注": 6,
}


def esc(value: object) -> str:
    """Any value as HTML text: escaped, control characters made visible."""
    return html.escape(safe_text("" if value is None else str(value)), quote=True)


def _badge(status: str) -> str:
    return f'<span class="badge s-{status}">{esc(STATUS_LABELS[status])}</span>'


def _bar(line: MetricLine) -> str:
    progress = line.progress if line.status != "done" else 1.0
    filled = min(max(progress or 0.0, 0.0), 1.0) * 100
    expected = min(max(line.expected, 0.0), 1.0) * 100
    title = f"序时进度{percent(line.expected)}"
    return (
        f'<div class="bar" title="{esc(title)}">'
        f'<span class="fill s-{line.status}" style="width:{filled:.1f}%"></span>'
        f'<span class="mark" style="left:{expected:.1f}%"></span></div>'
    )


def _metric(line: MetricLine) -> str:
    return (
        f'<div class="metric"><div class="mname">{esc(line.name)}：'
        f'<span class="mval">{esc(shown_summary(line.view))}</span></div>{_bar(line)}</div>'
    )


def _row(row: ReportRow, investment: bool) -> str:
    task = row.task
    cells = [
        f'<td class="num">{task.id}</td>',
        f"<td>{esc(task.name)}</td>",
        f'<td class="target">{esc(task.target_text)}</td>',
    ]
    if investment:
        cells.append(f'<td class="num">{esc(money(row.plan))}</td>')
    note = ""
    if row.note is not None:
        note = f'<span class="date">{esc(row.note.date.isoformat())}</span> {esc(row.note.note)}'
    cells += [
        f"<td>{esc('、'.join(task.lead))}</td>",
        f"<td>{''.join(_metric(m) for m in row.metrics)}</td>",
        f'<td class="num">{esc(percent(row.expected))}</td>',
        f'<td class="center">{_badge(row.status)}</td>',
        f'<td class="note">{note}</td>',
    ]
    if investment:
        cells.append(f'<td class="num">{esc(money(row.invested))}</td>')
        cells.append(f'<td class="num">{esc(share_text(row.share))}</td>')
    cells.append(f"<td>{esc(task.remark or '')}</td>")
    return f'<tr class="task" data-status="{row.status}">' + "".join(cells) + "</tr>"


def _totals(totals: Totals, investment: bool, css: str) -> str:
    cells = ["<td></td>", f"<td>{esc(totals.heading)}</td>", "<td></td>"]
    if investment:
        cells.append(f'<td class="num">{esc(money(totals.plan))}</td>')
    cells += ["<td></td>", "<td></td>", "<td></td>", "<td></td>"]
    cells.append(f"<td>{esc(counts_text(totals.counts))}</td>")
    if investment:
        cells.append(f'<td class="num">{esc(money(totals.invested))}</td>')
        cells.append(f'<td class="num">{esc(share_text(totals.share))}</td>')
    cells.append(f"<td>{esc(totals_remark(totals))}</td>")
    return f'<tr class="{css}">' + "".join(cells) + "</tr>"


def _table(report: Report) -> list[str]:
    heads = table_headers(report)
    investment = report.has_investment
    out = ['<table class="main">', "<colgroup>"]
    out += [f'<col style="width:{_WIDTHS[h]}%">' for h in heads]
    out += ["</colgroup>", "<thead><tr>"]
    out += [f"<th>{esc(h)}</th>" for h in heads]
    out += ["</tr></thead>", "<tbody>"]
    for section in report.sections:
        out.append(f'<tr class="cat"><th colspan="{len(heads)}">{esc(section.heading)}</th></tr>')
        out += [_row(row, investment) for row in section.rows]
        out.append(_totals(section.subtotal, investment, "subtotal"))
    out.append(_totals(report.total, investment, "total"))
    out += ["</tbody>", "</table>"]
    return out


def _block(block: Block) -> list[str]:
    """A section after the table: its title, paragraphs and table (with a 合计 row)."""
    out = [f'<h2 id="{block.key}">{esc(block.title)}</h2>']
    out += [f"<p>{esc(paragraph)}</p>" for paragraph in block.paragraphs]
    if not block.rows:
        return out

    def cells(row: list[Cell]) -> str:
        return "".join(
            f'<td class="num">{esc(cell_text(v, c.kind))}</td>'
            if c.kind != "text"
            else f"<td>{esc(cell_text(v, c.kind))}</td>"
            for v, c in zip(row, block.columns, strict=True)
        )

    out += [f'<table class="block {block.key}">', "<thead><tr>"]
    out += [f"<th>{esc(c.header)}</th>" for c in block.columns]
    out += ["</tr></thead>", "<tbody>"]
    out += [f"<tr>{cells(row)}</tr>" for row in block.rows]
    if block.total:
        out.append(f'<tr class="total">{cells(block.total)}</tr>')
    return [*out, "</tbody>", "</table>"]


def report_html(report: Report) -> str:
    """The whole page; the same report always gives the same text."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}（截至{esc(report.as_of.isoformat())}）</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="sub">{esc(subtitle(report))}</p>',
        f'<p class="summary">{esc(summary_sentence(report))}</p>',
    ]
    if report.year_end is not None:
        out.append(f'<p class="year">{esc(year_paragraph(report))}</p>')
    if report.sections:
        out.append('<ul class="counts">')
        for status in SUMMARY_ORDER:
            count = report.total.counts[status]
            out.append(
                f'<li class="chip s-{status}">{esc(STATUS_LABELS[status])}<b>{count}</b></li>'
            )
        out.append("</ul>")
        out += _table(report)

    count = sum(len(g.items) for g in report.attention)
    out.append(f'<h2 id="attention">逾期及严重滞后（{count}项）</h2>')
    if not report.attention:
        out.append("<p>无</p>")
    for group in report.attention:
        out += [f"<h3>{esc(group.unit)}</h3>", "<ul>"]
        for row, lines in attention_by_task(group):
            out += [f"<li>{row.task.id}. {esc(row.task.name)}<ul>"]
            out += [
                f"<li>{_badge(line.status)} {esc(line.name)}："
                f"{esc(metric_state_text(line.view))}</li>"
                for line in lines
            ]
            out.append("</ul></li>")
        out.append("</ul>")
    if report.early_warnings:
        count = len(report.early_warnings)
        out += [f'<h2 id="early-warnings">{esc(EARLY_WARNINGS)}（{count}项）</h2>', "<ol>"]
        out += [f"<li>{esc(line)}</li>" for line in early_warning_lines(report)]
        out.append("</ol>")
    out.append(f'<h2 id="stale">{esc(stale_heading(report))}（{len(report.stale_units)}个）</h2>')
    if report.stale_units:
        out += ["<ul>", *(f"<li>{esc(stale_text(s))}</li>" for s in report.stale_units), "</ul>"]
    else:
        out.append("<p>无</p>")
    for block in report_blocks(report):
        out += _block(block)
    info = report.notice.notice
    out += [
        f"<footer>{esc(info.title)}（{esc(info.doc_number)}） · "
        f"数据截至{esc(report.as_of.isoformat())} · "
        "进度条上的竖线为序时进度</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
