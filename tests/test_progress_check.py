"""progress.check: every rule and every doubt about a submitted figure, called directly.

What a clerk types or a file holds is judged here before anything is written; the messages are
the ones the command line prints after "minshi: error: ".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minshi.catalog import load
from minshi.errors import InputError
from minshi.models import Metric
from minshi.progress.check import (
    MAX_TEXT,
    Submission,
    change_doubts,
    check_all,
    check_submission,
    find_metric,
    parse_day,
    parse_flag,
    parse_number,
)
from minshi.store import NewEntry, ProgressEntry
from tests.conftest import BUNDLED

CATALOG = load(BUNDLED, use_cache=False)
NOTICE = "wanzhou-2024"
TODAY = date(2024, 6, 30)
TASK_16 = CATALOG.find_task(16)[1]
METRICS_16 = "1=老旧小区、2=改造面积、3=外墙砖整治试点、4=小区环境改善提升"


def check(**fields: str) -> list[str]:
    """The warnings of an accepted submission."""
    task = fields.pop("task", "16")
    checked = check_submission(Submission(task=task, **fields), CATALOG, today=TODAY, by="测试员")
    return checked.warnings


def refusal(**fields: str) -> str:
    task = fields.pop("task", "16")
    force = fields.pop("force", "") == "yes"
    with pytest.raises(InputError) as caught:
        check_submission(
            Submission(task=task, **fields), CATALOG, today=TODAY, by="测试员", force=force
        )
    return caught.value.message


# -- check_submission: what is accepted ---------------------------------------------------------


def test_a_typed_figure_becomes_a_journal_entry() -> None:
    checked = check_submission(
        Submission(task="16", value="40个", date="2024/6/30", note="  已开工40个 "),
        CATALOG,
        today=TODAY,
        by="测试员",
    )
    assert checked.entry == NewEntry(
        notice=NOTICE,
        task=16,
        metric="老旧小区",
        date=TODAY,
        value=Decimal(40),
        note="已开工40个",
        by="测试员",
    )
    assert (checked.notice.id, checked.task.id, checked.metric.key) == (NOTICE, 16, "老旧小区")
    assert checked.warnings == []


def test_a_report_without_a_date_is_as_of_today_and_names_its_reporter() -> None:
    checked = check_submission(
        Submission(task="wanzhou-2024/16", metric="改造面积", value="1.2万", date=" ", by="王"),
        CATALOG,
        today=TODAY,
        by="测试员",
    )
    assert (checked.entry.date, checked.entry.value, checked.entry.by) == (TODAY, 12000, "王")


def test_a_milestone_done_counts_as_100_percent_and_keeps_its_stage() -> None:
    checked = check_submission(
        Submission(task="20", metric="其芳小学", done="是", stage=" 已竣工 ", invested="1200"),
        CATALOG,
        today=TODAY,
        by="测试员",
    )
    entry = checked.entry
    assert (entry.done, entry.percent, entry.stage, entry.value) == (True, 100, "已竣工", None)
    assert entry.invested == 1200
    by_percent = check_submission(
        Submission(task="20", metric="其芳小学", percent="60"), CATALOG, today=TODAY, by="测试员"
    )
    assert (by_percent.entry.done, by_percent.entry.percent) == (None, 60)


def test_a_figure_far_above_its_target_is_accepted_when_forced() -> None:
    checked = check_submission(
        Submission(task="16", value="4000"), CATALOG, today=TODAY, by="测试员", force=True
    )
    assert checked.entry.value == 4000


def test_a_note_of_exactly_the_limit_is_accepted() -> None:
    assert check(value="40", note="字" * MAX_TEXT) == []


# -- check_submission: every refusal ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # the task, the notice, the metric
        ({"task": "99", "value": "1"}, "no task 99 in wanzhou-2024 (tasks are 1–21)"),
        ({"task": "十六", "value": "1"}, "'十六' is not a task number (e.g. 16)"),
        ({"task": "", "value": "1"}, "'' is not a task number (e.g. 16)"),
        (
            {"notice": "wanzhou-2025", "value": "1"},
            "no notice 'wanzhou-2025'; did you mean wanzhou-2024?",
        ),
        (
            {"metric": "面积", "value": "1"},
            f"task 16 has no metric '面积' (its metrics: {METRICS_16})",
        ),
        (
            {"task": "11", "metric": "农业社会化服务", "value": "1"},
            "task 11's 农业社会化服务 is the sum of its parts; report a part with "
            "--metric 农业农村委承担 or --metric 供销合作社承担",
        ),
        # the date
        (
            {"value": "5", "date": "2024-02-30"},
            "date '2024-02-30' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)",
        ),
        (
            {"value": "5", "date": "2024-07-01"},
            "date 2024-07-01 is in the future (today is 2024-06-30)",
        ),
        (
            {"value": "5", "date": "2023-12-31"},
            "date 2023-12-31 is before the notice's period (2024-01-01 – 2024-12-31)",
        ),
        # the value
        ({"value": "abc"}, "value 'abc' is not a number; write digits, e.g. 40"),
        ({"value": "-5"}, "value '-5' is negative; progress is counted from 0 up"),
        ({"value": "Infinity"}, "value 'Infinity' is not a number; write digits, e.g. 40"),
        ({"value": "NaN"}, "value 'NaN' is not a number; write digits, e.g. 40"),
        ({"value": "1e21"}, "value '1e21' is not a number; write digits, e.g. 40"),
        (
            {"value": "30%"},
            "value '30%' is a percentage, but this figure counts 个: give the cumulative figure "
            "itself",
        ),
        (
            {"value": "4000"},
            "task 16 老旧小区: 4000 个 is more than 3× the target 95 个; "
            "if that is right, add --force",
        ),
        (
            {"task": "2", "metric": "需求学生覆盖", "value": "101"},
            "task 2 需求学生覆盖: 101% is above 100%; if that is right, add --force",
        ),
        (
            {"value": "40", "invested": "1万"},
            "invested '1万' is counted in 万元 already: write the number alone "
            "(e.g. 100 for 100万元)",
        ),
        # what the report holds for the kind of metric
        (
            {"value": ""},
            "task 16 老旧小区: give the value (--value, the cumulative figure so far), also when "
            "only the note or the investment is new",
        ),
        (
            {"note": "已开工", "invested": "100"},
            "task 16 老旧小区: give the value (--value, the cumulative figure so far), also when "
            "only the note or the investment is new",
        ),
        (
            {"value": "40", "done": "是"},
            "task 16 老旧小区 is a quantity target: give --value (the cumulative figure), "
            "not --done/--stage/--percent",
        ),
        (
            {"value": "40", "stage": "主体完工"},
            "task 16 老旧小区 is a quantity target: give --value (the cumulative figure), "
            "not --done/--stage/--percent",
        ),
        (
            {"task": "20", "metric": "其芳小学", "value": "1"},
            "task 20 其芳小学 is a milestone: report it done, its stage or its 形象进度 percent "
            "(--done, --stage, --percent), not a value",
        ),
        (
            {"task": "20", "metric": "其芳小学", "note": "进展顺利"},
            "task 20 其芳小学 is a milestone: report it done, its stage or its 形象进度 percent "
            "(--done, --stage TEXT, --percent P), with the note if you like",
        ),
        (
            {"task": "20", "metric": "其芳小学", "done": "否"},
            "task 20 其芳小学 is a milestone: report it done, its stage or its 形象进度 percent "
            "(--done, --stage TEXT, --percent P), with the note if you like",
        ),
        ({"task": "20", "metric": "其芳小学", "percent": "120"}, "percent '120' is above 100"),
        (
            {"task": "20", "metric": "其芳小学", "done": "也许"},
            "done '也许' is not yes or no (是/否)",
        ),
        # text
        ({"value": "40", "note": "字" * (MAX_TEXT + 1)}, "the note is longer than 2000 characters"),
        (
            {"value": "40", "note": "\udce4\udcb8"},  # bytes of another encoding
            "the note is not UTF-8 text; set the terminal to UTF-8 and type it again",
        ),
        (
            {"value": "40", "by": "\udcc0"},
            "the reporter name (by) is not UTF-8 text; set the terminal to UTF-8 and type it again",
        ),
    ],
)
def test_every_refusal_names_what_is_wrong(fields: dict[str, str], message: str) -> None:
    assert refusal(**fields) == message


def test_a_stage_over_the_limit_is_refused_naming_the_stage() -> None:
    message = refusal(task="20", metric="其芳小学", stage="字" * (MAX_TEXT + 1))
    assert message.endswith(f"longer than {MAX_TEXT} characters")
    assert "stage" in message  # the clerk wrote no note at all


REVISED = """\
notice:
  id: rev-2024
  title: 停车泊位民生实事工作目标任务
  doc_number: 万州府办发〔2024〕7号
  issuer: 重庆市万州区人民政府办公室
  issued: 2024-01-01
  period: {start: 2024-01-01, end: 2024-12-31}
tasks:
  - id: 9
    category: 市级
    name: 推进“错时共享”停车泊位建设
    target_text: 新增“错时共享”停车泊位1000个（以市级实际下达为准）。
    lead: [区城市管理局]
    metrics:
      - key: 泊位
        name: 新增“错时共享”停车泊位
        kind: quantity
        target: 1000
        unit: 个
        comparator: ">="
        provisional: true
        revisions:
          - {date: 2024-05-01, target: 5000, reason: 市级实际下达5000个}
"""


def test_a_figure_is_judged_plausible_against_the_target_in_force(tmp_path: Path) -> None:
    # 以市级实际下达为准: the city set 5000 on 2024-05-01. 3500 in June is 70% of the target in
    # force (the status says 超序时), not "more than 3× the target 1000"
    path = tmp_path / "rev.yaml"
    path.write_text(REVISED, encoding="utf-8")
    revised = load(path, use_cache=False)

    def judge(value: str, day: str) -> Decimal | None:
        report = Submission(task="9", value=value, date=day)
        return check_submission(report, revised, today=TODAY, by="测试员").entry.value

    with pytest.raises(InputError, match="3500 个 is more than 3× the target 1000 个"):
        judge("3500", "2024-04-30")  # before the revision: 1000 is in force
    assert judge("3500", "2024-06-30") == 3500
    with pytest.raises(InputError) as caught:
        judge("16000", "2024-06-30")
    assert caught.value.message == (
        "task 9 泊位: 16000 个 is more than 3× the target 5000 个; if that is right, add --force"
    )


def test_a_value_with_more_decimals_than_the_journal_keeps_is_refused_when_checked() -> None:
    # e.g. 12.300000000000001, as a spreadsheet's floating point gives it: the journal keeps at
    # most 12 digits after the point, so the check must refuse it, naming the value, before a
    # file is judged sound
    with pytest.raises(InputError, match="^value '12.3000000000001'"):
        check_submission(
            Submission(task="16", metric="改造面积", value="12.3000000000001"),
            CATALOG,
            today=TODAY,
            by="测试员",
        )


# -- parse_number, parse_day, parse_flag --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "number"),
    [
        ("40", "个", 40),
        (" 40 ", "个", 40),
        ("40个", "个", 40),
        ("40 个", "个", 40),
        ("1,200", "个", 1200),
        ("1，200", "个", 1200),
        ("１２００", "个", 1200),
        ("1.2万", "个", 12000),
        ("13万人", "人", 130000),
        ("1亿", "平方米", 100000000),
        ("95%", "%", 95),
        ("９５％", "%", 95),
        ("0", None, 0),
    ],
)
def test_numbers_are_read_as_clerks_write_them(text: str, unit: str | None, number: int) -> None:
    assert parse_number(text, "value", unit=unit) == number


def test_an_amount_in_wan_yuan_is_read_without_scaling() -> None:
    assert parse_number("1.2万元", "invested", unit="万元", scaled=False) == Decimal("1.2")
    assert parse_number("300", "invested", unit="万元", scaled=False) == 300


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("个", "个", "value '个' is not a number; write digits, e.g. 40"),
        ("", "个", "value '' is not a number; write digits, e.g. 40"),
        ("0x10", None, "value '0x10' is not a number; write digits, e.g. 40"),
        ("八十多", "%", "value '八十多' is not a number; write digits, e.g. 95"),
        ("13万人", "个", "value '13万人' is not a number; write digits, e.g. 40"),  # another unit
        (
            "30%",
            None,
            "value '30%' is a percentage, but this figure counts a number: give the cumulative "
            "figure itself",
        ),
        ("-0.5", None, "value '-0.5' is negative; progress is counted from 0 up"),
        ("1e13亿", None, "value '1e13亿' is not a number; write digits, e.g. 40"),
        ("1" * 40, None, f"value '{'1' * 40}' is far too large"),
    ],
)
def test_what_is_not_a_sound_number_is_refused(text: str, unit: str | None, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_number(text, "value", unit=unit)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "text",
    [
        "2024-06-30",
        "2024-6-30",
        "2024/6/30",
        "2024.6.30",
        "20240630",
        "2024年6月30日",
        "2024年6月30",
        "2024 年 6 月 30 日",
        " 2024-06-30 ",
    ],
)
def test_dates_are_read_as_clerks_write_them(text: str) -> None:
    assert parse_day(text) == TODAY


@pytest.mark.parametrize(
    "text",
    ["2024-02-30", "2023-02-29", "30/06/2024", "06/30/2024", "2024-6", "yesterday", "", "0-1-1"]
    + ["2024-06-30T00:00", "2024年13月1日"],
)
def test_an_impossible_or_ambiguous_date_is_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_day(text, "date")
    assert caught.value.message == (
        f"date '{text}' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)"
    )


def test_a_leap_day_is_a_real_date() -> None:
    assert parse_day("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text", ["1", "true", "YES", "y", "是", " 是 ", "已完成", "完成", "Done", "x", "X", "√", "✓"]
)
def test_yes_in_every_form(text: str) -> None:
    assert parse_flag(text, "done") is True


@pytest.mark.parametrize("text", ["", "  ", "0", "False", "no", "n", "否", "未完成"])
def test_no_in_every_form(text: str) -> None:
    assert parse_flag(text, "done") is False


def test_neither_yes_nor_no_is_refused() -> None:
    with pytest.raises(InputError, match=r"^done 'maybe' is not yes or no \(是/否\)$"):
        parse_flag("maybe", "done")


# -- find_metric --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        (None, "老旧小区"),
        ("", "老旧小区"),
        ("  ", "老旧小区"),
        ("改造面积", "改造面积"),  # key
        ("新开工改造老旧小区面积", "改造面积"),  # name
        ("2", "改造面积"),  # number, from 1
        (" 4 ", "小区环境改善提升"),
        ("1", "老旧小区"),
    ],
)
def test_a_metric_by_key_name_or_number(ref: str | None, key: str) -> None:
    assert find_metric(TASK_16, ref).key == key


@pytest.mark.parametrize("ref", ["0", "5", "1.0", "面积", "-1"])
def test_a_metric_the_task_does_not_have_is_refused_listing_its_metrics(ref: str) -> None:
    with pytest.raises(InputError) as caught:
        find_metric(TASK_16, ref)
    assert caught.value.message == f"task 16 has no metric '{ref}' (its metrics: {METRICS_16})"


# -- doubts of one figure (through the warnings of check_submission) ----------------------------


def test_a_count_that_is_not_whole_is_doubted() -> None:
    assert check(value="40.5") == ["task 16 老旧小区: 40.5 个 is not a whole number"]
    assert check(value="40.0") == []
    assert check(metric="改造面积", value="40.5") == []  # 平方米 come in fractions


def test_a_rate_written_as_a_fraction_is_doubted() -> None:
    doubt = (
        "task 2 需求学生覆盖: 0.8% is a very low rate; rates are written in percent "
        "(e.g. 80 for 80%)"
    )
    assert check(task="2", metric="需求学生覆盖", value="0.8") == [doubt]
    assert check(task="3", metric="知晓率", value="1") == [
        "task 3 知晓率: 1% is a very low rate; rates are written in percent (e.g. 100 for 100%)"
    ]
    assert check(task="3", metric="知晓率", value="0") == []
    assert check(task="3", metric="知晓率", value="1.5") == []
    assert check(task="3", metric="知晓率", value="80") == []


# -- change_doubts ------------------------------------------------------------------------------

GOES_DOWN = (
    "the cumulative figure goes down (40 个 as of 2024-05-31 → 30 个); if the earlier report was "
    "wrong, this corrects it, otherwise take this one back with: minshi progress undo"
)


def new(metric: str, value: str | None = None, day: date = TODAY, **kw: object) -> NewEntry:
    return NewEntry(
        notice=NOTICE,
        task=16,
        metric=metric,
        date=day,
        value=None if value is None else Decimal(value),
        **kw,  # type: ignore[arg-type]
    )


def before(metric: str, value: str | None = None, **kw: object) -> ProgressEntry:
    return ProgressEntry(
        id=1,
        notice=NOTICE,
        task=16,
        metric=metric,
        date=date(2024, 5, 31),
        recorded_at=datetime(2024, 5, 31, tzinfo=UTC),
        value=None if value is None else Decimal(value),
        **kw,  # type: ignore[arg-type]
    )


def metric(
    kind: str = "quantity", comparator: str | None = ">=", unit: str | None = "个"
) -> Metric:
    return Metric(
        key="m",
        name="m",
        kind=kind,
        target=Decimal(100),
        unit=unit,
        comparator=comparator,  # type: ignore[arg-type]
    )


def test_a_cumulative_figure_going_down_is_doubted() -> None:
    assert change_doubts(before("m", "40"), new("m", "30"), metric()) == [GOES_DOWN]
    unitless = change_doubts(before("m", "40"), new("m", "30"), metric(unit=None))
    assert unitless == [GOES_DOWN.replace(" 个", "")]


def test_figures_that_may_come_down_are_not_doubted() -> None:
    assert change_doubts(before("m", "40"), new("m", "30"), metric(comparator="<=")) == []
    assert change_doubts(before("m", "90"), new("m", "85"), metric("percent", unit="%")) == []
    assert change_doubts(before("m", "40"), new("m", "40"), metric()) == []
    assert change_doubts(before("m"), new("m", "3"), metric()) == []  # nothing given before


def test_a_finished_milestone_reported_unfinished_is_doubted() -> None:
    milestone = Metric(key="其芳小学", name="建成其芳小学", kind="milestone")
    was_done = before("其芳小学", done=True, percent=Decimal(100))
    assert change_doubts(was_done, new("其芳小学", percent=Decimal(50)), milestone) == [
        "task 16 其芳小学 was reported finished on 2024-05-31; this report says it is not "
        "(minshi progress undo takes it back)"
    ]
    assert change_doubts(was_done, new("其芳小学", done=True), milestone) == []
    assert (
        change_doubts(before("其芳小学", stage="打基础"), new("其芳小学", done=False), milestone)
        == []
    )


FIGURES = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False)


@given(old=FIGURES, rise=FIGURES)
def test_a_rising_or_steady_cumulative_figure_is_never_doubted(old: Decimal, rise: Decimal) -> None:
    earlier = before("m", str(old))
    assert change_doubts(earlier, new("m", str(old + rise)), metric()) == []


@given(old=FIGURES, new_value=FIGURES)
def test_a_cumulative_figure_is_doubted_exactly_when_it_falls(
    old: Decimal, new_value: Decimal
) -> None:
    doubts = change_doubts(before("m", str(old)), new("m", str(new_value)), metric())
    assert len(doubts) == (1 if new_value < old else 0)


# -- check_all ----------------------------------------------------------------------------------


def rows(*reports: dict[str, str]) -> list[Submission]:
    return [
        Submission(where=f"line {n}", **{"task": "16", **fields})
        for n, fields in enumerate(reports, start=2)
    ]


def test_check_all_names_every_bad_row_and_accepts_none() -> None:
    reports = rows(
        {"value": "40", "date": "2024-06-01"},
        {"task": "99", "value": "1"},
        {"value": "abc"},
        {"value": "41", "date": "2024-06-31"},
    )
    with pytest.raises(InputError) as caught:
        check_all(reports, CATALOG, today=TODAY, by="测试员", force=False, source="6月.csv")
    assert caught.value.message == "6月.csv: 3 bad rows; nothing was imported"
    assert caught.value.details == [
        "line 3: no task 99 in wanzhou-2024 (tasks are 1–21)",
        "line 4: value 'abc' is not a number; write digits, e.g. 40",
        "line 5: date '2024-06-31' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)",
    ]


def test_check_all_with_one_bad_row_says_row() -> None:
    with pytest.raises(InputError) as caught:
        check_all(rows({"value": "4000"}), CATALOG, today=TODAY, by="x", force=False, source="f")
    assert caught.value.message == "f: 1 bad row; nothing was imported"
    assert caught.value.details == [
        "line 2: task 16 老旧小区: 4000 个 is more than 3× the target 95 个; if that is right, "
        "add --force"
    ]
    forced = check_all(
        rows({"value": "4000"}), CATALOG, today=TODAY, by="x", force=True, source="f"
    )
    assert forced[0].entry.value == 4000


def test_check_all_of_sound_rows_keeps_their_places_and_doubts() -> None:
    checked = check_all(
        rows({"value": "40.5"}, {"task": "5", "value": "1"}),
        CATALOG,
        today=TODAY,
        by="测试员",
        force=False,
        source="6月.csv",
    )
    assert [(c.where, c.task.id, c.entry.value) for c in checked] == [
        ("line 2", 16, Decimal("40.5")),
        ("line 3", 5, 1),
    ]
    assert checked[0].warnings == ["task 16 老旧小区: 40.5 个 is not a whole number"]


def test_check_all_of_nothing_is_refused() -> None:
    with pytest.raises(InputError, match=r"^6月.csv: no progress rows to import$"):
        check_all([], CATALOG, today=TODAY, by="x", force=False, source="6月.csv")


def test_a_problem_without_a_place_is_named_alone() -> None:
    with pytest.raises(InputError) as caught:
        check_all(
            [Submission(task="99", value="1")],
            CATALOG,
            today=TODAY,
            by="x",
            force=False,
            source="s",
        )
    assert caught.value.details == ["no task 99 in wanzhou-2024 (tasks are 1–21)"]
