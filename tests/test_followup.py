"""followup: the journal evaluated against the notice as of a date, called as a script would.

The bundled 2024 notice and a real SQLite journal in tmp_path. As of 2024-06-30 the year's
序时进度 is 182/366 (49.7%): a quantity nobody reported is 严重滞后, a milestone not yet due is
按序时, a rate not yet reported is 待评估.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import minshi
from minshi.catalog import load
from minshi.errors import InputError
from minshi.followup import MetricView, Snapshot, TaskView, evaluate_task, history, history_of
from minshi.store import NewEntry, ProgressEntry, Store
from tests.conftest import BUNDLED

CATALOG = load(BUNDLED, use_cache=False)
NOTICE = "wanzhou-2024"
JUNE = date(2024, 6, 30)
EXPECTED_JUNE = 182 / 366


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with minshi.open_store(tmp_path / "p.db") as opened:
        yield opened


def entry(task: int, metric: str, day: str, value: str | None = None, **kw: object) -> NewEntry:
    return NewEntry(
        notice=NOTICE,
        task=task,
        metric=metric,
        date=date.fromisoformat(day),
        value=None if value is None else Decimal(value),
        by="统计脚本",
        **kw,  # type: ignore[arg-type]
    )


def ids(views: list[TaskView]) -> list[int]:
    return [v.task.id for v in views]


# -- tasks_as_of --------------------------------------------------------------------------------


def test_an_empty_journal_judges_every_task_by_the_calendar(store: Store) -> None:
    views = minshi.tasks_as_of(CATALOG, store, JUNE)
    assert ids(views) == list(range(1, 22))
    on_track = {v.task.id for v in views if v.status == "on_track"}
    assert on_track == {12, 15, 17, 19}  # milestones only, none due yet
    assert Counter(v.status for v in views) == {"far_behind": 17, "on_track": 4}
    task_2 = views[1]
    assert task_2.metric("需求学生覆盖").state.status == "not_measured"  # a rate not reported
    assert task_2.metric("参与教师").state.status == "far_behind"
    assert all(v.latest is None and v.note_entry is None and v.invested is None for v in views)


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"lead": "区城市管理局"}, [5, 6, 7, 9, 19]),
        ({"lead": "区城管局"}, [5, 6, 7, 9, 19]),  # an alias
        ({"coop": "区城市管理局"}, [10, 15, 16, 17]),
        ({"unit": "区城市管理局"}, [5, 6, 7, 9, 10, 15, 16, 17, 19]),
        ({"lead": "区农业农村委"}, [11]),  # owns a part of task 11
        ({"category": "区级"}, list(range(12, 22))),
        ({"category": "市级", "lead": "区城市管理局"}, [5, 6, 7, 9]),
        ({"search": "小学"}, [3, 20]),  # in the name or the target text
        ({"statuses": {"on_track"}}, [12, 15, 17, 19]),
        ({"statuses": {"done"}}, []),
        ({"notice": NOTICE, "lead": "区教委"}, [2, 3, 20]),
        ({"lead": "区教委", "unit": "区财政局"}, [2, 20]),  # both must hold
    ],
)
def test_tasks_as_of_chooses_by_unit_category_text_and_status(
    store: Store, choice: dict[str, object], expected: list[int]
) -> None:
    assert ids(minshi.tasks_as_of(CATALOG, store, JUNE, **choice)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"notice": "wanzhou-2023"}, "no notice 'wanzhou-2023'; did you mean wanzhou-2024?"),
        (
            {"lead": "区城市管局"},
            "unknown unit '区城市管局'; did you mean 区城市管理局? (see: minshi units)",
        ),
        ({"category": "县级"}, "unknown category '县级' (use 市级 or 区级)"),
    ],
)
def test_tasks_as_of_refuses_what_the_notice_does_not_know(
    store: Store, choice: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        minshi.tasks_as_of(CATALOG, store, JUNE, **choice)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_the_latest_entry_dated_on_or_before_the_date_counts(store: Store) -> None:
    store.add(
        [
            entry(16, "老旧小区", "2024-05-31", "20"),
            entry(16, "老旧小区", "2024-06-30", "40"),
            entry(16, "老旧小区", "2024-07-31", "60"),
        ]
    )

    def actual(day: date) -> Decimal | None:
        (view,) = minshi.tasks_as_of(CATALOG, store, day, search="老旧小区")
        return view.metric("老旧小区").state.actual

    assert actual(date(2024, 5, 30)) is None
    assert actual(date(2024, 6, 29)) == 20
    assert actual(JUNE) == 40
    assert actual(date(2024, 12, 31)) == 60


def test_of_two_entries_of_one_day_the_one_recorded_last_counts(store: Store) -> None:
    store.add([entry(16, "老旧小区", "2024-06-30", "40")])
    store.add([entry(16, "老旧小区", "2024-06-30", "35")])  # a correction, recorded later
    view = minshi.task_as_of(CATALOG, store, "16", JUNE)
    assert view.metric("老旧小区").state.actual == 35
    assert view.latest is not None and view.latest.id == 2


def test_a_retracted_entry_no_longer_counts(store: Store) -> None:
    store.add(
        [entry(16, "老旧小区", "2024-05-31", "20"), entry(16, "老旧小区", "2024-06-30", "90")]
    )
    store.retract(2, by="统计脚本")
    mv = minshi.task_as_of(CATALOG, store, "16", JUNE).metric("老旧小区")
    assert mv.state.actual == 20
    assert mv.entry is not None and mv.entry.id == 1


def test_a_task_shows_its_figures_status_and_worst_metric(store: Store) -> None:
    store.add([entry(16, "老旧小区", "2024-06-30", "40", note="已开工40个")])
    view = minshi.task_as_of(CATALOG, store, "16", JUNE)
    first = view.metric("老旧小区")
    assert first.state.status == "on_track"  # 42% against 49.7%: within 10 points
    assert first.state.progress == pytest.approx(40 / 95)
    assert first.state.expected == pytest.approx(EXPECTED_JUNE)
    assert first.state.target == 95 and first.state.deadline == date(2024, 12, 31)
    assert view.metric("改造面积").state.status == "far_behind"  # nothing reported
    assert view.status == "far_behind"  # the worst of its metrics
    store.add([entry(16, "改造面积", "2024-06-30", "1500000")])
    assert minshi.task_as_of(CATALOG, store, "16", JUNE).status == "on_track"


def test_the_progress_note_and_the_money_are_the_newest_given(store: Store) -> None:
    store.add(
        [
            entry(16, "老旧小区", "2024-05-31", "20", note="已开工20个", invested=Decimal("800")),
            entry(16, "改造面积", "2024-06-10", "1000000", note="面积过百万"),
            entry(16, "老旧小区", "2024-06-30", "40"),  # neither note nor money
        ]
    )
    view = minshi.task_as_of(CATALOG, store, "16", JUNE)
    assert view.latest is not None and (view.latest.id, view.latest.value) == (3, 40)
    assert view.note_entry is not None and view.note_entry.note == "面积过百万"
    assert view.invested == Decimal("800")
    earlier = minshi.task_as_of(CATALOG, store, "16", date(2024, 6, 9))
    assert earlier.note_entry is not None and earlier.note_entry.note == "已开工20个"


@pytest.mark.parametrize("ref", ["16", " 16 ", "wanzhou-2024/16"])
def test_task_as_of_takes_a_number_or_notice_and_number(store: Store, ref: str) -> None:
    view = minshi.task_as_of(CATALOG, store, ref, JUNE)
    assert (view.notice.id, view.task.id, view.task.name) == (
        NOTICE,
        16,
        "城镇老旧小区改造和社区服务提升",
    )


def test_task_as_of_names_a_task_that_does_not_exist(store: Store) -> None:
    with pytest.raises(InputError, match=r"^no task 22 in wanzhou-2024 \(tasks are 1–21\)$"):
        minshi.task_as_of(CATALOG, store, "22", JUNE)


# -- metrics_as_of ------------------------------------------------------------------------------


def keys(rows: list[tuple[TaskView, MetricView]]) -> list[tuple[int, str]]:
    return [(view.task.id, mv.metric.key) for view, mv in rows]


def test_metrics_as_of_lists_every_metric_of_the_notice(store: Store) -> None:
    rows = minshi.metrics_as_of(CATALOG, store, JUNE)
    assert len(rows) == 53
    assert keys(rows)[:3] == [(1, "托位"), (2, "课后服务学校"), (2, "参与教师")]


def test_metrics_as_of_a_lead_unit_are_those_of_its_tasks(store: Store) -> None:
    rows = minshi.metrics_as_of(CATALOG, store, JUNE, lead="区住建委")
    assert keys(rows) == [
        (13, "雨污水管网"),
        (13, "江南污水处理项目"),
        (13, "何家岩污水处理厂"),
        (15, "北滨大道"),
        (15, "青杠塝综合枢纽"),
        (16, "老旧小区"),
        (16, "改造面积"),
        (16, "外墙砖整治试点"),
        (16, "小区环境改善提升"),
    ]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        # a part's owner answers for its part, not for the sum nor the other part
        ({"lead": "区农业农村委"}, [(11, "农业农村委承担")]),
        ({"lead": "区供销合作社"}, [(11, "供销合作社承担")]),
        # as either: task 10 as a cooperating unit (all of it), task 11 as an owner
        ({"unit": "区农业农村委"}, [(10, "黑臭水体"), (10, "消除面积"), (11, "农业农村委承担")]),
        # a cooperating unit follows task 11 as a whole: the sum, not the parts
        ({"unit": "区财政局"}, None),
    ],
)
def test_metrics_as_of_a_unit_are_those_it_answers_for(
    store: Store, choice: dict[str, str], expected: list[tuple[int, str]] | None
) -> None:
    found = keys(minshi.metrics_as_of(CATALOG, store, JUNE, **choice))  # type: ignore[arg-type]
    if expected is not None:
        assert found == expected
    else:
        assert [k for k in found if k[0] == 11] == [(11, "农业社会化服务")]
        assert {task for task, _ in found} == {1, 2, 10, 11, 15, 16, 20}
        assert len(found) == 18


def test_metrics_as_of_with_lead_and_unit_answers_as_the_lead(store: Store) -> None:
    rows = minshi.metrics_as_of(CATALOG, store, JUNE, lead="区教委", unit="区财政局")
    assert {task for task, _ in keys(rows)} == {2, 20}  # led by 区教委, 区财政局 cooperating
    assert len(rows) == 8  # every metric of both, as 区教委 answers for them


def test_keep_chooses_metrics_by_their_status(store: Store) -> None:
    store.add([entry(16, "老旧小区", "2024-06-30", "95"), entry(16, "改造面积", "2024-06-30", "1")])
    not_done = minshi.metrics_as_of(
        CATALOG, store, JUNE, lead="区住房城乡建委", keep=lambda s: s != "done"
    )
    assert (16, "老旧小区") not in keys(not_done)
    assert len(not_done) == 8
    late = minshi.metrics_as_of(
        CATALOG, store, JUNE, lead="区住房城乡建委", keep={"far_behind"}.__contains__
    )
    assert keys(late) == [(13, "雨污水管网"), (16, "改造面积")]
    after_the_year = minshi.metrics_as_of(
        CATALOG, store, date(2025, 1, 15), lead="区住房城乡建委", keep={"overdue"}.__contains__
    )
    assert len(after_the_year) == 8  # all but the one done


# -- split targets ------------------------------------------------------------------------------


def test_a_split_target_is_the_sum_of_its_parts(store: Store) -> None:
    store.add(
        [
            entry(11, "农业农村委承担", "2024-06-20", "30000"),
            entry(11, "供销合作社承担", "2024-06-25", "15000"),
        ]
    )
    view = minshi.task_as_of(CATALOG, store, "11", JUNE)
    total = view.metric("农业社会化服务")
    assert total.reading is not None
    assert (total.reading.value, total.reading.date) == (45000, date(2024, 6, 25))
    assert total.entry is None  # computed, not reported
    assert (total.state.actual, total.state.target) == (45000, 60000)
    assert total.state.progress == pytest.approx(0.75)
    assert total.state.status == "ahead"  # 75% against 49.7%
    assert view.status == "ahead"


def test_a_split_target_with_one_part_reported_counts_that_part(store: Store) -> None:
    store.add([entry(11, "农业农村委承担", "2024-06-20", "30000")])
    view = minshi.task_as_of(CATALOG, store, "11", JUNE)
    assert view.metric("农业社会化服务").state.actual == 30000
    assert view.metric("农业社会化服务").state.status == "on_track"  # 50% against 49.7%
    assert view.metric("供销合作社承担").state.status == "far_behind"
    assert view.status == "far_behind"
    before = minshi.task_as_of(CATALOG, store, "11", date(2024, 6, 19))
    assert before.metric("农业社会化服务").reading is None


def test_a_split_target_is_done_when_its_parts_add_up(store: Store) -> None:
    store.add(
        [
            entry(11, "农业农村委承担", "2024-09-30", "45000"),  # beyond its own 4万亩
            entry(11, "供销合作社承担", "2024-10-31", "15000"),
        ]
    )
    view = minshi.task_as_of(CATALOG, store, "11", date(2024, 12, 31))
    assert view.metric("农业社会化服务").state.status == "done"
    assert [mv.state.status for mv in view.metrics] == ["done", "done", "behind"]
    assert view.status == "behind"


TASK_11_NOTICE, TASK_11 = CATALOG.find_task(11)
SOUND = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def stored(n: int, metric: str, value: Decimal) -> ProgressEntry:
    return ProgressEntry(
        id=n,
        notice=NOTICE,
        task=11,
        metric=metric,
        date=date(2024, 6, n),
        recorded_at=datetime(2024, 6, n, tzinfo=UTC),
        value=value,
    )


@given(first=SOUND, second=SOUND)
def test_the_sum_of_parts_is_exact_and_done_only_at_the_whole_target(
    first: Decimal, second: Decimal
) -> None:
    latest = {
        e.key: e for e in (stored(1, "农业农村委承担", first), stored(2, "供销合作社承担", second))
    }
    view = evaluate_task(TASK_11_NOTICE, TASK_11, Snapshot(latest, {}, {}), JUNE)
    total = view.metric("农业社会化服务").state
    assert total.actual == first + second
    assert (total.status == "done") == (first + second >= 60000)


# -- history ------------------------------------------------------------------------------------


def test_history_keeps_the_last_report_of_each_month(store: Store) -> None:
    store.add(
        [
            entry(16, "老旧小区", "2024-04-10", "10"),
            entry(16, "老旧小区", "2024-04-25", "20"),
            entry(16, "老旧小区", "2024-05-15", "30"),
            entry(16, "改造面积", "2024-05-15", "900000"),
            entry(16, "老旧小区", "2024-05-20", "99"),  # a slip, taken back below
            entry(16, "老旧小区", "2024-06-10", "45"),  # after the date asked about
            entry(5, "街头绿地", "2024-05-01", "1"),  # another task
        ]
    )
    store.retract(5, by="统计脚本")
    view = minshi.task_as_of(CATALOG, store, "16", date(2024, 5, 31))
    found = history_of(store, view, date(2024, 5, 31))
    assert [h.metric.key for h in found] == [
        "老旧小区",
        "改造面积",
        "外墙砖整治试点",
        "小区环境改善提升",
    ]
    points = {h.metric.key: [(d, mv.state.actual) for d, mv in h.points] for h in found}
    assert points == {
        "老旧小区": [(date(2024, 4, 25), 20), (date(2024, 5, 15), 30)],
        "改造面积": [(date(2024, 5, 15), 900000)],
        "外墙砖整治试点": [],
        "小区环境改善提升": [],
    }


def test_history_judges_each_point_as_on_its_day(store: Store) -> None:
    store.add(
        [entry(16, "老旧小区", "2024-04-25", "20"), entry(16, "老旧小区", "2024-06-30", "70")]
    )
    view = minshi.task_as_of(CATALOG, store, "16", JUNE)
    (first, *_) = history_of(store, view, JUNE)
    (april, april_view), (june, june_view) = first.points
    assert (april, june) == (date(2024, 4, 25), JUNE)
    # 20/95 = 21% against 116/366 = 31.7%: more than 10 points behind
    assert april_view.state.expected == pytest.approx(116 / 366)
    assert april_view.state.status == "behind"
    assert june_view.state.status == "ahead"  # 73.7% against 49.7%


def test_history_of_a_split_target_follows_its_parts(store: Store) -> None:
    store.add(
        [
            entry(11, "农业农村委承担", "2024-05-10", "10000"),
            entry(11, "供销合作社承担", "2024-06-10", "5000"),
        ]
    )
    view = minshi.task_as_of(CATALOG, store, "11", JUNE)
    total = history_of(store, view, JUNE)[0]
    assert total.metric.key == "农业社会化服务"
    assert [(d, mv.state.actual) for d, mv in total.points] == [
        (date(2024, 5, 10), 10000),
        (date(2024, 6, 10), 15000),
    ]


def test_history_of_one_day_takes_the_report_recorded_last() -> None:
    notice, task = CATALOG.find_task(16)
    moment = datetime(2024, 6, 30, tzinfo=UTC)
    entries = [
        ProgressEntry(2, NOTICE, 16, "老旧小区", JUNE, moment, value=Decimal(41)),
        ProgressEntry(1, NOTICE, 16, "老旧小区", JUNE, moment, value=Decimal(40)),
        ProgressEntry(3, "other-2024", 16, "老旧小区", JUNE, moment, value=Decimal(1)),
    ]
    (first, *_) = history(notice, task, entries, JUNE)
    assert [(d, mv.state.actual) for d, mv in first.points] == [(JUNE, 41)]
