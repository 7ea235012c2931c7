"""What the report adds at the year's end, and the money beside the investment.

- **Funds** (资金到位及支付情况): per task with an amount allocated (到位) or paid (支付), the
  到位率 (allocated ÷ the plan) and 支付率 (paid ÷ allocated), and their totals. The total
  支付率 is the total paid over the total allocated, both printed beside it; the total 到位率
  counts only the tasks with a plan (the total plan printed is theirs), which the table says.
- **The year's end** (`report --year-end`): the tasks done (超额完成 when a counted target was
  passed: more than a `>=` or `=` target), closed (已销号) and not finished, the ratings
  (满意度测评) and their grades, and what carries over: every metric not done, with what
  remains of a count (target − actual; a milestone, a rate or a cap carries over whole).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from minshi.quantity import share_of
from minshi.rating import Grade, GradeRule, grade
from minshi.report.model import MetricLine, ReportRow
from minshi.status import FINISHED
from minshi.store import Rating
from minshi.tuples import NamedTuple

COUNTED = (">=", "=", "~")  # targets where what remains is target − actual


class FundsLine(NamedTuple):
    """One task's money: the plan, the investment completed, funds allocated and paid."""

    row: ReportRow

    @property
    def plan(self) -> Decimal | None:
        return self.row.plan

    @property
    def invested(self) -> Decimal | None:
        return self.row.invested

    @property
    def allocated(self) -> Decimal | None:
        return self.row.view.allocated

    @property
    def paid(self) -> Decimal | None:
        return self.row.view.paid

    @property
    def allocation_rate(self) -> Decimal | None:
        """到位率: allocated ÷ plan."""
        return share_of(self.allocated, self.plan)

    @property
    def payment_rate(self) -> Decimal | None:
        """支付率: paid ÷ allocated."""
        return share_of(self.paid, self.allocated)


class FundsTotal(NamedTuple):
    """The sums of the funds table, and the rates they give (see the module's docstring)."""

    plan: Decimal | None  # of the tasks with a plan and an amount allocated
    allocated: Decimal | None
    paid: Decimal | None
    allocation_rate: Decimal | None
    payment_rate: Decimal | None


class Funds(NamedTuple):
    lines: list[FundsLine]
    total: FundsTotal


class CarryOver(NamedTuple):
    """A metric not done at the report's date, and what remains of it."""

    row: ReportRow
    line: MetricLine
    remaining: Decimal | None  # in the metric's unit, for a count; None: it carries over whole

    @property
    def unit(self) -> str | None:
        return self.line.view.metric.unit


class RatedRow(NamedTuple):
    row: ReportRow
    rating: Rating
    grade: Grade


class YearEnd(NamedTuple):
    """The year in figures, for the annual summary."""

    year: int
    done: list[ReportRow]  # finished: done or closed
    over_target: list[ReportRow]  # of them, those that passed a counted target
    closed: list[ReportRow]  # 已销号
    unfinished: list[ReportRow]
    carry_over: list[CarryOver]
    ratings: list[RatedRow]
    voted: list[ReportRow]

    def grades(self) -> dict[Grade, int]:
        """How many tasks got each grade, best first."""
        counts: dict[Grade, int] = {"satisfied": 0, "basic": 0, "unsatisfied": 0}
        for rated in self.ratings:
            counts[rated.grade] += 1
        return counts


def build_funds(rows: Sequence[ReportRow]) -> Funds | None:
    """The funds table of the tasks with an amount allocated or paid; None when none has."""
    lines = [
        line for line in map(FundsLine, rows) if line.allocated is not None or line.paid is not None
    ]
    if not lines:
        return None
    with_plan = [f for f in lines if f.allocated is not None and f.plan is not None and f.plan > 0]
    plan = _sum(f.plan for f in with_plan)
    allocated, paid = _sum(f.allocated for f in lines), _sum(f.paid for f in lines)
    total = FundsTotal(
        plan=plan,
        allocated=allocated,
        paid=paid,
        allocation_rate=share_of(_sum(f.allocated for f in with_plan), plan),
        payment_rate=share_of(paid or Decimal(0), allocated),  # of the totals shown
    )
    return Funds(lines, total)


def build_year_end(
    rows: Sequence[ReportRow],
    year: int,
    rule: GradeRule = GradeRule(),
) -> YearEnd:
    done = [r for r in rows if r.status in FINISHED]
    unfinished = [r for r in rows if r.status not in FINISHED]
    rated = [
        RatedRow(r, rating, grade(rating.votes, rule))
        for r in rows
        if (rating := r.view.rating) is not None
    ]
    return YearEnd(
        year=year,
        done=done,
        over_target=[r for r in done if any(map(_passed, r.metrics))],
        closed=[r for r in rows if r.status == "closed"],
        unfinished=unfinished,
        carry_over=[
            CarryOver(r, line, _remaining(line))
            for r in unfinished
            for line in r.metrics
            if line.status != "done" and not _split(line, r)
        ],
        ratings=rated,
        voted=[r for r in rows if r.task.voted],
    )


def _passed(line: MetricLine) -> bool:
    """Whether a counted target was passed (超额): more than a `>=` or `=` target."""
    metric, state = line.view.metric, line.view.state
    return (
        metric.kind != "milestone"
        and metric.comparator in (">=", "=")
        and state.target is not None
        and state.actual is not None
        and state.actual > state.target
    )


def _remaining(line: MetricLine) -> Decimal | None:
    metric, state = line.view.metric, line.view.state
    if metric.kind != "quantity" or metric.comparator not in COUNTED or state.target is None:
        return None
    return max(state.target - (state.actual or Decimal(0)), Decimal(0))


def _split(line: MetricLine, row: ReportRow) -> bool:
    """Whether the metric is the sum of parts: its parts carry over, each with its owner."""
    return any(m.parent == line.view.metric.key for m in row.task.metrics)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
