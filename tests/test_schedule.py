"""Planned schedules and stages (docs/design.md, "Planned schedules and early warning"): the
arithmetic, the validation of the data, and a notice worked out by hand (tests/fixtures/
plan_2024.yaml): 序时进度 that follows the plan, statuses, months behind in a row, forecasts."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minshi.models import SchedulePoint, Stage
from minshi.schedule import (
    forecast,
    month_ends,
    months_back,
    planned_expected,
    stage_position,
    stages_behind,
)
from minshi.status import expected_progress
from tests.conftest import FIXTURES, Invoke

PLAN = FIXTURES / "plan_2024.yaml"
START = date(2024, 1, 1)


# ---------------------------------------------------------------------------------------------
# The arithmetic


@st.composite
def plans(draw: st.DrawFn) -> tuple[date, date, list[SchedulePoint]]:
    """A period start, a deadline and a valid plan between them."""
    start = draw(st.dates(date(2020, 1, 1), date(2030, 1, 1)))
    deadline = start + timedelta(days=draw(st.integers(0, 800)))
    span = (deadline - start).days  # points lie before the deadline
    days = sorted(draw(st.sets(st.integers(0, span - 1), max_size=6))) if span else []
    shares = sorted(draw(st.lists(st.integers(0, 100), min_size=len(days), max_size=len(days))))
    points = [
        SchedulePoint(start + timedelta(days=d), Decimal(s))
        for d, s in zip(days, shares, strict=True)
    ]
    return start, deadline, points


@given(plans(), st.integers(-30, 900), st.integers(-30, 900))
def test_planned_progress_rises_from_nothing_to_everything(
    plan: tuple[date, date, list[SchedulePoint]], a: int, b: int
) -> None:
    start, deadline, points = plan
    early, late = sorted((start + timedelta(days=a), start + timedelta(days=b)))
    first, second = (planned_expected(start, deadline, d, points) for d in (early, late))
    assert 0 <= first <= second <= 1
    assert planned_expected(start, deadline, start - timedelta(days=1), points) == 0
    assert planned_expected(start, deadline, deadline, points) == 1
    assert planned_expected(start, deadline, deadline + timedelta(days=1), points) == 1


@given(plans())
def test_each_point_is_met_on_its_day(plan: tuple[date, date, list[SchedulePoint]]) -> None:
    start, deadline, points = plan
    for point in points:
        assert planned_expected(start, deadline, point.by, points) == Fraction(point.share) / 100


@given(
    st.sampled_from([1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 80, 100, 125, 160, 200, 250, 400]),
    st.data(),
)
def test_a_plan_on_the_straight_line_is_the_straight_line(total: int, data: st.DataObject) -> None:
    """Points on the line (shares that are whole hundredths of the days: a period of 2ᵃ·5ᵇ days)
    give 序时进度 itself, day by day."""
    deadline = START + timedelta(days=total - 1)
    days = sorted(data.draw(st.sets(st.integers(1, total - 1), max_size=5)) if total > 1 else [])
    points = [SchedulePoint(START + timedelta(days=d - 1), Decimal(100 * d) / total) for d in days]
    assert all(
        Fraction(p.share) == Fraction(100 * d, total) for p, d in zip(points, days, strict=True)
    )
    for offset in range(-2, total + 2):
        day = START + timedelta(days=offset)
        line = Fraction(min(max(offset + 1, 0), total), total)
        assert planned_expected(START, deadline, day, points) == line
        assert planned_expected(START, deadline, day, []) == line
        assert float(line) == expected_progress(START, deadline, day)


def test_a_plan_bends_the_line() -> None:
    """60% by 30 June and all by 30 November, in a year of 366 days."""
    plan = [
        SchedulePoint(date(2024, 6, 30), Decimal(60)),
        SchedulePoint(date(2024, 11, 30), Decimal(100)),
    ]
    end = date(2024, 12, 31)
    assert planned_expected(START, end, date(2024, 3, 31), plan) == Fraction(3, 10)  # day 91 of 182
    assert planned_expected(START, end, date(2024, 6, 30), plan) == Fraction(6, 10)
    # 60% + 40% × 92 / 153 days
    assert planned_expected(START, end, date(2024, 9, 30), plan) == Fraction(6, 10) + Fraction(
        4 * 92, 10 * 153
    )
    assert planned_expected(START, end, date(2024, 12, 1), plan) == 1


STAGES = [
    Stage("开工", date(2024, 3, 31)),
    Stage("主体完工", date(2024, 8, 31)),
    Stage("竣工验收", date(2024, 11, 30)),
]


@pytest.mark.parametrize(
    ("reported", "day", "behind"),
    [
        (None, date(2024, 3, 30), 0),
        (None, date(2024, 3, 31), 1),
        ("开工", date(2024, 6, 30), 0),
        ("开工", date(2024, 9, 30), 1),
        ("开工", date(2024, 11, 30), 2),
        ("主体完工", date(2024, 11, 30), 1),
        ("竣工验收", date(2024, 5, 1), 0),  # ahead of its dates
        ("主体", date(2024, 9, 30), 2),  # not one of the stages: nothing reached
    ],
)
def test_stages_behind(reported: str | None, day: date, behind: int) -> None:
    assert stages_behind(STAGES, reported, day) == behind


def test_stage_position() -> None:
    assert [stage_position(STAGES, n) for n in ("开工", "竣工验收", None, "x")] == [1, 3, 0, 0]


def test_months() -> None:
    assert months_back(date(2024, 6, 30), 4) == date(2024, 2, 29)
    assert months_back(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_back(date(2024, 1, 15), 3) == date(2023, 10, 15)
    assert month_ends(date(2024, 11, 5), date(2025, 2, 27)) == (
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
    )
    assert month_ends(date(2024, 3, 1), date(2024, 2, 1)) == ()


def test_forecast_from_the_pace_of_recent_reports() -> None:
    points = [
        (date(2024, 2, 29), Decimal(10)),
        (date(2024, 3, 31), Decimal(15)),
        (date(2024, 6, 30), Decimal(40)),
    ]

    def ahead(**kw: Any) -> Any:
        args: dict[str, Any] = {"as_of": date(2024, 6, 30), "deadline": date(2024, 12, 31)}
        return forecast(points, **{**args, **kw})

    # the pace from 29 February (the last report by 30 March) to 30 June: 30 in 122 days
    result = ahead(goal=Fraction(100))
    assert result is not None
    assert result.since == date(2024, 2, 29)
    assert result.value_at_deadline == Decimal("85.25")  # 40 + 30 × 184 / 122
    assert result.date_reached == date(2025, 3, 1)  # 60 more: 244 days
    assert ahead(goal=Fraction(50)).date_reached == date(2024, 8, 10)  # 10 more: 41 days
    assert ahead(goal=Fraction(40)).date_reached == date(2024, 6, 30)  # met already
    assert ahead(goal=None).date_reached is None
    assert ahead(goal=Fraction(100), ceiling=Decimal(60)).value_at_deadline == 60
    # fewer than two reports on different days: no pace
    assert (
        forecast(points[:1], as_of=date(2024, 6, 30), deadline=date(2024, 12, 31), goal=None)
        is None
    )
    twice = [(date(2024, 6, 1), Decimal(1)), (date(2024, 6, 1), Decimal(2))]
    assert forecast(twice, as_of=date(2024, 6, 30), deadline=date(2024, 12, 31), goal=None) is None


def test_a_pace_the_wrong_way_is_no_pace() -> None:
    down = [(date(2024, 5, 1), Decimal(50)), (date(2024, 6, 1), Decimal(40))]
    result = forecast(
        down, as_of=date(2024, 6, 30), deadline=date(2024, 12, 31), goal=Fraction(100)
    )
    assert result is not None
    assert (result.value_at_deadline, result.date_reached) == (40, None)
    # a "<=" target: coming down is progress (900 → 600 in 30 days, 200 is the cap)
    cap = [(date(2024, 5, 1), Decimal(900)), (date(2024, 5, 31), Decimal(600))]
    result = forecast(
        cap, as_of=date(2024, 6, 30), deadline=date(2024, 12, 31), goal=Fraction(200), downward=True
    )
    assert result is not None
    assert result.value_at_deadline == 0  # never below nothing
    assert result.date_reached == date(2024, 7, 10)  # 400 more at 10 a day


# ---------------------------------------------------------------------------------------------
# Validation


def validate(cli: Invoke, tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    problems = [line.strip() for line in lines[1:]] or [lines[0].removeprefix("minshi: error: ")]
    return [line.replace(f"{path}:", "") for line in problems]


def test_the_fixture_is_valid(cli: Invoke) -> None:
    result = cli("validate", str(PLAN))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ok: {PLAN} — 1 notice, 5 tasks, 8 metrics, 6 units\n"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("{by: 2024-11-30, share: 100}", "{by: 2024-11-30, share: 50}"),
            "16: task 1 → schedule[1].share: the shares are cumulative and cannot fall: "
            "50 after 60",
        ),
        (
            ("{by: 2024-11-30, share: 100}", "{by: 2024-06-30, share: 100}"),
            "16: task 1 → schedule[1].by: the dates must rise: 2024-06-30 does not come after "
            "2024-06-30",
        ),
        (
            ("{by: 2024-11-30, share: 100}", "{by: 2025-01-31, share: 100}"),
            "16: task 1 → schedule[1].by: 2025-01-31 is outside the notice's period "
            "(2024-01-01 – 2024-12-31)",
        ),
        (
            ("{by: 2024-11-30, share: 100}", "{by: 2024-12-31, share: 90}"),
            "16: task 1 → schedule[1].share: on the deadline 2024-12-31 the whole target is due: "
            "share 100",
        ),
        (
            ('unit: 个, comparator: ">="}', 'unit: 个, comparator: ">=", deadline: 2024-10-31}'),
            "16: task 1 → schedule[1].by: 2024-11-30 is after the deadline 2024-10-31",
        ),
        (
            ("{by: 2024-06-30, share: 60}", "{by: 2024-06-30, share: 160}"),
            "16: task 1 → schedule[0].share: Input should be less than or equal to 100",
        ),
        (
            ("{name: 竣工验收, by: 2024-11-30}", "{name: 开工, by: 2024-11-30}"),
            "38: task 3 → metrics[0].stages[2].name: stage '开工' is listed twice",
        ),
        (
            ("{name: 主体完工, by: 2024-08-31}", "{name: 主体完工, by: 2024-02-29}"),
            "37: task 3 → metrics[0].stages[1].by: the stages are in order: 主体完工 (2024-02-29) "
            "cannot be due before 开工 (2024-03-31)",
        ),
        (
            (
                'comparator: ">="}\n  - id: 3',
                'comparator: ">=", stages: [{name: 开工, by: 2024-03-31}]}\n  - id: 3',
            ),
            "25: task 2 → metrics[0].stages: stages belong to milestones; plan this metric with a "
            "schedule",
        ),
        (
            (
                "        kind: milestone\n",
                "        kind: milestone\n        schedule: [{by: 2024-06-30, share: 50}]\n",
            ),
            "35: task 3 → metrics[0].schedule: a milestone is planned with dated stages, not a "
            "schedule",
        ),
    ],
)
def test_a_bad_plan_is_refused_with_its_line(
    cli: Invoke, tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    text = PLAN.read_text(encoding="utf-8")
    assert change[0] in text
    assert validate(cli, tmp_path, text.replace(change[0], change[1], 1)) == [problem]


# ---------------------------------------------------------------------------------------------
# A notice worked out by hand


@pytest.fixture
def plan(isolated: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke) -> Invoke:
    """The plan notice, with the reports the figures below are worked out from."""
    data = isolated / "plan_2024.yaml"
    shutil.copy(PLAN, data)
    monkeypatch.setenv("MINSHI_DATA", str(data))
    reports = [
        ("1", "10", "2024-02-29"),
        ("1", "15", "2024-03-31"),
        ("1", "25", "2024-04-30"),
        ("1", "30", "2024-05-31"),
        ("1", "40", "2024-06-30"),
        ("2", "30", "2024-01-31"),
        ("2", "45", "2024-06-30"),
    ]
    for task, value, day in reports:
        result = cli("progress", "update", task, "--value", value, "--date", day)
        assert result.exit_code == 0, result.stderr
    result = cli("progress", "update", "3", "--stage", "开工", "--date", "2024-04-15")
    assert result.exit_code == 0, result.stderr
    return cli


def metric_json(cli: Invoke, task: str, as_of: str) -> dict[str, Any]:
    result = cli("show", task, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.stderr
    metric: dict[str, Any] = json.loads(result.stdout)["metrics"][0]
    return metric


PLANNED = [{"by": "2024-06-30", "share": 60}, {"by": "2024-11-30", "share": 100}]


@pytest.mark.parametrize(
    ("as_of", "expected", "status", "lag", "action"),
    [
        # 60% × 31/182 expected, nothing reported: 10.2 points behind
        ("2024-01-31", 0.1022, "behind", 1, "督促整改"),
        # 60% × 60/182 = 19.8% expected, 10% done: within 10 points
        ("2024-02-29", 0.1978, "on_track", 0, None),
        ("2024-03-31", 0.3, "behind", 1, "督促整改"),  # 15% of 30%
        ("2024-04-30", 0.3989, "behind", 2, "约谈单位主要负责人"),  # 25% of 39.9%
        ("2024-05-31", 0.5011, "behind", 3, "通报批评"),  # 30% of 50.1%
        ("2024-06-30", 0.6, "behind", 4, "通报批评"),  # 40% of 60% (on the line: 49.7%)
        ("2024-07-15", 0.6392, "behind", 4, "通报批评"),  # 60% + 40% × 15/153
        ("2024-09-30", 0.8405, "far_behind", 7, "通报批评"),  # 60% + 40% × 92/153
    ],
)
def test_expected_follows_the_plan(
    plan: Invoke, as_of: str, expected: float, status: str, lag: int, action: str | None
) -> None:
    metric = metric_json(plan, "1", as_of)
    assert metric["schedule"] == PLANNED
    assert (metric["expected"], metric["status"]) == (expected, status)
    assert (metric["lag_months"], metric["action"]) == (lag, action)


def test_the_straight_line_beside_it(plan: Invoke) -> None:
    metric = metric_json(plan, "2", "2024-06-30")
    assert metric["schedule"] == []
    assert (metric["expected"], metric["status"], metric["lag_months"]) == (0.4973, "on_track", 0)


def test_forecasts_and_the_early_warning(plan: Invoke) -> None:
    behind = metric_json(plan, "1", "2024-06-30")
    # 40 + 30 × 184/122 by the end of the year; 100 after 244 more days
    assert behind["forecast"] == {"value_at_deadline": 85.25, "date_reached": "2025-03-01"}
    assert behind["early_warning"] is False  # behind already: not a warning but a status
    on_pace = metric_json(plan, "2", "2024-06-30")
    # 45 + 15 × 184/151 by the end of the year; 55 more take 554 days
    assert on_pace["forecast"] == {"value_at_deadline": 63.28, "date_reached": "2026-01-05"}
    assert on_pace["early_warning"] is True
    assert metric_json(plan, "2", "2024-01-31")["forecast"] is None  # one report


def test_show_says_the_plan_and_the_forecast_in_a_line(plan: Invoke) -> None:
    planned = plan("show", "1", "--as-of", "2024-06-30").stdout.splitlines()
    assert planned[-2:] == [
        "新建口袋公园 · 计划进度：6月30日前完成60%，11月30日前完成100%",
        "新建口袋公园 · 按近三个月进度，预计年底完成85%",
    ]
    assert plan("show", "2", "--as-of", "2024-06-30").stdout.splitlines()[-1] == (
        "改造背街小巷 · 按1月31日以来的进度，预计年底完成63%（预警：预计不能按期完成）"
    )
    assert plan("show", "1", "--as-of", "2024-02-29").stdout.splitlines()[-1] == (
        "新建口袋公园 · 计划进度：6月30日前完成60%，11月30日前完成100%"
    )


def test_the_early_warning_in_incomplete(plan: Invoke) -> None:
    rows = json.loads(plan("incomplete", "--as-of", "2024-06-30", "--format", "json").stdout)
    by_key = {r["key"]: r for r in rows}
    assert by_key["小巷"]["early_warning"] is True and by_key["小巷"]["status"] == "on_track"
    assert by_key["公园"]["lag_months"] == 4 and by_key["公园"]["action"] == "通报批评"
    table = plan("incomplete", "--as-of", "2024-06-30").stdout
    row = next(line for line in table.splitlines() if "改造背街小巷" in line)
    assert row.endswith("按序时（预警）")


@pytest.mark.parametrize(
    ("as_of", "status", "due", "lag"),
    [
        ("2024-03-31", "behind", "开工", 1),  # 开工 reported on 15 April
        ("2024-06-30", "on_track", "开工", 0),
        ("2024-09-30", "behind", "主体完工", 2),  # since 31 August
        ("2024-11-30", "far_behind", "竣工验收", 4),  # two stages short
        ("2025-01-31", "overdue", "竣工验收", 6),
    ],
)
def test_a_milestone_is_judged_by_its_stages(
    plan: Invoke, as_of: str, status: str, due: str, lag: int
) -> None:
    metric = metric_json(plan, "3", as_of)
    assert (metric["status"], metric["stage_expected"], metric["lag_months"]) == (status, due, lag)
    assert metric["stage"] == ("开工" if as_of >= "2024-04-15" else None)
    assert [s["name"] for s in metric["stages"]] == ["开工", "主体完工", "竣工验收"]


def test_only_a_declared_stage_is_accepted(plan: Invoke) -> None:
    before = plan("progress", "log", "--format", "json").stdout
    result = plan("progress", "update", "3", "--stage", "主体", "--date", "2024-09-01")
    assert result.exit_code == 2
    assert result.stderr == (
        "minshi: error: task 3 实验小学: '主体' is not one of its stages; "
        "report one of 开工、主体完工、竣工验收\n"
    )
    assert plan("progress", "log", "--format", "json").stdout == before
    done = plan("progress", "update", "3", "--stage", "主体完工", "--date", "2024-09-01")
    assert done.exit_code == 0, done.stderr
    assert metric_json(plan, "3", "2024-09-30")["status"] == "on_track"


def test_show_lists_the_stages(plan: Invoke) -> None:
    lines = plan("show", "3", "--as-of", "2024-09-30").stdout.splitlines()
    assert lines[-1] == (
        "建成实验小学 · 阶段节点：开工（3月31日）、主体完工（8月31日）、竣工验收（11月30日）；"
        "截至9月30日应达到主体完工"
    )


def test_the_report_warns_of_what_will_miss_its_deadline(plan: Invoke, tmp_path: Path) -> None:
    said = (
        "第2项 改造背街小巷：45/100 条 (45%)，按序时（序时进度50%）；按1月31日以来的进度，"
        "预计年底完成63%"
    )
    text = plan("report", "--as-of", "2024-06-30").stdout
    section = text[text.index("按序时但预计不能按期完成（1项）") :]
    assert "".join(line.strip() for line in section.splitlines()[1:3]) == f"1. {said}"
    record = json.loads(plan("report", "--as-of", "2024-06-30", "--format", "json").stdout)
    assert [(w["task"], w["key"], w["early_warning"]) for w in record["early_warnings"]] == [
        (2, "小巷", True)
    ]
    markdown = plan("report", "--as-of", "2024-06-30", "--format", "markdown").stdout
    assert f"## 按序时但预计不能按期完成（1项）\n\n1. {said}\n" in markdown
    page = plan("report", "--as-of", "2024-06-30", "--format", "html").stdout
    assert (
        f'<h2 id="early-warnings">按序时但预计不能按期完成（1项）</h2>\n<ol>\n<li>{said}</li>'
        in page
    )
    out = tmp_path / "r.xlsx"
    assert plan("report", "--as-of", "2024-06-30", "-o", str(out)).exit_code == 0
    from openpyxl import load_workbook

    rows = [[c.value for c in r] for r in load_workbook(out)["预警"].iter_rows(min_row=2)]
    assert rows == [
        [
            "区住房城乡建委",
            2,
            "改造背街小巷",
            "改造背街小巷",
            "45/100 条 (45%)",
            182 / 366,
            "按序时",
            "按1月31日以来的进度，预计年底完成63%",
        ]
    ]
    # nothing to warn of: no section, no sheet
    early = plan("report", "--as-of", "2024-02-29").stdout
    assert "预计不能按期完成" not in early


@given(
    kind=st.sampled_from(["quantity", "percent", "milestone"]),
    comparator=st.sampled_from([">=", "=", "~", "<="]),
    target=st.one_of(st.none(), st.integers(-5, 300).map(Decimal)),
    value=st.one_of(st.none(), st.integers(0, 400).map(Decimal)),
    baseline=st.one_of(st.none(), st.integers(0, 600).map(Decimal)),
    planned=st.booleans(),
    day=st.integers(-10, 420),
    deadline=st.integers(0, 365),
)
def test_is_behind_says_what_metric_state_says(
    kind: str,
    comparator: str,
    target: Decimal | None,
    value: Decimal | None,
    baseline: Decimal | None,
    planned: bool,
    day: int,
    deadline: int,
) -> None:
    from minshi.models import Metric, Period
    from minshi.status import BEHIND, Reading, is_behind, metric_state

    metric = Metric(
        key="k",
        name="k",
        kind=kind,  # type: ignore[arg-type]
        target=None if kind == "milestone" else target,
        comparator=None if kind == "milestone" else comparator,  # type: ignore[arg-type]
        baseline=baseline,
        deadline=START + timedelta(days=deadline),
        stages=[Stage("开工", date(2024, 3, 31))] if kind == "milestone" else [],
    )
    period = Period(START, date(2024, 12, 31))
    plan = [SchedulePoint(START + timedelta(days=deadline // 2), Decimal(70))] if planned else []
    reading = None if value is None else Reading(value=value, date=START)
    as_of = START + timedelta(days=day)
    state = metric_state(metric, reading, as_of=as_of, period=period, schedule=plan)
    assert is_behind(metric, reading, as_of=as_of, period=period, schedule=plan) == (
        state.status in BEHIND
    )
