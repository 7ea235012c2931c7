"""What falls due soon and is not yet met: deadlines, the points of a planned schedule and the
dates of a milestone's stages (`minshi due`, the reminders)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from minshi.followup.evaluate import MetricView, TaskView
from minshi.schedule import stage_position
from minshi.tuples import NamedTuple

DueKind = Literal["deadline", "schedule", "stage"]
DEFAULT_WITHIN = 30  # days ahead
MAX_WITHIN = 366
_KIND_ORDER: dict[str, int] = {"stage": 0, "schedule": 1, "deadline": 2}


class Due(NamedTuple):
    """One date coming up for a metric, with what must be reached by then."""

    view: TaskView
    metric: MetricView
    kind: DueKind
    day: date
    share: Decimal | None = None  # a schedule point: the cumulative share (%) due
    stage: str | None = None  # a stage: its name

    def days_left(self, as_of: date) -> int:
        return (self.day - as_of).days


def due_items(pairs: Iterable[tuple[TaskView, MetricView]], as_of: date, until: date) -> list[Due]:
    """For metrics not yet done: their deadline, schedule points and stages dated from `as_of`
    to `until` and not yet met as of `as_of`, soonest first."""
    items: list[tuple[int, Due]] = []
    for seq, (view, mv) in enumerate(pairs):
        state = mv.state
        if state.status == "done":
            continue
        if as_of <= state.deadline <= until:
            items.append((seq, Due(view, mv, "deadline", state.deadline)))
        progress = state.progress
        for point in mv.plan:
            met = progress is not None and progress * 100 >= point.share
            if as_of <= point.by <= until and not met:
                items.append((seq, Due(view, mv, "schedule", point.by, share=point.share)))
        reached = stage_position(mv.metric.stages, mv.reading.stage if mv.reading else None)
        for place, stage in enumerate(mv.metric.stages, start=1):
            if as_of <= stage.by <= until and reached < place:
                items.append((seq, Due(view, mv, "stage", stage.by, stage=stage.name)))
    items.sort(key=lambda item: (item[1].day, item[0], _KIND_ORDER[item[1].kind]))
    return [due for _, due in items]
