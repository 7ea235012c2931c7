"""The report as one JSON object: the contract for scripts, changed only additively."""

from __future__ import annotations

from typing import Any

from minshi.rating import GradeRule
from minshi.render.records import metric_record, rating_record, ratio, task_record
from minshi.render.report_blocks import year_paragraph
from minshi.render.report_words import summary_sentence, totals_remark
from minshi.render.text import number
from minshi.report import Report, ReportRow, Totals
from minshi.report.year_end import Funds


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


def _row_record(row: ReportRow, rule: GradeRule) -> dict[str, Any]:
    record = task_record(row.view, rule)
    record["note"] = row.note.note if row.note else None
    record["note_date"] = row.note.date.isoformat() if row.note else None
    record["share"] = ratio(row.share)
    record["expected"] = ratio(row.expected)
    record["remark"] = row.task.remark
    return record


def _funds_record(funds: Funds | None) -> dict[str, Any] | None:
    if funds is None:
        return None
    t = funds.total
    return {
        "tasks": [line.row.task.id for line in funds.lines],
        "total": {
            "investment_plan": number(t.plan),
            "allocated": number(t.allocated),
            "paid": number(t.paid),
            "allocation_rate": ratio(t.allocation_rate),
            "payment_rate": ratio(t.payment_rate),
        },
    }


def _year_end_record(report: Report) -> dict[str, Any] | None:
    year = report.year_end
    if year is None:
        return None

    def ids(rows: list[ReportRow]) -> list[int]:
        return [r.task.id for r in rows]

    return {
        "year": year.year,
        "summary": year_paragraph(report),
        "done": ids(year.done),
        "over_target": ids(year.over_target),
        "closed": ids(year.closed),
        "unfinished": ids(year.unfinished),
        "voted": ids(year.voted),
        "grades": dict(year.grades()),
        "ratings": [
            {"task": r.row.task.id, **(rating_record(r.rating, r.grade) or {})}
            for r in year.ratings
        ],
        "carry_over": [
            {
                "task": c.row.task.id,
                "task_name": c.row.task.name,
                "metric": c.line.view.metric.key,
                "name": c.line.name,
                "remaining": number(c.remaining),
                "unit": c.unit,
                "status": c.line.status,
                "lead": list(c.line.lead),
            }
            for c in year.carry_over
        ],
    }


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
        "basis": report.basis,
        "unverified": report.unverified,
        "counts": dict(report.total.counts),
        "categories": [
            {
                "category": s.category,
                "heading": s.heading,
                "tasks": [_row_record(r, report.rule) for r in s.rows],
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
        "funds": _funds_record(report.funds),
        "year_end": _year_end_record(report),
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
