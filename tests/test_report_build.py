"""report.build: the progress report as data (counts, subtotals, 合计, what needs attention, units
late in reporting), built from a real journal and checked figure by figure.

Most tests use five tasks written here, as of 2024-06-30 (序时进度 182/366 = 49.7%):

  市级  1 公园      plan 1000万元, 2 of 2 built, 800 invested        → done
        2 托位      plan 500, due 2024-05-31, 40 of 100, 100 invested → overdue
  区级  3 背街小巷  no plan, 3 of 10, 600 invested (计划外)         → behind (30%)
        4 农业服务  plan 0, split 400 + 200 亩: 300 of the first,
                    none of the second                               → far_behind
        5 学校      plan 2000, a milestone not yet due, no report   → on_track
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import minshi
from minshi.catalog import Catalog, load
from minshi.errors import InputError
from minshi.report import Report, build_report, failing
from minshi.store import NewEntry, Store
from tests.conftest import BUNDLED

JUNE = date(2024, 6, 30)
NOTICE = """\
notice:
  id: five-2024
  title: 五项民生实事工作目标任务
  doc_number: 万州府办发〔2024〕99号
  issuer: 重庆市万州区人民政府办公室
  issued: 2024-01-01
  period: {start: 2024-01-01, end: 2024-12-31}
tasks:
  - id: 1
    category: 市级
    name: 新建社区公园
    target_text: 新建社区公园2个。
    lead: [区城市管理局]
    investment_plan: 1000
    metrics:
      - {key: 公园, name: 新建社区公园, kind: quantity, target: 2, unit: 个, comparator: ">="}
  - id: 2
    category: 市级
    name: 新增托位
    target_text: 5月底前新增托位100个。
    lead: [区卫生健康委]
    cooperating: [区教委]
    investment_plan: 500
    metrics:
      - key: 托位
        name: 新增托位
        kind: quantity
        target: 100
        unit: 个
        comparator: ">="
        deadline: 2024-05-31
  - id: 3
    category: 区级
    name: 改造背街小巷
    target_text: 改造背街小巷10条。
    lead: [区住房城乡建委]
    cooperating: [区城市管理局]
    metrics:
      - {key: 小巷, name: 改造背街小巷, kind: quantity, target: 10, unit: 条, comparator: ">="}
  - id: 4
    category: 区级
    name: 农业社会化服务
    target_text: 开展农业社会化服务600亩，其中区农业农村委400亩、区供销合作社200亩。
    lead: [区农业农村委, 区供销合作社]
    cooperating: [区财政局]
    investment_plan: 0
    metrics:
      - {key: 服务, name: 农业社会化服务, kind: quantity, target: 600, unit: 亩, comparator: ">="}
      - key: 农委
        name: 农业社会化服务（区农业农村委）
        kind: quantity
        target: 400
        unit: 亩
        comparator: ">="
        owner: 区农业农村委
        parent: 服务
      - key: 供销社
        name: 农业社会化服务（区供销合作社）
        kind: quantity
        target: 200
        unit: 亩
        comparator: ">="
        owner: 区供销合作社
        parent: 服务
  - id: 5
    category: 区级
    name: 建成学校
    target_text: 建成其芳小学。
    lead: [区教委]
    investment_plan: 2000
    metrics:
      - {key: 学校, name: 建成其芳小学, kind: milestone}
units:
  - {name: 区城市管理局, aliases: [区城管局]}
  - {name: 区卫生健康委}
  - {name: 区教委}
  - {name: 区住房城乡建委}
  - {name: 区农业农村委}
  - {name: 区供销合作社}
  - {name: 区财政局}
"""


def write_notice(folder: Path, text: str = NOTICE) -> Catalog:
    path = folder / "five.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, use_cache=False)


def entry(task: int, metric: str, day: str, value: str, **kw: object) -> NewEntry:
    return NewEntry(
        notice="five-2024",
        task=task,
        metric=metric,
        date=date.fromisoformat(day),
        value=Decimal(value),
        by="统计脚本",
        **kw,  # type: ignore[arg-type]
    )


JOURNAL = [
    entry(1, "公园", "2024-06-20", "2", invested=Decimal(800), note="两个公园已建成"),
    entry(2, "托位", "2024-05-20", "40", invested=Decimal(100)),
    entry(3, "小巷", "2024-06-25", "3", invested=Decimal(600)),
    entry(4, "农委", "2024-06-10", "300"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with minshi.open_store(tmp_path / "p.db") as opened:
        yield opened


@pytest.fixture
def five(tmp_path: Path) -> Catalog:
    return write_notice(tmp_path)


@pytest.fixture
def report(five: Catalog, store: Store) -> Report:
    store.add(JOURNAL)
    return build_report(five, store, JUNE)


def counts(**nonzero: int) -> dict[str, int]:
    every = (
        "closed",
        "done",
        "ahead",
        "on_track",
        "behind",
        "far_behind",
        "overdue",
        "not_measured",
    )
    return {status: nonzero.get(status, 0) for status in every}


# -- the table ----------------------------------------------------------------------------------


def test_the_report_counts_tasks_by_status(report: Report) -> None:
    assert report.title == "五项民生实事工作目标任务及推进情况表"
    assert (report.as_of, report.scope, report.who, report.category) == (JUNE, "", "", "")
    assert report.expected == pytest.approx(182 / 366)
    assert [(row.task.id, row.status) for row in report.rows] == [
        (1, "done"),
        (2, "overdue"),
        (3, "behind"),
        (4, "far_behind"),
        (5, "on_track"),
    ]
    assert report.total.counts == counts(done=1, overdue=1, behind=1, far_behind=1, on_track=1)
    assert report.total.tasks == 5


def test_sections_follow_the_categories_with_their_subtotals(report: Report) -> None:
    city, district = report.sections
    assert (city.category, city.heading) == ("市级", "一、市级重点民生实事")
    assert (district.category, district.heading) == ("区级", "二、区级重点民生实事")
    assert [r.task.id for r in city.rows] == [1, 2]
    assert [r.task.id for r in district.rows] == [3, 4, 5]
    assert (city.subtotal.label, city.subtotal.heading) == ("市级小计", "市级小计（2件）")
    assert city.subtotal.counts == counts(done=1, overdue=1)
    assert district.subtotal.counts == counts(behind=1, far_behind=1, on_track=1)
    assert report.total.heading == "合计（5件）"


def test_investment_of_planned_tasks_gives_the_share(report: Report) -> None:
    city = report.sections[0].subtotal
    assert (city.plan, city.invested, city.planned_invested) == (1500, 900, 900)
    assert city.unplanned_invested is None
    assert city.share == Decimal("0.6")  # 900 ÷ 1500
    assert not city.unplanned
    park, places = report.rows[0], report.rows[1]
    assert (park.plan, park.invested, park.share) == (1000, 800, Decimal("0.8"))
    assert (places.invested, places.share) == (100, Decimal("0.2"))
    assert report.has_investment


def test_money_without_a_plan_is_counted_apart_from_the_share(report: Report) -> None:
    district = report.sections[1].subtotal
    # task 3 has no plan and task 4 a plan of 0: their 600 is 计划外; task 5's 2000 has no money
    assert (district.plan, district.invested) == (2000, 600)
    assert (district.planned_invested, district.unplanned_invested) == (0, 600)
    assert district.share == 0
    assert district.unplanned
    total = report.total
    assert (total.plan, total.invested) == (3500, 1500)
    assert (total.planned_invested, total.unplanned_invested) == (900, 600)
    assert total.share == Decimal(900) / Decimal(3500)  # never 1500 ÷ 3500
    assert total.planned_invested + total.unplanned_invested == total.invested
    assert total.unplanned
    assert [row.share for row in report.sections[1].rows] == [None, None, None]


def test_without_investment_plans_or_money_there_is_no_share(store: Store) -> None:
    bundled = load(BUNDLED, use_cache=False)
    report = build_report(bundled, store, JUNE)
    assert not report.has_investment
    total = report.total
    assert (total.plan, total.invested, total.planned_invested, total.unplanned_invested) == (
        None,
        None,
        None,
        None,
    )
    assert total.share is None and not total.unplanned
    assert [(s.subtotal.label, s.subtotal.tasks) for s in report.sections] == [
        ("市级小计", 11),
        ("区级小计", 10),
    ]
    assert total.counts == counts(far_behind=17, on_track=4)


def test_money_reported_where_no_task_has_a_plan_is_all_unplanned(store: Store) -> None:
    bundled = load(BUNDLED, use_cache=False)
    store.add(
        [
            NewEntry(
                notice="wanzhou-2024",
                task=16,
                metric="老旧小区",
                date=JUNE,
                value=Decimal(40),
                invested=Decimal("1200.5"),
            )
        ]
    )
    report = build_report(bundled, store, JUNE)
    assert report.has_investment
    total = report.total
    assert (total.plan, total.invested, total.planned_invested) == (None, Decimal("1200.5"), None)
    assert total.unplanned_invested == Decimal("1200.5")
    assert total.share is None and not total.unplanned


def test_the_progress_note_is_the_newest_reported(report: Report) -> None:
    park = report.rows[0]
    assert park.note is not None and (park.note.note, park.note.date) == (
        "两个公园已建成",
        date(2024, 6, 20),
    )
    assert report.rows[1].note is None


# -- attention, stale units, failing ------------------------------------------------------------


def test_overdue_and_far_behind_metrics_are_grouped_by_the_unit_answering(report: Report) -> None:
    groups = [
        (g.unit, [(row.task.id, line.view.metric.key, line.status) for row, line in g.items])
        for g in report.attention
    ]
    assert groups == [
        ("区卫生健康委", [(2, "托位", "overdue")]),
        ("区供销合作社", [(4, "供销社", "far_behind")]),  # the part's owner, not both leads
    ]


def test_no_unit_is_listed_for_attention_because_another_units_part_lags(
    five: Catalog, store: Store
) -> None:
    # 区农业农村委 has 100 of its 400 亩 (25%: 滞后, not 严重滞后); 区供销合作社 none of its 200.
    # The 600 亩 sum (16.7%) is far behind because of 区供销合作社's part alone: docs/design.md,
    # "Which metrics a unit answers for" (as `overdue --lead` and `incomplete --lead` do)
    store.add([entry(4, "农委", "2024-06-30", "100")])
    report = build_report(five, store, JUNE)
    assert report.rows[3].view.metric("农委").state.status == "behind"
    assert report.rows[3].view.metric("服务").state.status == "far_behind"
    assert "区农业农村委" not in [g.unit for g in report.attention]
    mine = build_report(five, store, JUNE, lead="区农业农村委")
    assert mine.attention == []


def test_units_that_stopped_reporting_are_listed_oldest_first(report: Report) -> None:
    stale = [(s.unit, s.last_reported, s.tasks) for s in report.stale_units]
    assert stale == [
        ("区供销合作社", None, [(4, None)]),  # never reported its part
        ("区教委", None, [(5, None)]),
        ("区卫生健康委", date(2024, 5, 20), [(2, date(2024, 5, 20))]),  # 41 days ago
    ]
    assert report.stale_days == 35
    # 区城市管理局 is done; 区住房城乡建委 (5 days) and 区农业农村委 (20 days) report on time


def test_stale_days_sets_the_window(five: Catalog, store: Store) -> None:
    store.add(JOURNAL)
    report = build_report(five, store, JUNE, stale_days=41)
    assert [s.unit for s in report.stale_units] == ["区供销合作社", "区教委"]
    assert [s.unit for s in build_report(five, store, JUNE, stale_days=40).stale_units] == [
        "区供销合作社",
        "区教委",
        "区卫生健康委",
    ]


def test_a_unit_that_never_reported_is_late_counting_from_the_notices_issue(
    tmp_path: Path, store: Store
) -> None:
    later = write_notice(tmp_path, NOTICE.replace("issued: 2024-01-01", "issued: 2024-06-01"))
    store.add(JOURNAL)
    assert [s.unit for s in build_report(later, store, JUNE).stale_units] == ["区卫生健康委"]
    assert [s.unit for s in build_report(later, store, date(2024, 7, 10)).stale_units] == [
        "区供销合作社",  # 39 days after the notice came out
        "区教委",
        "区卫生健康委",
    ]


def test_failing_names_every_metric_of_the_statuses_asked_for(report: Report) -> None:
    def named(*statuses: str) -> list[tuple[int, str]]:
        return [(row.task.id, line.view.metric.key) for row, line in failing(report, statuses)]

    assert named("overdue") == [(2, "托位")]
    assert named("overdue", "far_behind") == [(2, "托位"), (4, "供销社")]
    assert named("behind") == [(3, "小巷")]
    assert named("ahead") == [(4, "农委")]  # a metric ahead in a task far behind
    assert named() == []


# -- scope --------------------------------------------------------------------------------------


def test_a_report_for_a_lead_unit(five: Catalog, store: Store) -> None:
    store.add(JOURNAL)
    report = build_report(five, store, JUNE, lead="区供销合作社")
    assert [row.task.id for row in report.rows] == [4]
    assert (report.who, report.scope) == ("区供销合作社牵头的", "区供销合作社牵头")
    assert [g.unit for g in report.attention] == ["区供销合作社"]
    assert [s.unit for s in report.stale_units] == ["区供销合作社"]
    assert [s.heading for s in report.sections] == ["一、区级重点民生实事"]


def test_a_report_for_a_unit_leading_or_cooperating(five: Catalog, store: Store) -> None:
    store.add(JOURNAL)
    report = build_report(five, store, JUNE, unit="区城管局", category="区级")
    assert [row.task.id for row in report.rows] == [3]
    assert report.who == "区城市管理局牵头或配合的"
    assert report.scope == "区城市管理局牵头或配合 · 区级"
    assert report.category == "区级"
    assert report.total.counts == counts(behind=1)
    by_category = build_report(five, store, JUNE, category="市级")
    assert (by_category.scope, by_category.who, by_category.total.tasks) == ("市级", "", 2)


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"lead": "区教委", "unit": "区教委"}, "give --lead or --unit, not both"),
        ({"stale_days": 0}, "--stale-days must be 1 or more, not 0"),
        ({"stale_days": -5}, "--stale-days must be 1 or more, not -5"),
        ({"category": "省级"}, "unknown category '省级' (use 市级 or 区级)"),
        ({"lead": "火星局"}, "unknown unit '火星局' (see: minshi units)"),
        ({"notice": "six-2024"}, "no notice 'six-2024'; did you mean five-2024?"),
    ],
)
def test_bad_choices_are_refused(
    five: Catalog, store: Store, choice: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        build_report(five, store, JUNE, **choice)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_a_title_not_ending_in_the_word_for_targets(tmp_path: Path, store: Store) -> None:
    other = write_notice(tmp_path, NOTICE.replace("五项民生实事工作目标任务", "五项民生实事"))
    assert build_report(other, store, JUNE).title == "五项民生实事推进情况表"
