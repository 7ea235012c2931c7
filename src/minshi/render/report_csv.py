"""The report's table as CSV: one row per task, then the subtotals and 合计, the same columns
whatever the data; text a spreadsheet would run is neutralised."""

from __future__ import annotations

from typing import Any

from minshi.quantity import share_of
from minshi.rating import GRADE_LABELS
from minshi.render.labels import STATUS_LABELS, shown_summary
from minshi.render.report_blocks import remaining_text
from minshi.render.report_words import counts_text, share_text, totals_remark
from minshi.render.text import Column, csv_text
from minshi.report import Report, Totals


def _table_records(report: Report) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    year_end_cells = _year_end_cells(report)
    for section in report.sections:
        for row in section.rows:
            records.append(
                {
                    "id": row.task.id,
                    "category": row.task.category,
                    "name": row.task.name,
                    "target_text": row.task.target_text,
                    "plan": row.plan,
                    "lead": "、".join(row.task.lead),
                    "metrics": "；".join(f"{m.name}：{shown_summary(m.view)}" for m in row.metrics),
                    "expected": round(row.expected * 100),
                    "status": STATUS_LABELS[row.status],
                    "status_code": row.status,
                    "note": row.note.note.strip() if row.note else "",
                    "note_date": row.note.date.isoformat() if row.note else "",
                    "invested": row.invested,
                    "share": share_text(row.share) or None,
                    "remark": row.task.remark or "",
                    "voted": "是" if row.task.voted else "",
                    "allocated": row.view.allocated,
                    "allocation_rate": share_text(share_of(row.view.allocated, row.plan)) or None,
                    "paid": row.view.paid,
                    "payment_rate": share_text(share_of(row.view.paid, row.view.allocated)) or None,
                    **year_end_cells.get(row.task.id, {}),
                }
            )
        records.append(_totals_csv(section.subtotal, section.category))
    if report.sections:
        records.append(_totals_csv(report.total, ""))
    if report.sections and report.funds is not None:
        t = report.funds.total
        records[-1].update(
            allocated=t.allocated,
            allocation_rate=share_text(t.allocation_rate) or None,
            paid=t.paid,
            payment_rate=share_text(t.payment_rate) or None,
        )
    return records


def _year_end_cells(report: Report) -> dict[int, dict[str, Any]]:
    """Per task, at the year's end: its grade and what carries over ('新开工改造老旧小区：7个')."""
    year = report.year_end
    if year is None:
        return {}
    cells: dict[int, dict[str, Any]] = {}
    for rated in year.ratings:
        cells.setdefault(rated.row.task.id, {})["grade"] = GRADE_LABELS[rated.grade]
    for item in year.carry_over:
        said = cells.setdefault(item.row.task.id, {}).get("carry_over")
        this = f"{item.line.name}：{remaining_text(item)}"
        cells[item.row.task.id]["carry_over"] = f"{said}；{this}" if said else this
    return cells


def _totals_csv(totals: Totals, category: str) -> dict[str, Any]:
    return {
        "category": category,
        "name": totals.heading,
        "plan": totals.plan,
        "note": counts_text(totals.counts),
        "invested": totals.invested,
        "share": share_text(totals.share) or None,
        "remark": totals_remark(totals),
    }


CSV_COLUMNS = [
    Column("序号", lambda r: r.get("id")),
    Column("类别", lambda r: r.get("category")),
    Column("项目名称", lambda r: r.get("name")),
    Column("年度工作目标任务", lambda r: r.get("target_text")),
    Column("投资计划(万元)", lambda r: r.get("plan")),
    Column("责任单位", lambda r: r.get("lead")),
    Column("完成情况", lambda r: r.get("metrics")),
    Column("序时进度(%)", lambda r: r.get("expected")),
    Column("状态", lambda r: r.get("status")),
    Column("进展情况", lambda r: r.get("note")),
    Column("报送日期", lambda r: r.get("note_date")),
    Column("投资完成额度(万元)", lambda r: r.get("invested")),
    Column("占比(%)", lambda r: r.get("share")),
    Column("备注", lambda r: r.get("remark")),
    Column("status", lambda r: r.get("status_code")),
    Column("票决", lambda r: r.get("voted")),
    Column("到位资金(万元)", lambda r: r.get("allocated")),
    Column("到位率(%)", lambda r: r.get("allocation_rate")),
    Column("已支付(万元)", lambda r: r.get("paid")),
    Column("支付率(%)", lambda r: r.get("payment_rate")),
    Column("满意度测评", lambda r: r.get("grade")),
    Column("结转事项", lambda r: r.get("carry_over")),
]


def report_csv(report: Report) -> str:
    """The table as CSV; text from the data that a spreadsheet would run is neutralised."""
    return csv_text(_table_records(report), CSV_COLUMNS)
