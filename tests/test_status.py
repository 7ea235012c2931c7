"""Status rules (DESIGN.md, "Status rules"): 序时进度, progress, metric and task status."""

from __future__ import annotations

import calendar
import math
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

import minshi
from minshi.models import Bands, Comparator, Metric, MetricKind, Period, Revision
from minshi.render.labels import STATUS_LABELS
from minshi.status import (
    STATUS_ORDER,
    MetricState,
    Reading,
    Status,
    capped,
    expected_progress,
    metric_state,
    progress_ratio,
    target_as_of,
    worst,
)

D = Decimal
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
# Ten days, so that day 5 is exactly half way and band edges fall on round numbers.
TEN_DAYS = Period(date(2024, 1, 1), date(2024, 1, 10))
HALF_WAY = date(2024, 1, 5)


def quantity(target: str | None = "100", comparator: Comparator = ">=", **kw: Any) -> Metric:
    return Metric(
        key="k",
        name="指标",
        kind="quantity",
        target=None if target is None else D(target),
        comparator=comparator,
        **kw,
    )


def percent(target: str = "95", comparator: Comparator = ">=", **kw: Any) -> Metric:
    return Metric(
        key="k",
        name="知晓率",
        kind="percent",
        target=D(target),
        unit="%",
        comparator=comparator,
        **kw,
    )


MILESTONE = Metric(key="k", name="建成其芳小学", kind="milestone")


def state(
    metric: Metric,
    value: str | None,
    as_of: date,
    period: Period = TEN_DAYS,
    bands: Bands = Bands(),
) -> MetricState:
    reading = None if value is None else Reading(value=D(value), date=as_of)
    return metric_state(metric, reading, as_of=as_of, period=period, bands=bands)


# --- 序时进度 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "deadline", "as_of", "expected"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 30), 182 / 366),  # leap year
        (date(2023, 1, 1), date(2023, 12, 31), date(2023, 6, 30), 181 / 365),
        (date(2024, 1, 1), date(2024, 12, 31), date(2024, 1, 1), 1 / 366),  # first day counts
        (date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31), 1.0),  # deadline day
        (date(2024, 1, 1), date(2024, 12, 31), date(2025, 3, 1), 1.0),  # clamped after
        (date(2024, 1, 1), date(2024, 12, 31), date(2023, 12, 31), 0.0),  # before the start
        (date(2024, 1, 1), date(2024, 6, 30), date(2024, 3, 31), 91 / 182),  # own deadline
        (date(2024, 7, 1), date(2024, 6, 30), date(2024, 7, 1), 1.0),  # deadline before start
        (date(2024, 7, 1), date(2024, 6, 30), date(2024, 6, 30), 0.0),
    ],
)
def test_expected_progress(start: date, deadline: date, as_of: date, expected: float) -> None:
    assert expected_progress(start, deadline, as_of) == expected


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(start=dates, deadline=dates, a=dates, b=dates)
def test_expected_is_monotone_and_clamped(start: date, deadline: date, a: date, b: date) -> None:
    early, late = sorted((a, b))
    lo = expected_progress(start, deadline, early)
    hi = expected_progress(start, deadline, late)
    assert 0.0 <= lo <= hi <= 1.0


@given(start=dates, length=st.integers(0, 3000))
def test_expected_is_one_on_the_deadline_day(start: date, length: int) -> None:
    deadline = start + timedelta(days=length)
    assert expected_progress(start, deadline, deadline) == 1.0
    if length:
        assert expected_progress(start, deadline, deadline - timedelta(days=1)) < 1.0


@given(year=st.integers(1901, 2099))
def test_expected_counts_leap_days(year: int) -> None:
    days = 366 if calendar.isleap(year) else 365
    start, end = date(year, 1, 1), date(year, 12, 31)
    assert expected_progress(start, end, start) == 1 / days
    assert expected_progress(start, end, date(year, 3, 1)) == (61 if days == 366 else 60) / days


# --- targets and progress -----------------------------------------------------------------


def test_target_as_of_applies_the_latest_revision_in_force() -> None:
    metric = quantity(
        "100",
        revisions=[
            Revision(date(2024, 9, 1), D(150), "第二次下达"),
            Revision(date(2024, 5, 1), D(120), "市级下达"),
        ],
    )
    assert target_as_of(metric, date(2024, 4, 30)) == D(100)
    assert target_as_of(metric, date(2024, 5, 1)) == D(120)
    assert target_as_of(metric, date(2024, 8, 31)) == D(120)
    assert target_as_of(metric, date(2024, 12, 31)) == D(150)


def test_target_as_of_later_entry_wins_a_same_day_tie_and_sets_a_missing_target() -> None:
    metric = quantity(
        None, revisions=[Revision(date(2024, 5, 1), D(7)), Revision(date(2024, 5, 1), D(8), "更正")]
    )
    assert target_as_of(metric, date(2024, 4, 30)) is None
    assert target_as_of(metric, date(2024, 5, 1)) == D(8)


@pytest.mark.parametrize(
    ("metric", "actual", "target", "expected"),
    [
        (quantity(), "50", "100", 0.5),
        (quantity(), "150", "100", 1.5),  # uncapped
        (quantity(comparator="~"), "19000", "20000", 0.95),
        (quantity(), None, "100", None),  # nothing reported
        (quantity(), "50", None, None),  # no target in force
        (quantity(), "50", "0", None),  # guarded, not a ZeroDivisionError
        (quantity(), "50", "-10", None),
        (percent(), "90", "95", 90 / 95),
        (quantity("5", "<=", baseline=D(10)), "7", "5", 0.6),
        (quantity("5", "<=", baseline=D(10)), "11", "5", -0.2),  # worse than the baseline
        (quantity("5", "<="), "7", "5", None),  # no baseline: never divide by the target
        (quantity("5", "<="), "0", "0", None),
        (quantity("5", "<=", baseline=D(5)), "4", "5", None),  # baseline == target
        (quantity("5", "<=", baseline=D(3)), "4", "5", None),  # baseline below target
        (MILESTONE, "40", None, 0.4),  # 形象进度 %
    ],
)
def test_progress_ratio(
    metric: Metric, actual: str | None, target: str | None, expected: float | None
) -> None:
    result = progress_ratio(
        metric, None if actual is None else D(actual), None if target is None else D(target)
    )
    assert result == expected


# --- metric status --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("100", "done"),
        ("120", "done"),
        ("60", "ahead"),  # exactly 10 points ahead of 50 %
        ("59", "on_track"),
        ("40", "on_track"),  # exactly 10 points behind
        ("39", "behind"),
        ("20", "behind"),  # exactly 30 points behind
        ("19", "far_behind"),
        (None, "far_behind"),  # nothing reported counts as 0
    ],
)
def test_quantity_status_by_band(value: str | None, status: Status) -> None:
    assert state(quantity("100"), value, HALF_WAY).status == status


def test_quantity_state_carries_its_figures() -> None:
    result = state(quantity("100"), "42", date(2024, 6, 30), YEAR_2024)
    assert result == MetricState("on_track", D(100), D(42), 0.42, 182 / 366, date(2024, 12, 31))
    unreported = state(quantity("100"), None, date(2024, 6, 30), YEAR_2024)
    assert (unreported.actual, unreported.progress) == (None, None)


@pytest.mark.parametrize(
    ("bands", "value", "status"),
    [
        (Bands(ahead=D(5)), "55", "ahead"),
        (Bands(ahead=D(5)), "54", "on_track"),
        (Bands(behind=D(5)), "45", "on_track"),
        (Bands(behind=D(5)), "44", "behind"),
        (Bands(far_behind=D(20)), "30", "behind"),
        (Bands(far_behind=D(20)), "29", "far_behind"),
        (Bands(behind=D("2.5")), "47.5", "on_track"),
        (Bands(behind=D("2.5")), "47.4", "behind"),
    ],
)
def test_bands_are_percentage_points(bands: Bands, value: str, status: Status) -> None:
    assert state(quantity("100"), value, HALF_WAY, bands=bands).status == status


@pytest.mark.parametrize(
    ("as_of", "value", "status"),
    [
        (date(2024, 12, 31), "99", "on_track"),  # the deadline day is not overdue
        (date(2025, 1, 1), "99", "overdue"),
        (date(2025, 1, 1), None, "overdue"),
        (date(2025, 1, 1), "100", "done"),  # finished late is still finished
    ],
)
def test_deadline(as_of: date, value: str | None, status: Status) -> None:
    assert state(quantity("100"), value, as_of, YEAR_2024).status == status


def test_a_metric_deadline_overrides_the_period_end() -> None:
    metric = quantity("100", deadline=date(2024, 6, 30))
    assert state(metric, "99", date(2024, 6, 30), YEAR_2024).status == "on_track"
    late = state(metric, "99", date(2024, 7, 1), YEAR_2024)
    assert (late.status, late.deadline, late.expected) == ("overdue", date(2024, 6, 30), 1.0)


@pytest.mark.parametrize(
    ("comparator", "value", "status"),
    [
        ("~", "20000", "done"),
        ("~", "19000", "done"),  # 约2万平方米: within 5 % below
        ("~", "25000", "done"),
        ("~", "18999", "on_track"),
        ("=", "20000", "done"),
        ("=", "21000", "done"),  # exceeding an "=" target has met it
        ("=", "19999", "on_track"),
        (">=", "19999", "on_track"),
    ],
)
def test_approximate_and_exact_targets(comparator: Comparator, value: str, status: Status) -> None:
    # On the deadline day 序时进度 is 100 %, so anything short of done is judged on pace.
    result = state(quantity("20000", comparator), value, date(2024, 12, 31), YEAR_2024)
    assert result.status == status


def test_approx_band_comes_from_the_notice() -> None:
    metric = quantity("100", "~")
    assert state(metric, "90", HALF_WAY, bands=Bands(approx=D(10))).status == "done"
    assert state(metric, "90", HALF_WAY).status == "ahead"


@pytest.mark.parametrize(
    ("value", "as_of", "status", "progress"),
    [
        ("5", HALF_WAY, "done", 1.0),
        ("4", HALF_WAY, "done", 1.2),
        ("7", HALF_WAY, "ahead", 0.6),
        ("8", HALF_WAY, "on_track", 0.4),
        ("9", HALF_WAY, "behind", 0.2),
        ("10", HALF_WAY, "far_behind", 0.0),
        (None, HALF_WAY, "far_behind", None),  # nothing reported counts as the baseline
        ("6", date(2024, 1, 11), "overdue", 0.8),
    ],
)
def test_at_most_target_with_baseline(
    value: str | None, as_of: date, status: Status, progress: float | None
) -> None:
    result = state(quantity("5", "<=", baseline=D(10)), value, as_of)
    assert (result.status, result.progress) == (status, progress)


@pytest.mark.parametrize(
    ("value", "as_of", "status"),
    [
        (None, HALF_WAY, "not_measured"),
        ("5", HALF_WAY, "done"),
        ("0", HALF_WAY, "done"),
        ("6", HALF_WAY, "behind"),  # over the cap; how far cannot be measured
        (None, date(2024, 1, 11), "overdue"),
        ("6", date(2024, 1, 11), "overdue"),
        ("5", date(2024, 1, 11), "done"),
    ],
)
def test_at_most_target_without_baseline(value: str | None, as_of: date, status: Status) -> None:
    for metric in (quantity("5", "<="), percent("5", "<=")):
        result = state(metric, value, as_of)
        assert (result.status, result.progress) == (status, None)


@pytest.mark.parametrize(
    ("value", "as_of", "status"),
    [
        (None, date(2024, 6, 30), "not_measured"),  # measured, not accumulated
        (None, date(2024, 12, 31), "not_measured"),
        (None, date(2025, 1, 1), "overdue"),
        ("95", date(2024, 6, 30), "done"),
        ("96.5", date(2024, 3, 1), "done"),
        ("94", date(2024, 6, 30), "on_track"),  # close to target: never "ahead" while unmet
        ("10", date(2024, 1, 15), "on_track"),  # early in the year, a low rate is not yet late
        ("80", date(2024, 12, 31), "behind"),
        ("50", date(2024, 12, 31), "far_behind"),
        ("94", date(2025, 1, 1), "overdue"),
    ],
)
def test_percent_metric(value: str | None, as_of: date, status: Status) -> None:
    assert state(percent("95"), value, as_of, YEAR_2024).status == status


@pytest.mark.parametrize(
    ("reading", "as_of", "status", "actual", "progress"),
    [
        (None, date(2024, 12, 31), "on_track", None, None),  # never behind
        (Reading(stage="主体施工", percent=D(40)), date(2024, 6, 30), "on_track", D(40), 0.4),
        (Reading(done=True), date(2024, 6, 30), "done", D(100), 1.0),
        (Reading(done=True, percent=D(80)), date(2025, 1, 1), "done", D(100), 1.0),
        (Reading(percent=D(95)), date(2025, 1, 1), "overdue", D(95), 0.95),
        (None, date(2025, 1, 1), "overdue", None, None),
    ],
)
def test_milestone(
    reading: Reading | None,
    as_of: date,
    status: Status,
    actual: Decimal | None,
    progress: float | None,
) -> None:
    result = metric_state(MILESTONE, reading, as_of=as_of, period=YEAR_2024)
    assert (result.status, result.actual, result.progress) == (status, actual, progress)


def test_revised_target_is_the_one_judged() -> None:
    metric = quantity("100", revisions=[Revision(date(2024, 6, 1), D(200), "市级下达")])
    before = state(metric, "150", date(2024, 5, 31), YEAR_2024)
    after = state(metric, "150", date(2024, 6, 30), YEAR_2024)
    assert (before.status, before.target) == ("done", D(100))
    assert (after.status, after.target, after.progress) == ("ahead", D(200), 0.75)


@pytest.mark.parametrize(
    ("metric", "value", "as_of", "status"),
    [
        (quantity(None, provisional=True), "50", HALF_WAY, "not_measured"),  # target not set
        (quantity(None, provisional=True), None, date(2024, 2, 1), "not_measured"),
        (quantity("0"), None, HALF_WAY, "not_measured"),  # silence does not meet a 0 target
        (quantity("0"), "0", HALF_WAY, "done"),
        (quantity("100"), "NaN", HALF_WAY, "far_behind"),  # not a measurement: as unreported
        (percent("95"), "Infinity", HALF_WAY, "not_measured"),
    ],
)
def test_unmeasurable_metrics(
    metric: Metric, value: str | None, as_of: date, status: Status
) -> None:
    result = state(metric, value, as_of)
    assert result.status == status
    assert result.progress is None or math.isfinite(result.progress)


# --- task roll-up ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "not_measured"),
        (["done"], "done"),
        (["done", "ahead", "on_track"], "on_track"),
        (["done", "not_measured"], "not_measured"),
        (["on_track", "behind", "ahead"], "behind"),
        (["behind", "far_behind"], "far_behind"),
        (["far_behind", "overdue", "done"], "overdue"),
    ],
)
def test_worst(statuses: list[Status], expected: Status) -> None:
    assert worst(statuses) == expected
    assert worst(iter(statuses)) == expected


@pytest.mark.parametrize(
    ("progress", "expected"),
    [(None, 0.0), (0.42, 0.42), (1.0, 1.0), (1.5, 1.0), (-0.2, 0.0), (math.nan, 0.0)],
)
def test_capped(progress: float | None, expected: float) -> None:
    assert capped(progress) == expected


def test_every_status_is_ordered_and_labelled() -> None:
    assert sorted(STATUS_ORDER) == sorted(get_args(Status))
    assert set(STATUS_LABELS) == set(get_args(Status))
    assert len(set(STATUS_LABELS.values())) == len(STATUS_LABELS)


def test_importing_status_stays_light() -> None:
    src = str(Path(minshi.__file__).parent.parent)
    code = (
        "import sys, minshi.status; print(sorted({'pydantic', 'typer', 'rich'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": src},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"


# --- properties -----------------------------------------------------------------------------

any_decimal = st.decimals()  # includes NaN, sNaN, ±Infinity, 0 and negatives
amounts = st.decimals(min_value=-1000, max_value=10**9, places=2)
targets = st.decimals(min_value=0, max_value=10**9, places=2)
comparators = st.sampled_from(get_args(Comparator))
bands = st.builds(
    Bands,
    ahead=st.decimals(0, 50, places=1),
    behind=st.decimals(0, 50, places=1),
    far_behind=st.decimals(0, 100, places=1),
    approx=st.decimals(0, 20, places=1),
)
as_of_2024 = st.dates(min_value=date(2023, 12, 1), max_value=date(2025, 2, 1))


@st.composite
def metrics(draw: st.DrawFn, target: st.SearchStrategy[Decimal] = targets) -> Metric:
    return Metric(
        key="k",
        name="指标",
        kind=draw(st.sampled_from(["quantity", "percent"])),
        target=draw(st.none() | target),
        comparator=draw(st.none() | comparators),
        baseline=draw(st.none() | target),
    )


def rank(status: Status) -> int:
    return STATUS_ORDER.index(status)


@given(metric=metrics(), a=amounts, b=amounts, as_of=as_of_2024, bands=bands)
def test_more_actual_never_worsens_status(
    metric: Metric, a: Decimal, b: Decimal, as_of: date, bands: Bands
) -> None:
    less, more = sorted((a, b))
    if metric.comparator == "<=":  # lower is better
        less, more = more, less
    worse = metric_state(metric, Reading(value=less), as_of=as_of, period=YEAR_2024, bands=bands)
    better = metric_state(metric, Reading(value=more), as_of=as_of, period=YEAR_2024, bands=bands)
    assert rank(better.status) >= rank(worse.status)


@given(
    metric=metrics(st.decimals(min_value=1, max_value=10**6, places=2)),
    value=amounts,
    length=st.integers(0, 400),
)
def test_deadline_day_is_not_overdue_and_the_day_after_is(
    metric: Metric, value: Decimal, length: int
) -> None:
    deadline = YEAR_2024.start + timedelta(days=length)
    metric = Metric(
        key="k",
        name="指标",
        kind=metric.kind,
        target=metric.target or D(1),
        comparator=metric.comparator,
        baseline=metric.baseline,
        deadline=deadline,
    )
    on_time = state(metric, str(value), deadline, YEAR_2024)
    after = state(metric, str(value), deadline + timedelta(days=1), YEAR_2024)
    assert on_time.status != "overdue"
    assert after.status == ("done" if on_time.status == "done" else "overdue")


@given(metric=metrics(any_decimal), actual=any_decimal, target=any_decimal, as_of=as_of_2024)
def test_progress_never_raises(
    metric: Metric, actual: Decimal, target: Decimal, as_of: date
) -> None:
    progress = progress_ratio(metric, actual, target)
    assert progress is None or math.isfinite(progress)
    result = metric_state(metric, Reading(value=actual), as_of=as_of, period=YEAR_2024)
    assert result.status in STATUS_ORDER
    assert result.progress is None or math.isfinite(result.progress)
    assert 0.0 <= capped(result.progress) <= 1.0


@given(
    kind=st.sampled_from(["quantity", "percent"]),
    actual=st.none() | any_decimal,
    target=any_decimal,
    as_of=as_of_2024,
)
def test_at_most_without_baseline_never_divides(
    kind: MetricKind, actual: Decimal | None, target: Decimal, as_of: date
) -> None:
    metric = Metric(
        key="k",
        name="控制率",
        kind=kind,
        target=target,
        comparator="<=",
    )
    assert progress_ratio(metric, actual, target) is None
    reading = None if actual is None else Reading(value=actual)
    result = metric_state(metric, reading, as_of=as_of, period=YEAR_2024)
    assert result.progress is None
    assert result.status in ("done", "overdue", "behind", "not_measured")


@given(st.lists(st.sampled_from(STATUS_ORDER)))
def test_worst_is_the_lowest_ranked(statuses: list[Status]) -> None:
    result = worst(statuses)
    assert all(rank(result) <= rank(s) for s in statuses)
    assert result in statuses or (not statuses and result == "not_measured")


@pytest.mark.parametrize(
    ("statuses", "rolled"),
    [
        (["on_track", "not_measured"], "on_track"),  # an unreported rate does not hide the pace
        (["behind", "not_measured", "on_track"], "behind"),
        (["done", "not_measured"], "on_track"),  # not done while a rate is unknown
        (["done", "done"], "done"),
        (["not_measured", "not_measured"], "not_measured"),
        ([], "not_measured"),
        (["overdue", "done"], "overdue"),
    ],
)
def test_a_task_is_the_worst_of_its_measured_metrics(statuses: list[Status], rolled: str) -> None:
    from minshi.status import task_status

    assert task_status(statuses) == rolled
