"""A draft notice for next year from what did not finish this year (`minshi carry-over`).

Every task of the annual summary with a metric not done carries over with those metrics only:
a count with what remains of it (target − actual, the same unit), a milestone, a rate or a cap
whole. The draft keeps the task's number, category, units and text, says where it comes from
(`remark`), covers the next calendar year after the notice's period, and lists in `review`
what the office must settle before it is a notice: the figures, the deadlines, the wording. It
passes `minshi validate` as it is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from minshi.catalog import validate_data
from minshi.catalog.yamlout import notice_yaml, round_trip
from minshi.models import Metric, Notice
from minshi.quantity import format_quantity, plain_number
from minshi.report.year_end import CarryOver, YearEnd


def carry_over_data(notice: Notice, year: YearEnd) -> dict[str, Any]:
    """The draft notice as YAML-ready data, in the notice's task order."""
    info = notice.notice
    nxt = info.period.end.year + 1
    by_task: dict[int, list[CarryOver]] = {}
    for item in year.carry_over:
        by_task.setdefault(item.row.task.id, []).append(item)
    tasks = []
    for items in by_task.values():
        task = items[0].row.task
        entry: dict[str, Any] = {
            "id": task.id,
            "category": task.category,
            "name": task.name,
            "target_text": f"{task.target_text}（{year.year}年结转：{_carried(items)}）",
            "lead": list(task.lead),
        }
        if task.cooperating:
            entry["cooperating"] = list(task.cooperating)
        if task.cooperating_more:
            entry["cooperating_more"] = True
        entry["metrics"] = [_metric(item) for item in items]
        entry["remark"] = f"结转自{info.id}第{task.id}项"
        tasks.append(entry)
    data: dict[str, Any] = {
        "notice": {
            "id": f"{info.id}-carry-over",
            "title": f"{info.title}结转事项",
            "doc_number": f"{info.doc_number}（结转）",
            "issuer": info.issuer,
            "issued": info.period.end,
            "period": {"start": date(nxt, 1, 1), "end": date(nxt, 12, 31)},
        },
        "tasks": tasks,
    }
    if notice.units:
        data["units"] = [_unit(u) for u in notice.units]
    data["review"] = [
        f"a draft of what {info.id} carries over into {nxt}: check each remaining target, "
        "set the deadlines and the text, give the notice its id, title and number, then "
        "delete this review list",
        *(_to_settle(items) for items in by_task.values()),
    ]
    return data


def _to_settle(items: list[CarryOver]) -> str:
    """What to agree with a task's lead units: 'task 20 (区教委): 增加城区义务教育学位 780 of
    3780 个 remain, 建成其芳小学 whole; funds: 8000 万元 planned, 5000 allocated, 3000 paid'."""
    row = items[0].row
    parts = []
    for item in items:
        metric = item.line.view.metric
        if item.remaining is not None and metric.target is not None:
            unit = f" {metric.unit}" if metric.unit else ""
            left, whole = plain_number(item.remaining), plain_number(metric.target)
            parts.append(f"{metric.name} {left} of {whole}{unit} remain")
        else:
            parts.append(f"{metric.name} whole")
    text = f"task {row.task.id} ({'、'.join(row.task.lead)}): " + ", ".join(parts)
    view = row.view
    money = [
        f"{what} {plain_number(v)} 万元"
        for what, v in (
            ("planned", row.task.investment_plan),
            ("allocated", view.allocated),
            ("paid", view.paid),
        )
        if v is not None
    ]
    if money:
        text += "; funds: " + ", ".join(money) + " — set next year's plan"
    return text


def carry_over_yaml(notice: Notice, year: YearEnd, source: str) -> str:
    """The draft as a YAML file, checked as `minshi validate` checks a notice."""
    data = carry_over_data(notice, year)
    validate_data(round_trip(data), f"{source} (carry-over draft)")
    header = (
        f"# {notice.notice.title}: what did not finish in {year.year}, a draft for "
        f"{year.year + 1}.\n"
        "# Each remaining target is the year's target less what was reported; settle it with\n"
        "# the units, then delete the review list at the end (minshi validate checks the file).\n\n"
    )
    return header + notice_yaml(data)


def _carried(items: list[CarryOver]) -> str:
    """'新开工改造老旧小区余7个；外墙砖整治试点' — what remains, as the draft's text says it."""
    parts = []
    for item in items:
        metric = item.line.view.metric
        if item.remaining is not None:
            parts.append(f"{metric.name}余{format_quantity(item.remaining, metric.unit)}")
        else:
            parts.append(metric.name)
    return "；".join(parts)


def _metric(item: CarryOver) -> dict[str, Any]:
    metric: Metric = item.line.view.metric
    target = item.remaining if item.remaining is not None else item.line.view.state.target
    out: dict[str, Any] = {"key": metric.key, "name": metric.name, "kind": metric.kind}
    if metric.kind != "milestone":
        out["target"] = target if target is not None and target > 0 else metric.target
        out["unit"] = metric.unit
        out["comparator"] = metric.comparator
        if metric.baseline is not None:
            out["baseline"] = metric.baseline
    if metric.provisional:
        out["provisional"] = True
    if metric.owner:
        out["owner"] = metric.owner
    if metric.note:
        out["note"] = metric.note
    return {k: v for k, v in out.items() if v is not None}


def _unit(unit: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": unit.name}
    if unit.aliases:
        out["aliases"] = list(unit.aliases)
    if unit.kind:
        out["kind"] = unit.kind
    return out
