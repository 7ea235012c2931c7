"""The JSON records of the contract for scripts (docs/design.md, "JSON"): tasks, metrics,
metric rows and journal entries (the report's own: `report_json`). Changed only additively.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from minshi.followup import Due, MetricView, TaskView
from minshi.models import NoticeHead, Task, metric_deadline
from minshi.quantity import share_of
from minshi.rating import GRADE_LABELS, Grade, GradeRule, grade
from minshi.render.labels import STATUS_LABELS, metric_summary
from minshi.render.plan_words import DUE_KINDS, due_what
from minshi.render.text import number
from minshi.store import ProgressEntry, Rating
from minshi.store.entries import Closure


def ratio(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def forecast_record(view: MetricView) -> dict[str, Any] | None:
    """`{value_at_deadline, date_reached}`, or None (fewer than two reports, or done)."""
    ahead = view.outlook.forecast
    if ahead is None:
        return None
    reached = ahead.date_reached
    return {
        "value_at_deadline": number(ahead.value_at_deadline),
        "date_reached": reached.isoformat() if reached else None,
    }


def plan_record(view: MetricView) -> dict[str, Any]:
    """The metric's plan, stages and outlook: the fields of a metric record and a metric row
    about the planned schedule and the early warning (docs/design.md)."""
    m, outlook = view.metric, view.outlook
    return {
        "schedule": [{"by": p.by.isoformat(), "share": number(p.share)} for p in view.plan],
        "stages": [{"name": s.name, "by": s.by.isoformat()} for s in m.stages],
        "stage_expected": view.state.stage_expected,
        "lag_months": outlook.lag_months,
        "action": outlook.action,
        "forecast": forecast_record(view),
        "early_warning": outlook.early_warning,
    }


def metric_record(view: MetricView, notice: NoticeHead) -> dict[str, Any]:
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
        "progress": ratio(s.progress),
        "expected": ratio(s.expected),
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
        "reported": number(view.reported),
        "verified": number(view.verified),
        "pending": view.pending,
        **plan_record(view),
    }


def task_record(view: TaskView, rule: GradeRule = GradeRule()) -> dict[str, Any]:
    """A task as scripts read it; its rating graded by `rule` (the office's, or the default)."""
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
        "allocated": number(view.allocated),
        "paid": number(view.paid),
        "allocation_rate": ratio(share_of(view.allocated, t.investment_plan)),  # 到位率
        "payment_rate": ratio(share_of(view.paid, view.allocated)),  # 支付率
        "status": view.status,
        "status_label": STATUS_LABELS[view.status],
        "note": view.note_entry.note if view.note_entry else None,
        "note_date": view.note_entry.date.isoformat() if view.note_entry else None,
        "last_reported": view.latest.date.isoformat() if view.latest else None,
        "metrics": [metric_record(m, view.notice) for m in view.metrics],
        "closed": closure_record(view.closure),
        "voted": t.voted,
        "funds": funds_record(t),
        "rating": rating_record(view.rating, view.rating and grade(view.rating.votes, rule)),
    }


def funds_record(task: Task) -> dict[str, Any] | None:
    """The task's money plan: the whole (万元) and what each source gives; None without one."""
    if task.funds is None and task.investment_plan is None:
        return None
    sources = task.funds.sources if task.funds else {}
    return {
        "plan": number(task.investment_plan),
        "sources": {name: number(amount) for name, amount in sources.items()},
    }


def rating_record(rating: Rating | None, grade: Grade | None) -> dict[str, Any] | None:
    """A 满意度测评 and its grade; the shares are percentages of the whole (None: not rated)."""
    if rating is None or grade is None:
        return None
    shares = rating.votes.shares()
    return {
        "date": rating.date.isoformat(),
        "satisfied": number(rating.satisfied),
        "basic": number(rating.basic),
        "unsatisfied": number(rating.unsatisfied),
        "percent": rating.percent,
        "shares": {
            name: round(float(share), 2)
            for name, share in zip(("satisfied", "basic", "unsatisfied"), shares, strict=True)
        },
        "grade": grade,
        "grade_label": GRADE_LABELS[grade],
        "by": rating.by,
        "note": rating.note,
    }


def closure_record(closure: Closure | None) -> dict[str, Any] | None:
    """The office's closure of a task (销号), or None while it is open."""
    if closure is None:
        return None
    return {
        "date": closure.date.isoformat(),
        "by": closure.by,
        "note": closure.note,
        "evidence": [
            {"id": e.id, "name": e.name, "sha256": e.sha256, "bytes": e.bytes}
            for e in closure.evidence
        ],
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
                "pending": record["pending"],
                **{k: record[k] for k in ("lag_months", "action", "forecast", "early_warning")},
            }
        )
    return rows


def due_record(due: Due, as_of: date) -> dict[str, Any]:
    """A date coming up for a metric: the `due` contract (docs/design.md)."""
    (row,) = metric_rows([(due.view, due.metric)])
    return {
        **{k: row[k] for k in ("notice", "task", "task_name", "key", "name")},
        "kind": due.kind,
        "kind_label": DUE_KINDS[due.kind],
        "due": due.day.isoformat(),
        "days_left": due.days_left(as_of),
        "share": number(due.share),
        "stage": due.stage,
        "what": due_what(due),
        **{
            k: row[k]
            for k in ("target", "unit", "actual", "progress", "expected", "status", "status_label")
        },
        "lead": row["lead"],
        "summary": row["summary"],
    }


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
        "allocated": e.allocated,
        "paid": e.paid,
        "retracts": e.retracts,
        "retracted_by": e.retracted_by,
        "written_as": e.written_as or None,
        "state": e.state,
        "reviewed_by": e.reviewed_by or None,
        "reviewed_at": e.reviewed_at.isoformat(timespec="seconds") if e.reviewed_at else None,
        "reason": e.reason or None,
    }
