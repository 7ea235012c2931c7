"""The schema of a notice: notice, task, metric, unit (docs/design.md, "Data contract").

Named tuples: immutable, and cheap to define when minshi starts (a dataclass generates and
compiles its methods at import, several times slower). `catalog` validates raw YAML against them
with pydantic (unknown fields refused, the `Annotated` bounds applied) and rebuilds them from its
cache without pydantic at all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from minshi.tuples import NamedTuple

if TYPE_CHECKING:  # at run time, `schema_constraints()` supplies these when validating
    from annotated_types import Ge, Gt, Le, Len, Lt, MinLen


MAX_TASK_ID = 999_999_999  # what `minshi show N` reads as a task number
Category = Literal["市级", "区级"]
CATEGORIES: tuple[str, ...] = ("市级", "区级")
MetricKind = Literal["quantity", "percent", "milestone"]
Comparator = Literal[">=", "<=", "~", "="]
if TYPE_CHECKING:
    NonEmpty = Annotated[str, MinLen(1)]
Day = date  # for fields named `date`, whose name would hide the type


class Period(NamedTuple):
    start: date
    end: date


class Forwarding(NamedTuple):
    """A notice that forwarded this one (转发), e.g. a street office passing it on."""

    title: str
    doc_number: str
    issuer: str
    issued: date


class Bands(NamedTuple):
    """Status bands in percentage points of 序时进度 (defaults per DESIGN.md)."""

    ahead: Annotated[Decimal, Ge(0)] = Decimal(10)  # 超序时: progress ≥ expected + ahead
    behind: Annotated[Decimal, Ge(0)] = Decimal(10)  # 滞后 once more than this behind
    far_behind: Annotated[Decimal, Ge(0)] = Decimal(30)  # 严重滞后 beyond this
    approx: Annotated[Decimal, Ge(0)] = Decimal(5)  # "~" (约) targets are met within this %


class NoticeInfo(NamedTuple):
    id: Annotated[str, MinLen(1)]
    title: NonEmpty
    doc_number: NonEmpty
    issuer: NonEmpty
    issued: date
    period: Period
    forwarded_by: list[Forwarding] = []
    bands: Bands = Bands()


class Unit(NamedTuple):
    """A unit (单位) named in the notice, with the other names clerks use for it."""

    name: NonEmpty
    aliases: list[NonEmpty] = []
    kind: str | None = None  # 区级部门, 乡镇街道, 国有企业, 群团组织 …


class Revision(NamedTuple):
    """A change of a metric's target during the year (e.g. when the city sets the real number)."""

    date: Day
    target: Annotated[Decimal, Gt(0)]
    reason: str = ""


class SchedulePoint(NamedTuple):
    """A point of a planned schedule (进度计划): the cumulative share of the target, in percent,
    expected by the end of a date (e.g. 60 by 2024-06-30)."""

    by: date
    share: Annotated[Decimal, Ge(0), Le(100)]


class Stage(NamedTuple):
    """A dated stage of a milestone (开工, 主体完工, 竣工验收): to be reached by the end of `by`."""

    name: NonEmpty
    by: date


class Metric(NamedTuple):
    """One measurable target of a task; the first of a task is its primary one."""

    key: NonEmpty
    name: NonEmpty
    kind: MetricKind
    target: Decimal | None = None  # in the base unit: 13万人 → 130000
    unit: str | None = None
    comparator: Comparator | None = None
    deadline: date | None = None  # default: the notice's period end
    baseline: Decimal | None = None  # needed for progress on "<=" targets
    provisional: bool = False  # 以市级实际下达为准
    owner: str | None = None  # the unit that owns this part of a split target
    parent: str | None = None  # key of the metric this one is a part of
    revisions: list[Revision] = []
    note: str | None = None
    schedule: list[SchedulePoint] = []  # planned progress; none: the straight line (序时进度)
    stages: list[Stage] = []  # milestones: the stages to reach, in order, with their dates


class Funds(NamedTuple):
    """A task's money plan (万元): the whole, and what each level of government gives."""

    plan: Annotated[Decimal, Ge(0)] | None = None  # 计划投资; the same as `investment_plan`
    sources: dict[NonEmpty, Annotated[Decimal, Ge(0)]] = {}  # 中央, 市级, 区级, 社会资本 …


class Task(NamedTuple):
    id: Annotated[int, Gt(0), Lt(MAX_TASK_ID + 1)]  # a task is named by at most 9 digits
    category: Category
    name: NonEmpty
    target_text: NonEmpty
    lead: Annotated[list[NonEmpty], Len(min_length=1)]
    metrics: Annotated[list[Metric], Len(min_length=1)]
    cooperating: list[NonEmpty] = []
    cooperating_more: bool = False  # the notice ends the list with "等"
    investment_plan: Annotated[Decimal, Ge(0)] | None = None  # 万元
    remark: str | None = None  # 备注
    voted: bool = False  # 人大代表票决产生的项目
    funds: Funds | None = None  # the plan by source; its plan is `investment_plan`
    schedule: list[SchedulePoint] = []  # the plan of every metric without its own (not milestones)

    @property
    def primary(self) -> Metric:
        return self.metrics[0]


class Notice(NamedTuple):
    notice: NoticeInfo
    tasks: list[Task]
    units: list[Unit] = []
    # what an imported draft could not settle on its own, for a clerk to check (import-notice)
    review: list[str] = []

    @property
    def id(self) -> str:
        return self.notice.id

    def task(self, task_id: int) -> Task | None:
        for task in self.tasks:
            if task.id == task_id:
                return task
        return None


class NoticeRef(NamedTuple):
    """A notice by its id and head (title, period, bands), without its tasks: what a selection
    read from the cache carries beside each task (`Catalog.select`), so that a province's
    listing builds only the tasks it shows."""

    id: str
    notice: NoticeInfo


# what a task chosen from the catalog comes with: its whole notice, or the notice's head only
# (`NoticeRef`); the head is all that a task's evaluation and records read
NoticeHead = Notice | NoticeRef


def is_model(value: object) -> bool:
    """Whether `value` is an object of this schema (a notice, task, metric …)."""
    return isinstance(value, tuple) and type(value).__module__ == __name__


def metric_deadline(metric: Metric, notice: NoticeInfo) -> date:
    return metric.deadline or notice.period.end


def plan_of(metric: Metric, task: Task) -> list[SchedulePoint]:
    """The schedule in force for a metric: its own, else its task's (never for a milestone,
    which is planned with stages)."""
    if metric.kind == "milestone":
        return []
    return metric.schedule or task.schedule


def schema_constraints() -> None:
    """Make the bounds in the annotations above (Gt, MinLen …) resolvable, for pydantic.

    The annotations are strings (PEP 563) that only a validator reads, so the bounds are
    imported when a notice is validated, not every time minshi starts (a cached run never
    validates)."""
    from annotated_types import Ge, Gt, Le, Len, Lt, MinLen  # loaded with pydantic, to validate

    globals().update(
        Ge=Ge, Gt=Gt, Le=Le, Len=Len, Lt=Lt, MinLen=MinLen, NonEmpty=Annotated[str, MinLen(1)]
    )
