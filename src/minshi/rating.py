"""满意度测评: the votes on a task and the grade they give (docs/design.md, "The year's end").

Pure rules. Votes are counts (满意 / 基本满意 / 不满意 by the deputies or residents who rated the
task) or the percentages a 测评 published; either way the grade is judged on shares of the
whole, exactly (Fraction):

- 满意 when the 满意 share is over `satisfied_over` percent (default 50: over half);
- 基本满意 when 满意 and 基本满意 together are over `satisfied_or_basic_over` (default 50);
- otherwise 不满意.

"Over" is strict: exactly half is not over half. An office with another rule sets both numbers
in minshi.toml (`[rating]`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

from minshi.errors import InputError
from minshi.tuples import NamedTuple

Grade = Literal["satisfied", "basic", "unsatisfied"]
GRADE_LABELS: dict[Grade, str] = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}

MAX_VOTES = 10**9  # more than any district has people
PERCENT_SLACK = Decimal("0.5")  # published percentages are rounded: 33.3 + 33.3 + 33.3 is 99.9


class GradeRule(NamedTuple):
    """Above which shares (percent of all votes) a task is 满意, or 基本满意."""

    satisfied_over: Decimal = Decimal(50)
    satisfied_or_basic_over: Decimal = Decimal(50)


class Votes(NamedTuple):
    """A 满意度测评 of one task: counts, or percentages when `percent`."""

    satisfied: Decimal
    basic: Decimal
    unsatisfied: Decimal
    percent: bool = False

    @property
    def total(self) -> Decimal:
        return self.satisfied + self.basic + self.unsatisfied

    def shares(self) -> tuple[Fraction, Fraction, Fraction]:
        """满意, 基本满意 and 不满意 as exact percentages of the whole (they add up to 100)."""
        total = Fraction(self.total)
        return (
            Fraction(self.satisfied) * 100 / total,
            Fraction(self.basic) * 100 / total,
            Fraction(self.unsatisfied) * 100 / total,
        )


def check_rule(satisfied_over: Decimal, satisfied_or_basic_over: Decimal) -> GradeRule:
    """A rule whose thresholds are percentages, the 基本满意 one no higher than the 满意 one."""
    for number in (satisfied_over, satisfied_or_basic_over):
        if not number.is_finite() or not 0 <= number < 100:
            raise InputError(
                f"a rating threshold is a percentage from 0 to below 100, not {number}"
            )
    if satisfied_or_basic_over > satisfied_over:
        raise InputError(
            "satisfied_or_basic_over cannot be above satisfied_over: a task rated 满意 must "
            "also count as at least 基本满意"
        )
    return GradeRule(satisfied_over, satisfied_or_basic_over)


def check_votes(
    satisfied: Decimal, basic: Decimal, unsatisfied: Decimal, *, percent: bool = False
) -> Votes:
    """Votes that can be: none negative, not all zero; counts whole, percentages adding up to
    100 (within the rounding of a published figure). InputError names what is wrong."""
    named = {"--satisfied": satisfied, "--basic": basic, "--unsatisfied": unsatisfied}
    for option, number in named.items():
        if not number.is_finite():
            raise InputError(f"{option} must be a number, not {number}")
        if number < 0:
            raise InputError(f"{option} cannot be negative ({number})")
        if not percent and number != number.to_integral_value():
            raise InputError(
                f"{option} {number} is not a whole number of votes; for shares add --percent"
            )
        if number > (100 if percent else MAX_VOTES):
            limit = "100%" if percent else f"{MAX_VOTES:,} votes"
            raise InputError(f"{option} {number} is more than {limit}")
    votes = Votes(satisfied, basic, unsatisfied, percent)
    if votes.total == 0:
        raise InputError("a rating needs votes: --satisfied, --basic and --unsatisfied are all 0")
    if percent and abs(votes.total - 100) > PERCENT_SLACK:
        raise InputError(
            f"the percentages add up to {votes.total}%, not 100%: give each share of the whole "
            "(or the counts, without --percent)"
        )
    return votes


def grade(votes: Votes, rule: GradeRule = GradeRule()) -> Grade:
    """满意, 基本满意 or 不满意 by the rule (see the module's docstring)."""
    satisfied, basic, _ = votes.shares()
    if satisfied > Fraction(rule.satisfied_over):
        return "satisfied"
    if satisfied + basic > Fraction(rule.satisfied_or_basic_over):
        return "basic"
    return "unsatisfied"
