"""The report's table as CSV: one row per task, then the subtotals and 合计, the same columns
whatever the data; text a spreadsheet would run is neutralised."""

from __future__ import annotations

from typing import Any

from minshi.render.labels import STATUS_LABELS, shown_summary
from minshi.render.report_words import counts_text, share_text, totals_remark
from minshi.render.text import Column, csv_text
from minshi.report import Report, Totals


def _table_records(report: Report) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
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
                }
            )
        records.append(_totals_csv(section.subtotal, section.category))
    if report.sections:
        records.append(_totals_csv(report.total, ""))
    return records


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
]


def report_csv(report: Report) -> str:
    """The table as CSV; text from the data that a spreadsheet would run is neutralised."""
    return csv_text(_table_records(report), CSV_COLUMNS)
