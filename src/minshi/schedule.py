"""Planned schedules (进度计划), milestone stages, months and the pace of reports: pure arithmetic.

A plan is a list of points `{by, share}`: the cumulative share of the target, in percent, expected
by the end of each date. Expected progress is then piecewise linear through the day before the
period starts (0), the points, and the deadline (100%), with days counted inclusively as for the
straight line (`status.expected_progress`): a plan whose points lie on the line is the line.

A milestone's stages (`{name, by}`, in order) say which stage should be reached by a date; a
reported stage is compared with it by position. The pace of recent reports gives a forecast: the
value at the deadline and the day the target would be met (docs/design.md, "Planned schedules").
Exact arithmetic throughout (Fraction); nothing here reads the clock.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from minshi.models import SchedulePoint, Stage
from minshi.tuples import NamedTuple

RECENT_MONTHS = 3  # 按近三个月进度: the pace is measured over about the last three months
_HUNDRED = Fraction(100)
_FAR = 36_500  # days: a target met further off than a century is not met at this pace


def _day_number(start: date, day: date) -> int:
    """Days of the period completed by the end of `day` (the start day itself is 1)."""
    return (day - start).days + 1


def planned_expected(
    start: date, deadline: date, as_of: date, plan: Sequence[SchedulePoint]
) -> Fraction:
    """The share of the target expected by the end of `as_of` under `plan`, in [0, 1].

    0 before the period starts, 1 from the deadline on, piecewise linear in between through the
    plan's points. Without points it is the straight line of 序时进度. Points outside the period
    or on or after the deadline are left out, and a share below an earlier one is taken as the
    earlier one (validation refuses both; the arithmetic stays sound without it)."""
    total = max((deadline - start).days, 0) + 1
    now = min(max(_day_number(start, as_of), 0), total)
    knots: list[tuple[int, Fraction]] = [(0, Fraction(0))]
    for point in sorted(plan, key=lambda p: p.by):
        at = _day_number(start, point.by)
        if not 0 < at < total or not point.share.is_finite():
            continue
        share = min(max(Fraction(point.share) / _HUNDRED, knots[-1][1]), Fraction(1))
        if at == knots[-1][0]:
            knots[-1] = (at, share)
        else:
            knots.append((at, share))
    knots.append((total, Fraction(1)))
    for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
        if now <= x1:
            return y0 + (y1 - y0) * (now - x0) / (x1 - x0)
    return Fraction(1)


def stage_position(stages: Sequence[Stage], name: str | None) -> int:
    """How many stages a reported stage name means reached (its place, from 1); 0 for none or a
    name that is not one of the stages."""
    for place, stage in enumerate(stages, start=1):
        if stage.name == name:
            return place
    return 0


def stages_due(stages: Sequence[Stage], as_of: date) -> int:
    """How many stages should be reached by the end of `as_of`."""
    return sum(1 for stage in stages if stage.by <= as_of)


def stage_expected(stages: Sequence[Stage], as_of: date) -> Stage | None:
    """The latest stage that should be reached by the end of `as_of` (None before the first,
    and for a metric without stages: most of them)."""
    if not stages:
        return None
    due = stages_due(stages, as_of)
    return stages[due - 1] if due else None


def stages_behind(stages: Sequence[Stage], reported: str | None, as_of: date) -> int:
    """How many stages a milestone is behind: those due by `as_of` beyond the one reported."""
    return max(stages_due(stages, as_of) - stage_position(stages, reported), 0)


# ---------------------------------------------------------------------------------------------
# Months


def days_in_month(year: int, month: int) -> int:
    """28 to 31 (calendar.monthrange without loading calendar at start)."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (following - timedelta(days=1)).day


def month_end(year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


def months_back(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


@functools.lru_cache(maxsize=64)
def month_ends(first: date, last: date) -> tuple[date, ...]:
    """Every month's last day from `first` to `last`, both included, oldest first."""
    ends: list[date] = []
    end = month_end(first.year, first.month)
    while end <= last:
        ends.append(end)
        following = end + timedelta(days=1)
        end = month_end(following.year, following.month)
    return tuple(ends)


# ---------------------------------------------------------------------------------------------
# Forecast from the pace of recent reports


class Forecast(NamedTuple):
    """Where a metric is heading at the pace of its recent reports."""

    value_at_deadline: Decimal  # the value on the deadline at that pace (2 decimals)
    date_reached: date | None  # the day the target would be met; None: not at that pace
    since: date  # the report the pace is measured from


def _rounded(numerator: int, denominator: int) -> Decimal:
    """numerator ÷ denominator (both ≥ 0) to 2 decimals, half up, without trailing zeros."""
    hundredths = (200 * numerator + denominator) // (2 * denominator)
    whole, cents = divmod(hundredths, 100)
    return Decimal(whole) if not cents else Decimal(hundredths).scaleb(-2).normalize()


def pace_forecast(
    base: tuple[date, Decimal],
    last: tuple[date, Decimal],
    *,
    deadline: date,
    goal: Fraction | Decimal | None,
    downward: bool = False,
    ceiling: Decimal | None = None,
) -> Forecast | None:
    """The forecast at the pace from the report `base` to the report `last` (`(date, value)`).

    Progress is upwards, or down for a `downward` target (控制在…以内), and never backwards: a
    pace the wrong way counts as none. `goal` is the value that meets the target (None: no target
    in force), `ceiling` caps the value (100 for a rate). Exact: integers throughout, since this
    runs for every metric shown."""
    (base_day, base_value), (last_day, last_value) = base, last
    span = (last_day - base_day).days
    if span <= 0 or not (base_value.is_finite() and last_value.is_finite()):
        return None
    bn, bd = base_value.as_integer_ratio()
    ln, ld = last_value.as_integer_ratio()
    sign = -1 if downward else 1
    # the pace, in the direction of progress, per day: pn / pd
    pn, pd = max(sign * (ln * bd - bn * ld), 0), ld * bd * span
    # the value on the deadline: vn / vd
    ahead = max((deadline - last_day).days, 0)
    vn, vd = max(ln * pd + sign * pn * ahead * ld, 0), ld * pd
    if ceiling is not None:
        cn, cd = ceiling.as_integer_ratio()
        if vn * cd > cn * vd:
            vn, vd = cn, cd
    reached = None
    if goal is not None:
        # what is still to do, in the direction of progress: nn / nd
        gn, gd = goal.as_integer_ratio()
        nn, nd = sign * (gn * ld - ln * gd), gd * ld
        if nn <= 0:
            reached = last_day
        elif pn > 0:
            days = -(-(nn * pd) // (nd * pn))  # whole days, rounded up
            reached = last_day + timedelta(days=days) if days < _FAR else None
    return Forecast(_rounded(vn, vd), reached, base_day)


def forecast(
    points: Sequence[tuple[date, Decimal]],
    *,
    as_of: date,
    deadline: date,
    goal: Fraction | Decimal | None,
    downward: bool = False,
    ceiling: Decimal | None = None,
) -> Forecast | None:
    """The forecast from reports `(date, value)` dated ≤ `as_of`, oldest first (of several on
    one day, the last counts).

    The pace runs from the last report dated on or before the same day three months earlier
    (else the first report) to the latest one; None with fewer than two reports on different
    days. See `pace_forecast` for the rest."""
    by_day: dict[date, Decimal] = {}
    for day, reported in points:
        if day <= as_of and reported.is_finite():
            by_day[day] = reported
    if len(by_day) < 2:
        return None
    days = sorted(by_day)
    window = months_back(as_of, RECENT_MONTHS)
    earlier = [d for d in days if d <= window]
    base_day = earlier[-1] if earlier else days[0]
    return pace_forecast(
        (base_day, by_day[base_day]),
        (days[-1], by_day[days[-1]]),
        deadline=deadline,
        goal=goal,
        downward=downward,
        ceiling=ceiling,
    )
