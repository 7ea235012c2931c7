"""The JSON records of the contract for scripts (docs/design.md, "JSON"): tasks, metrics,
metric rows, journal entries and the report. Changed only additively.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from minshi.followup import MetricView, TaskView
from minshi.models import Notice, metric_deadline
from minshi.render.labels import STATUS_LABELS, metric_summary
from minshi.render.report_words import summary_sentence, totals_remark
from minshi.render.text import number
from minshi.report import Report, ReportRow, Totals
from minshi.store import ProgressEntry


def _ratio(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def metric_record(view: MetricView, notice: Notice) -> dict[str, Any]:
    m, s = view.metric, view.state
    return {
        "key": m.key,
        "name": m.name,
        "kind": m.kind,
        "target": number(s.target),
        "unit": m.unit,
        "comparator": m.comparator,
        "deadline": metric_deadline(m, notice.notice).isoformat(),
        "actual": number(s.actual),
        "progress": _ratio(s.progress),
        "expected": _ratio(s.expected),
        "status": s.status,
        "status_label": STATUS_LABELS[s.status],
        "last_reported": view.reading.date.isoformat()
        if view.reading and view.reading.date
        else None,
        "provisional": m.provisional,
        "owner": m.owner,
        "parent": m.parent,
        "stage": view.reading.stage if view.reading else None,
        "summary": metric_summary(view),
    }


def task_record(view: TaskView) -> dict[str, Any]:
    t = view.task
    return {
        "id": t.id,
        "notice": view.notice.id,
        "name": t.name,
        "category": t.category,
        "lead": list(t.lead),
        "cooperating": list(t.cooperating),
        "cooperating_more": t.cooperating_more,
        "target_text": t.target_text,
        "investment_plan": number(t.investment_plan),
        "invested": number(view.invested),
        "status": view.status,
        "status_label": STATUS_LABELS[view.status],
        "note": view.note_entry.note if view.note_entry else None,
        "note_date": view.note_entry.date.isoformat() if view.note_entry else None,
        "last_reported": view.latest.date.isoformat() if view.latest else None,
        "metrics": [metric_record(m, view.notice) for m in view.metrics],
    }


def metric_rows(pairs: Iterable[tuple[TaskView, MetricView]]) -> list[dict[str, Any]]:
    """One row per metric: the `overdue` / `incomplete` contract."""
    rows = []
    for view, m in pairs:
        record = metric_record(m, view.notice)
        rows.append(
            {
                "notice": view.notice.id,
                "task": view.task.id,
                "task_name": view.task.name,
                **{k: record[k] for k in ("key", "name", "kind", "target", "unit", "actual")},
                "progress": record["progress"],
                "expected": record["expected"],
                "deadline": record["deadline"],
                "status": record["status"],
                "status_label": record["status_label"],
                "lead": [m.metric.owner] if m.metric.owner else list(view.task.lead),
                "last_reported": record["last_reported"],
                "stage": record["stage"],
                "summary": record["summary"],
            }
        )
    return rows


def entry_record(e: ProgressEntry) -> dict[str, Any]:
    """An entry as the `progress log` contract has it (numbers stay exact Decimals until
    written: JSON writes them as numbers, tables and CSV digit for digit)."""
    return {
        "id": e.id,
        "notice": e.notice,
        "task": e.task,
        "metric": e.metric,
        "value": e.value,
        "date": e.date.isoformat(),
        "recorded_at": e.recorded_at.isoformat(timespec="seconds"),
        "by": e.by,
        "note": e.note,
        "done": e.done,
        "stage": e.stage,
        "percent": e.percent,
        "invested": e.invested,
        "retracts": e.retracts,
        "retracted_by": e.retracted_by,
    }


def _totals_record(totals: Totals) -> dict[str, Any]:
    return {
        "label": totals.label,
        "tasks": totals.tasks,
        "counts": dict(totals.counts),
        "investment_plan": number(totals.plan),
        "invested": number(totals.invested),
        "planned_invested": number(totals.planned_invested),
        "unplanned_invested": number(totals.unplanned_invested),
        "share": _ratio(totals.share),
        "remark": totals_remark(totals) or None,
    }


def _row_record(row: ReportRow) -> dict[str, Any]:
    record = task_record(row.view)
    record["note"] = row.note.note if row.note else None
    record["note_date"] = row.note.date.isoformat() if row.note else None
    record["share"] = _ratio(row.share)
    record["expected"] = _ratio(row.expected)
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
        "expected": _ratio(report.expected),
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
