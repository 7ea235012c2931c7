"""The circular as one self-contained HTML page: inline CSS, no script, no network, A4 portrait.

Every value from the data goes through `esc`; each lagging metric carries its status's badge.
"""

from __future__ import annotations

from minshi.render.circular_text import ranking, unit_lists
from minshi.render.circular_words import (
    RANK_RULE,
    TABLE_HEADERS,
    chinese_number,
    month_text,
    subtitle,
    summary_sentence,
    unit_heading,
    warning_text,
)
from minshi.render.labels import PALETTE, STATUS_LABELS
from minshi.render.plan_words import escalation_text
from minshi.render.report_html import FONT_STACK, esc
from minshi.report import Circular

CSS = (
    """
@page { size: A4 portrait; margin: 20mm 18mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: FONTS; color: #1f2328; margin: 16px 24px; font-size: 14px; line-height: 1.6; }
h1 { font-size: 22px; margin: 0 0 2px; text-align: center; color: #b91c1c; }
.month { text-align: center; margin: 0; font-size: 15px; }
.sub { text-align: center; color: #57606a; margin: 2px 0 14px; font-size: 12px; }
.summary { background: #f6f8fa; border-left: 4px solid #b91c1c; padding: 8px 12px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 15px; margin: 14px 0 4px; }
h4 { font-size: 14px; margin: 6px 0 2px; color: #57606a; }
.rule { color: #57606a; font-size: 12px; }
table.rank { width: 100%; border-collapse: collapse; }
table.rank th, table.rank td { border: 1px solid #8c959f; padding: 3px 6px; }
table.rank thead th { background: #eaeef2; }
td.num { text-align: right; white-space: nowrap; }
ol { margin: 2px 0 6px; padding-left: 26px; }
.badge { display: inline-block; border-radius: 4px; padding: 0 6px; font-weight: bold;
         white-space: nowrap; margin-right: 4px; }
tr { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; font-size: 12px; } }
""".replace("FONTS", FONT_STACK)
    + "".join(
        f".s-{status} {{ background: #{shade.background}; color: #{shade.ink}; }}\n"
        for status, shade in PALETTE.items()
    )
)
_NUMBERS = (0, 2, 3, 6, 7)  # right-aligned columns of the ranking


def _badge(status: str) -> str:
    return f'<span class="badge s-{status}">{esc(STATUS_LABELS[status])}</span>'


def circular_html(circular: Circular) -> str:
    """The whole page; the same circular always gives the same text."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(circular.title)}（{esc(month_text(circular))}）</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(circular.title)}</h1>",
        f'<p class="month">（{esc(month_text(circular))}）</p>',
        f'<p class="sub">{esc(subtitle(circular))}</p>',
        f'<p class="summary">{esc(summary_sentence(circular))}</p>',
        "<h2>一、滞后单位排名</h2>",
        f'<p class="rule">{esc(RANK_RULE)}</p>',
    ]
    if circular.units:
        out += ['<table class="rank">', "<thead><tr>"]
        out += [f"<th>{esc(h)}</th>" for h in TABLE_HEADERS]
        out += ["</tr></thead>", "<tbody>"]
        for row in ranking(circular):
            cells = [
                f'<td class="num">{esc(c)}</td>' if i in _NUMBERS else f"<td>{esc(c)}</td>"
                for i, c in enumerate(row)
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
        out += ["</tbody>", "</table>"]
    else:
        out.append("<p>无</p>")
    out.append("<h2>二、各单位情况</h2>")
    if not circular.units:
        out.append("<p>无</p>")
    for n, section in enumerate(circular.units, start=1):
        out.append(f"<h3>（{chinese_number(n)}）{esc(unit_heading(section))}</h3>")
        badges = iter([_badge(i.status) for i in section.lagging])
        for heading, lines in unit_lists(section, circular):
            out += [f"<h4>{esc(heading)}</h4>", "<ol>"]
            lagging = heading.startswith("滞后指标")
            out += [f"<li>{next(badges) if lagging else ''}{esc(line)}</li>" for line in lines]
            out.append("</ol>")
    part = 3
    if circular.warnings:
        out.append(f"<h2>{chinese_number(part)}、其他单位的预警</h2>")
        for section in circular.warnings:
            out += [f"<h4>{esc(section.unit)}</h4>", "<ol>"]
            out += [f"<li>{esc(warning_text(i, circular.as_of))}</li>" for i in section.warnings]
            out.append("</ol>")
        part += 1
    out += [
        f"<h2>{chinese_number(part)}、处置规则</h2>",
        f"<p>{esc(escalation_text(circular.rules))}</p>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
