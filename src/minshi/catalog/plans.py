"""What the schema cannot say of planned schedules and milestone stages.

A schedule's dates lie inside the notice's period, rise from point to point and come no later than
the deadline of the metric it plans (a task's schedule: of each metric it plans); its shares never
fall, and on the deadline itself a share can only be 100. Stages belong to milestones, schedules
to quantities and rates; stage names are unique and their dates in order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from minshi.catalog.yamlsafe import Loc
from minshi.models import NoticeInfo, SchedulePoint, Stage, Task, metric_deadline
from minshi.quantity import plain_number


def plan_problems(task: Task, info: NoticeInfo | None) -> Iterator[tuple[Loc, str]]:
    """The problems of a task's schedules and stages, located within the task."""
    for j, metric in enumerate(task.metrics):
        loc: Loc = ("metrics", j)
        deadline = metric_deadline(metric, info) if info is not None else None
        if metric.kind == "milestone" and metric.schedule:
            yield (*loc, "schedule"), "a milestone is planned with dated stages, not a schedule"
        if metric.kind != "milestone" and metric.stages:
            yield (*loc, "stages"), "stages belong to milestones; plan this metric with a schedule"
        yield from _points(metric.schedule, (*loc, "schedule"), info, deadline, "")
        yield from _stages(metric.stages, (*loc, "stages"), info, deadline)
    planned = [m for m in task.metrics if m.kind != "milestone" and not m.schedule]
    if task.schedule and info is not None and planned:
        first = min(planned, key=lambda m: metric_deadline(m, info))
        whose = f" of metric {first.key}" if len(task.metrics) > 1 else ""
        yield from _points(task.schedule, ("schedule",), info, metric_deadline(first, info), whose)
    elif task.schedule:
        yield from _points(task.schedule, ("schedule",), info, None, "")


def _outside(day: date, info: NoticeInfo | None, deadline: date | None, whose: str) -> str | None:
    if info is None:
        return None
    start, end = info.period
    if not start <= day <= end:
        return f"{day} is outside the notice's period ({start} – {end})"
    if deadline is not None and day > deadline:
        return f"{day} is after the deadline {deadline}{whose}"
    return None


def _points(
    points: Sequence[SchedulePoint],
    loc: Loc,
    info: NoticeInfo | None,
    deadline: date | None,
    whose: str,
) -> Iterator[tuple[Loc, str]]:
    previous: SchedulePoint | None = None
    for k, point in enumerate(points):
        at: Loc = (*loc, k)
        outside = _outside(point.by, info, deadline, whose)
        if outside:
            yield (*at, "by"), outside
        elif point.by == deadline and point.share != 100:
            yield (*at, "share"), f"on the deadline {deadline} the whole target is due: share 100"
        if previous is not None and point.by <= previous.by:
            yield (*at, "by"), f"the dates must rise: {point.by} does not come after {previous.by}"
        if previous is not None and point.share < previous.share:
            yield (
                (*at, "share"),
                (
                    f"the shares are cumulative and cannot fall: {plain_number(point.share)} after "
                    f"{plain_number(previous.share)}"
                ),
            )
        previous = point


def _stages(
    stages: Sequence[Stage], loc: Loc, info: NoticeInfo | None, deadline: date | None
) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    previous: Stage | None = None
    for k, stage in enumerate(stages):
        at: Loc = (*loc, k)
        if stage.name in seen:
            yield (*at, "name"), f"stage '{stage.name}' is listed twice"
        seen.add(stage.name)
        outside = _outside(stage.by, info, deadline, "")
        if outside:
            yield (*at, "by"), outside
        if previous is not None and stage.by < previous.by:
            yield (
                (*at, "by"),
                (
                    f"the stages are in order: {stage.name} ({stage.by}) cannot be due before "
                    f"{previous.name} ({previous.by})"
                ),
            )
        previous = stage
