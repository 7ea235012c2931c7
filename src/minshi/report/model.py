"""The progress report as data: what every format of it shows.

Built by `report.build`; written by `render` (text, Markdown, CSV, JSON, HTML, XLSX). Nothing
here reads the clock: a report depends only on the notice, the journal and its as-of date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from minshi.followup import MetricView, TaskView
from minshi.models import Notice, Task
from minshi.quantity import share_of
from minshi.rating import GradeRule
from minshi.status import Status
from minshi.store import ProgressEntry
from minshi.tuples import NamedTuple

if TYPE_CHECKING:
    from minshi.report.year_end import Funds, YearEnd

DEFAULT_STALE_DAYS = 35

# Best first, the order of the summary sentence and of every count.
SUMMARY_ORDER: tuple[Status, ...] = (
    "closed",
    "done",
    "ahead",
    "on_track",
    "behind",
    "far_behind",
    "overdue",
    "not_measured",
)
ATTENTION: tuple[Status, ...] = ("overdue", "far_behind")  # 逾期及严重滞后


class MetricLine(NamedTuple):
    """One metric of a task as the report shows it."""

    view: MetricView
    lead: tuple[str, ...]  # its owner, or the task's lead units

    @property
    def status(self) -> Status:
        return self.view.state.status

    @property
    def name(self) -> str:
        return self.view.metric.name

    @property
    def progress(self) -> float | None:
        return self.view.state.progress

    @property
    def expected(self) -> float:
        return self.view.state.expected


class ReportRow(NamedTuple):
    """One task: a row of the table."""

    view: TaskView
    metrics: list[MetricLine]
    note: ProgressEntry | None  # the entry whose note is the 进展情况

    @property
    def task(self) -> Task:
        return self.view.task

    @property
    def status(self) -> Status:
        return self.view.status

    @property
    def plan(self) -> Decimal | None:
        return self.view.task.investment_plan

    @property
    def planned(self) -> bool:
        """Whether the notice sets this task an investment plan above 0 (计划内)."""
        return self.plan is not None and self.plan > 0

    @property
    def invested(self) -> Decimal | None:
        return self.view.invested

    @property
    def share(self) -> Decimal | None:
        return share_of(self.invested, self.plan)

    @property
    def expected(self) -> float:
        """序时进度 of the primary metric."""
        return self.metrics[0].expected


class Totals(NamedTuple):
    """A subtotal (小计) or the 合计 row."""

    label: str
    tasks: int
    counts: dict[Status, int]
    plan: Decimal | None
    invested: Decimal | None  # 投资完成额度: every task's, planned or not
    planned_invested: Decimal | None  # of the tasks with a plan (0 once any money is reported)
    unplanned_invested: Decimal | None  # 计划外: of the tasks without one

    @property
    def share(self) -> Decimal | None:
        """占比: the planned tasks' invested ÷ their plans; 计划外 money does not count."""
        return share_of(self.planned_invested, self.plan)

    @property
    def unplanned(self) -> bool:
        """Whether money was reported for tasks without a plan while others have one, so the
        share must be told apart from 投资完成额度."""
        return bool(self.unplanned_invested) and self.share is not None

    @property
    def heading(self) -> str:
        """'市级小计（11件）', as the row is labelled in the table."""
        return f"{self.label}（{self.tasks}件）"


class Section(NamedTuple):
    category: str
    heading: str  # 一、市级重点民生实事
    rows: list[ReportRow]
    subtotal: Totals


class AttentionGroup(NamedTuple):
    """What one lead unit has overdue or far behind."""

    unit: str
    items: list[tuple[ReportRow, MetricLine]]


class StaleUnit(NamedTuple):
    """A lead unit with tasks that have had no report from it within the window."""

    unit: str
    last_reported: date | None  # its newest report on any task of the report
    tasks: list[tuple[int, date | None]]  # the quiet tasks, each with its newest report


class Report(NamedTuple):
    notice: Notice
    as_of: date
    title: str
    scope: str  # "" or e.g. "区住房城乡建委牵头 · 区级"
    expected: float  # the year's 序时进度 as of the date
    sections: list[Section]
    total: Totals
    who: str  # whose tasks, for the summary sentence: "", "区教委牵头的"
    category: str  # the category chosen, or ""
    attention: list[AttentionGroup]
    stale_days: int
    stale_units: list[StaleUnit]
    has_investment: bool
    basis: str = "reported"  # the figures it counts: reported, or verified by the office
    unverified: int = 0  # figures shown that await the office's check (待审核)
    funds: Funds | None = None  # funds allocated and paid, when any was reported
    year_end: YearEnd | None = None  # the annual summary (report --year-end)
    # on pace today, but forecast to miss the deadline at the pace of recent reports (预警)
    early_warnings: list[tuple[ReportRow, MetricLine]] = []
    rule: GradeRule = GradeRule()  # how the ratings are graded

    @property
    def rows(self) -> list[ReportRow]:
        return [row for section in self.sections for row in section.rows]


# ---------------------------------------------------------------------------------------------
