"""The report as one JSON object: the contract for scripts, changed only additively."""

from __future__ import annotations

from typing import Any

from minshi.render.records import metric_record, ratio, task_record
from minshi.render.report_words import summary_sentence, totals_remark
from minshi.render.text import number
from minshi.report import Report, ReportRow, Totals


def _totals_record(totals: Totals) -> dict[str, Any]:
    return {
        "label": totals.label,
        "tasks": totals.tasks,
        "counts": dict(totals.counts),
        "investment_plan": number(totals.plan),
        "invested": number(totals.invested),
        "planned_invested": number(totals.planned_invested),
        "unplanned_invested": number(totals.unplanned_invested),
        "share": ratio(totals.share),
        "remark": totals_remark(totals) or None,
    }


def _row_record(row: ReportRow) -> dict[str, Any]:
    record = task_record(row.view)
    record["note"] = row.note.note if row.note else None
    record["note_date"] = row.note.date.isoformat() if row.note else None
    record["share"] = ratio(row.share)
    record["expected"] = ratio(row.expected)
    record["remark"] = row.task.remark
    return record


def report_record(report: Report) -> dict[str, Any]:
    """The report as one JSON object (a stable interface; changed only additively)."""
    info = report.notice.notice
    return {
        "notice": {"id": info.id, "title": info.title, "doc_number": info.doc_number},
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "scope": report.scope,
        "expected": ratio(report.expected),
        "summary": summary_sentence(report),
        "counts": dict(report.total.counts),
        "categories": [
            {
                "category": s.category,
                "heading": s.heading,
                "tasks": [_row_record(r) for r in s.rows],
                "subtotal": _totals_record(s.subtotal),
            }
            for s in report.sections
        ],
        "total": _totals_record(report.total),
        "attention": [
            {
                "unit": group.unit,
                "items": [
                    {
                        "task": row.task.id,
                        "task_name": row.task.name,
                        **metric_record(line.view, report.notice),
                    }
                    for row, line in group.items
                ],
            }
            for group in report.attention
        ],
        "early_warnings": [
            {
                "task": row.task.id,
                "task_name": row.task.name,
                **metric_record(line.view, report.notice),
            }
            for row, line in report.early_warnings
        ],
        "stale_days": report.stale_days,
        "stale_units": [
            {
                "unit": s.unit,
                "last_reported": s.last_reported.isoformat() if s.last_reported else None,
                "tasks": [
                    {"task": task, "last_reported": last.isoformat() if last else None}
                    for task, last in s.tasks
                ],
            }
            for s in report.stale_units
        ],
    }
