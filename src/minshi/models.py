"""The schema of a notice: notice, task, metric, unit (DESIGN.md, "Data contract").

Plain frozen dataclasses, so that importing them costs nothing; `catalog` validates raw YAML
against them with pydantic (which honours `__pydantic_config__` and the `Annotated` bounds),
and rebuilds them from its cache without pydantic at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:  # at run time, `schema_constraints()` supplies these when validating
    from annotated_types import Ge, Gt, Len, MinLen

_STRICT: Any = {"extra": "forbid"}

Category = Literal["市级", "区级"]
CATEGORIES: tuple[str, ...] = ("市级", "区级")
MetricKind = Literal["quantity", "percent", "milestone"]
Comparator = Literal[">=", "<=", "~", "="]
if TYPE_CHECKING:
    NonEmpty = Annotated[str, MinLen(1)]
Day = date  # for fields named `date`, whose name would hide the type


@dataclass(frozen=True, slots=True)
class Period:
    __pydantic_config__ = _STRICT
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Forwarding:
    """A notice that forwarded this one (转发), e.g. a street office passing it on."""

    __pydantic_config__ = _STRICT
    title: str
    doc_number: str
    issuer: str
    issued: date


@dataclass(frozen=True, slots=True)
class Bands:
    """Status bands in percentage points of 序时进度 (defaults per DESIGN.md)."""

    __pydantic_config__ = _STRICT
    ahead: Annotated[Decimal, Ge(0)] = Decimal(10)  # 超序时: progress ≥ expected + ahead
    behind: Annotated[Decimal, Ge(0)] = Decimal(10)  # 滞后 once more than this behind
    far_behind: Annotated[Decimal, Ge(0)] = Decimal(30)  # 严重滞后 beyond this
    approx: Annotated[Decimal, Ge(0)] = Decimal(5)  # "~" (约) targets are met within this %


@dataclass(frozen=True, slots=True)
class NoticeInfo:
    __pydantic_config__ = _STRICT
    id: Annotated[str, MinLen(1)]
    title: NonEmpty
    doc_number: NonEmpty
    issuer: NonEmpty
    issued: date
    period: Period
    forwarded_by: list[Forwarding] = field(default_factory=list)
    bands: Bands = field(default_factory=Bands)


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit (单位) named in the notice, with the other names clerks use for it."""

    __pydantic_config__ = _STRICT
    name: NonEmpty
    aliases: list[NonEmpty] = field(default_factory=list)
    kind: str | None = None  # 区级部门, 乡镇街道, 国有企业, 群团组织 …


@dataclass(frozen=True, slots=True)
class Revision:
    """A change of a metric's target during the year (e.g. when the city sets the real number)."""

    __pydantic_config__ = _STRICT
    date: Day
    target: Annotated[Decimal, Gt(0)]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Metric:
    """One measurable target of a task; the first of a task is its primary one."""

    __pydantic_config__ = _STRICT
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
    revisions: list[Revision] = field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Task:
    __pydantic_config__ = _STRICT
    id: Annotated[int, Gt(0)]
    category: Category
    name: NonEmpty
    target_text: NonEmpty
    lead: Annotated[list[NonEmpty], Len(min_length=1)]
    metrics: Annotated[list[Metric], Len(min_length=1)]
    cooperating: list[NonEmpty] = field(default_factory=list)
    cooperating_more: bool = False  # the notice ends the list with "等"
    investment_plan: Annotated[Decimal, Ge(0)] | None = None  # 万元
    remark: str | None = None  # 备注

    @property
    def primary(self) -> Metric:
        return self.metrics[0]


@dataclass(frozen=True, slots=True)
class Notice:
    __pydantic_config__ = _STRICT
    notice: NoticeInfo
    tasks: list[Task]
    units: list[Unit] = field(default_factory=list)
    # what an imported draft could not settle on its own, for a clerk to check (import-notice)
    review: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.notice.id

    def task(self, task_id: int) -> Task | None:
        for task in self.tasks:
            if task.id == task_id:
                return task
        return None


def metric_deadline(metric: Metric, notice: NoticeInfo) -> date:
    return metric.deadline or notice.period.end


def schema_constraints() -> None:
    """Make the bounds in the annotations above (Gt, MinLen …) resolvable, for pydantic.

    The annotations are strings (PEP 563) that only a validator reads, so the bounds are
    imported when a notice is validated, not every time minshi starts (a cached run never
    validates)."""
    from annotated_types import Ge, Gt, Len, MinLen  # loaded with pydantic, to validate

    globals().update(Ge=Ge, Gt=Gt, Len=Len, MinLen=MinLen, NonEmpty=Annotated[str, MinLen(1)])
