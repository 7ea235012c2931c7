"""The report's words, shared by every format of it.

The summary sentence ("截至2024年6月30日，21件民生实事中已完成3件…"), money and shares as the
office writes them (万元; 88.76), the subtitle, the columns of the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from minshi.render.labels import SENTENCE_LABELS
from minshi.render.text import percent, plain
from minshi.report import SUMMARY_ORDER, Report, ReportRow, StaleUnit, Totals
from minshi.status import Status


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def money(value: Decimal | None) -> str:
    """万元 as written: 1200.5, 300 (no exponent, no trailing zeros)."""
    return "" if value is None else plain(value)


def share_text(share: Decimal | None) -> str:
    """占比 in percent with two decimals, as the office writes it: 88.76."""
    if share is None:
        return ""
    return str((share * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def counts_text(counts: Mapping[Status, int], labels: Mapping[str, str] = SENTENCE_LABELS) -> str:
    """'已完成3件，超序时进度2件，…' for the statuses that occur."""
    return "，".join(f"{labels[s]}{counts[s]}件" for s in SUMMARY_ORDER if counts.get(s))


def share_clause(totals: Totals, share_word: str) -> str:
    """What follows the invested amount: '，占年度计划50.00%', or, with 计划外 money,
    '，其中计划内500万元、占年度计划50.00%，计划外600万元'; '' without a share."""
    if totals.share is None:
        return ""
    share = f"{share_word}{share_text(totals.share)}%"
    if not totals.unplanned:
        return f"，{share}"
    planned = money(totals.planned_invested)
    return f"，其中计划内{planned}万元、{share}，计划外{money(totals.unplanned_invested)}万元"


def totals_remark(totals: Totals) -> str:
    """备注 of a subtotal or 合计 row: '含计划外投资600万元，占比按计划内500万元计' when the
    row's 投资完成额度 holds money of tasks without a plan; '' otherwise."""
    if not totals.unplanned:
        return ""
    return (
        f"含计划外投资{money(totals.unplanned_invested)}万元，"
        f"占比按计划内{money(totals.planned_invested)}万元计"
    )


def summary_sentence(report: Report) -> str:
    """'截至2024年6月30日，21件民生实事中已完成3件，…；已完成投资…万元，占年度计划…%。'"""
    total, who, category = report.total, report.who, report.category
    head = f"截至{chinese_date(report.as_of)}，"
    if total.tasks == 0:
        return head + f"没有{who}{category}民生实事。"
    text = head + f"{who}{total.tasks}件{category}民生实事中{counts_text(total.counts)}"
    if report.has_investment:
        text += f"；已完成投资{money(total.invested or Decimal(0))}万元"
        if total.invested is None and total.plan:
            text += "，占年度计划0.00%"  # plans, and nothing reported yet
        else:
            text += share_clause(total, "占年度计划")
    if report.unverified:
        text += f"；其中{report.unverified}项数据待审核"
    return text + "。"


def subtitle(report: Report) -> str:
    """'万州府办发〔2024〕18号 · 截至2024年6月30日 · 序时进度50%' (and the scope, if any)."""
    parts = [report.notice.notice.doc_number, f"截至{chinese_date(report.as_of)}"]
    parts.append(f"序时进度{percent(report.expected)}")
    if report.basis == "verified":
        parts.append("按审核通过的数据")
    if report.scope:
        parts.append(report.scope)
    return " · ".join(parts)


def note_text(row: ReportRow) -> str:
    """进展情况 with its date: '（2024-06-28）已开工40个。' — empty when nothing was said."""
    if row.note is None:
        return ""
    return f"（{row.note.date.isoformat()}）{row.note.note.strip()}"


def stale_heading(report: Report) -> str:
    return f"超过{report.stale_days}天未报送进展的牵头单位"


def stale_text(stale: StaleUnit) -> str:
    """'区教委：第3、20项未报送（最近报送2024-05-31）'."""
    ids = "、".join(str(task) for task, _ in stale.tasks)
    last = f"最近报送{stale.last_reported.isoformat()}" if stale.last_reported else "本年度尚未报送"
    return f"{stale.unit}：第{ids}项未报送（{last}）"


def table_headers(report: Report) -> list[str]:
    """The table's columns: the office's nine, with status, metrics and 序时进度 after 责任单位;
    the investment columns only when the data has investment."""
    heads = ["序号", "项目名称", "年度工作目标任务"]
    if report.has_investment:
        heads.append("投资计划(万元)")
    heads += ["责任单位", "完成情况", "序时进度", "状态", "进展情况"]
    if report.has_investment:
        heads += ["投资完成额度(万元)", "占比(%)"]
    heads.append("备注")
    return heads
