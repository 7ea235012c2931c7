"""The bundled data says what the 2024 notice (万州府办发〔2024〕18号) says.

The notice text is kept beside the tests (tests/fixtures) so these checks read the source itself:
names, target texts and units are compared with the table cells, and every target number in a
target text must be a metric with that value in the base unit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import TypeAdapter

from minshi.models import Metric, Notice, Task, schema_constraints

TESTS = Path(__file__).parent
DATA_FILE = TESTS.parent / "data" / "targets_2024.yaml"
NOTICE_FILE = TESTS / "fixtures" / "wanzhou_2024_notice.txt"  # the 2024 notice, word for word

NOTICE_TEXT = NOTICE_FILE.read_text(encoding="utf-8")
TASK_IDS = list(range(1, 22))
BASE_UNITS = {*"个所人户件家台条只次亩", "平方米", "公里", "%"}

# A target number in a target text: 约2万平方米, 13万人, 100%, 1000个 …
TARGET_NUMBER = re.compile(
    r"(?P<approx>约)?(?P<number>\d+(?:\.\d+)?)(?P<wan>万)?"
    r"(?P<unit>平方米|公里|个|所|人|户|件|家|台|条|只|次|亩|%)"
)
# Numbers that describe rather than set a target: (task, as printed, the number).
DESCRIPTIVE_NUMBERS = [
    (1, "2～3岁", 2),
    (1, "2～3岁", 3),
    (2, "“5+2”", 5),
    (18, "10千伏", 10),
]


@dataclass(frozen=True)
class Row:
    """One row of the notice's table, cells as printed."""

    category: str
    name: str
    target_text: str
    lead: str
    cooperating: str


def _table_rows(text: str) -> dict[int, Row]:
    """The 21 rows of the notice's table; each cell is a line starting with a tab."""
    lines = text.split("\n")
    rows: dict[int, Row] = {}
    category = None
    for i, line in enumerate(lines):
        heading = line.strip()
        if heading in ("一、市级重点民生实事", "二、区级重点民生实事"):
            category = heading[2:4]
        elif category and re.fullmatch(r"\t\d+", line):
            cells = [cell.removeprefix("\t") for cell in lines[i + 1 : i + 5]]
            rows[int(line)] = Row(category, *cells)
    return rows


ROWS = _table_rows(NOTICE_TEXT)


def _units_in(cell: str) -> list[str]:
    return [name for name in re.split("[、，]", cell.removesuffix("等")) if name]


@pytest.fixture(scope="module")
def notice() -> Notice:
    with DATA_FILE.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    schema_constraints()
    return TypeAdapter(Notice).validate_python(data)


def _task(notice: Notice, task_id: int) -> Task:
    task = notice.task(task_id)
    assert task is not None, f"task {task_id} is missing"
    return task


def _counted(metrics: list[Metric]) -> list[Metric]:
    return [m for m in metrics if m.kind != "milestone"]


# -- the source --------------------------------------------------------------------------------


def test_the_table_of_the_notice_is_read_whole() -> None:
    assert sorted(ROWS) == TASK_IDS
    assert Counter(row.category for row in ROWS.values()) == {"市级": 11, "区级": 10}


# -- the notice --------------------------------------------------------------------------------


def test_notice_header(notice: Notice) -> None:
    info = notice.notice
    assert info.id == "wanzhou-2024"
    assert info.title == "万州区2024年重点民生实事工作目标任务"
    assert info.doc_number == "万州府办发〔2024〕18号"
    assert info.issuer == "重庆市万州区人民政府办公室"
    assert str(info.issued) == "2024-03-09"
    assert (str(info.period.start), str(info.period.end)) == ("2024-01-01", "2024-12-31")
    for printed in (info.title, info.doc_number, info.issuer, "2024年3月9日"):
        assert printed in NOTICE_TEXT


def test_notice_was_forwarded_by_the_gaosuntang_street_office(notice: Notice) -> None:
    [forwarding] = notice.notice.forwarded_by
    assert forwarding.issuer == "重庆市万州区高笋塘街道办事处"
    assert forwarding.doc_number == "万州高办发〔2024〕35号"
    assert str(forwarding.issued) == "2024-06-07"
    assert forwarding.doc_number in NOTICE_TEXT
    # the title is printed over two lines under the issuer's name
    assert forwarding.title.startswith(forwarding.issuer + "关于转发《")
    assert forwarding.title in re.sub(r"\s", "", NOTICE_TEXT)


def test_no_dates_or_money_the_notice_does_not_give(notice: Notice) -> None:
    for task in notice.tasks:
        assert task.investment_plan is None
        assert all(m.deadline is None and not m.revisions for m in task.metrics)


# -- tasks -------------------------------------------------------------------------------------


def test_all_21_tasks_in_order(notice: Notice) -> None:
    assert [task.id for task in notice.tasks] == TASK_IDS


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_task_is_the_notice_row_verbatim(notice: Notice, task_id: int) -> None:
    task, row = _task(notice, task_id), ROWS[task_id]
    assert task.category == row.category == ("市级" if task_id <= 11 else "区级")
    assert task.name == row.name
    assert task.target_text == row.target_text


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_units_as_written(notice: Notice, task_id: int) -> None:
    task, row = _task(notice, task_id), ROWS[task_id]
    assert task.lead == _units_in(row.lead)
    assert task.cooperating == _units_in(row.cooperating)
    assert task.cooperating_more == row.cooperating.endswith("等")
    assert not any(name.endswith("等") for name in task.cooperating)


def test_units_where_the_notice_names_two_leads_or_none_cooperating(notice: Notice) -> None:
    two_leads = {t.id: t.lead for t in notice.tasks if len(t.lead) == 2}
    assert two_leads == {
        10: ["区生态环境局", "属地乡镇（街道）"],
        11: ["区农业农村委", "区供销合作社"],
        12: ["区水利局", "万州经开区建设管理局"],
        14: ["区交通局", "区公安局"],
        15: ["区住房城乡建委", "万州经开区建设管理局"],
    }
    assert [t.id for t in notice.tasks if not t.cooperating] == [6, 12, 14]
    assert [t.id for t in notice.tasks if t.cooperating_more] == [15, 16]


@pytest.mark.parametrize("task_id", [5, 6, 7, 9, 19])
def test_city_management_leads(notice: Notice, task_id: int) -> None:
    assert "区城市管理局" in _task(notice, task_id).lead


# -- metrics -----------------------------------------------------------------------------------


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_every_target_number_is_a_metric(notice: Notice, task_id: int) -> None:
    task = _task(notice, task_id)
    in_text = Counter(
        (
            Decimal(m["number"]) * (10000 if m["wan"] else 1),
            m["unit"],
            "~" if m["approx"] else ">=",
            "percent" if m["unit"] == "%" else "quantity",
        )
        for m in TARGET_NUMBER.finditer(task.target_text)
    )
    in_data = Counter((m.target, m.unit, m.comparator, m.kind) for m in _counted(task.metrics))
    assert in_data == in_text


@pytest.mark.parametrize(("task_id", "printed", "number"), DESCRIPTIVE_NUMBERS)
def test_descriptive_numbers_are_not_targets(
    notice: Notice, task_id: int, printed: str, number: int
) -> None:
    task = _task(notice, task_id)
    assert printed in task.target_text
    assert number not in {m.target for m in task.metrics}


def test_metrics_are_well_formed(notice: Notice) -> None:
    for task in notice.tasks:
        assert task.metrics, f"task {task.id} has no metric"
        keys = [m.key for m in task.metrics]
        assert len(keys) == len(set(keys)), f"task {task.id} repeats a key"
        for m in task.metrics:
            if m.kind == "milestone":
                assert (m.target, m.unit, m.comparator) == (None, None, None), m.key
            else:
                assert m.unit in BASE_UNITS, m.key
                assert (m.kind == "percent") == (m.unit == "%"), m.key


# Each named deliverable without a number is a milestone (建成其芳小学 …).
MILESTONES = {
    3: ["实施“童心相伴”困境留守儿童心理健康关爱服务项目"],
    12: [
        "万州经开区长江水岸融合提升项目之外环连接道排水工程",
        "万州区五桥河流域沱口至长岭段安全防护工程（防护减灾工程）",
    ],
    13: ["万州区江南（密溪沟）污水处理项目", "万州区何家岩污水处理厂工程"],
    15: ["北滨大道改造拓宽", "青杠塝综合枢纽"],
    16: ["外墙砖整治试点", "小区环境改善提升"],
    17: [
        "城区集中治丧殡葬设施建设",
        "全面启动实施城区集中治丧",
        "建立集中治丧规范管理和督查考核等机制",
    ],
    19: ["高质量运行江南水厂"],
    20: ["建成其芳小学", "建成万州中学附属小学", "改扩建鹏程小学"],
}


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_named_deliverables_are_milestones(notice: Notice, task_id: int) -> None:
    task = _task(notice, task_id)
    names = [m.name for m in task.metrics if m.kind == "milestone"]
    assert names == MILESTONES.get(task_id, [])
    for name in names:
        # "建成其芳小学、万州中学附属小学": the verb is printed once for both schools
        assert name in task.target_text or name.removeprefix("建成") in task.target_text


def test_tasks_without_a_number_have_only_milestones(notice: Notice) -> None:
    no_number = [t.id for t in notice.tasks if not TARGET_NUMBER.search(t.target_text)]
    assert no_number == [12, 15, 17, 19]
    only_milestones = [t.id for t in notice.tasks if not _counted(t.metrics)]
    assert only_milestones == no_number


@pytest.mark.parametrize(
    ("task_id", "key", "target", "unit"),
    [
        (16, "老旧小区", 95, "个"),
        (11, "农业社会化服务", 60000, "亩"),  # the total, not a part
        (13, "雨污水管网", 60, "公里"),  # measurable, ahead of the two plants
        (20, "学位", 3780, "个"),  # what the three schools add up to
        (2, "课后服务学校", 156, "所"),
    ],
)
def test_primary_metric(notice: Notice, task_id: int, key: str, target: int, unit: str) -> None:
    primary = _task(notice, task_id).primary
    assert (primary.key, primary.target, primary.unit) == (key, Decimal(target), unit)


def test_task_16_in_order(notice: Notice) -> None:
    metrics = _task(notice, 16).metrics
    assert [(m.key, m.target, m.unit) for m in metrics] == [
        ("老旧小区", 95, "个"),
        ("改造面积", 2840000, "平方米"),
        ("外墙砖整治试点", None, None),
        ("小区环境改善提升", None, None),
    ]
    assert metrics[0].name == "新开工改造老旧小区"


def test_only_the_parking_target_is_provisional(notice: Notice) -> None:
    metrics = [(t.id, m) for t in notice.tasks for m in t.metrics]
    provisional = [(task_id, m.key, m.target) for task_id, m in metrics if m.provisional]
    assert provisional == [(9, "错时共享泊位", Decimal(1000))]
    assert "以市级实际下达为准" in _task(notice, 9).target_text


def test_task_11_parts_add_up_to_the_total(notice: Notice) -> None:
    task = _task(notice, 11)
    total, *parts = task.metrics
    assert (total.key, total.target, total.unit) == ("农业社会化服务", Decimal(60000), "亩")
    assert total.parent is None and total.owner is None
    assert {p.owner: p.target for p in parts} == {"区农业农村委": 40000, "区供销合作社": 20000}
    assert all(p.parent == total.key and p.unit == total.unit == "亩" for p in parts)
    assert sum(p.target or 0 for p in parts) == total.target
    assert [p.owner for p in parts] == task.lead
    others = [m for t in notice.tasks if t.id != 11 for m in t.metrics]
    assert all(m.parent is None and m.owner is None for m in others)


# -- units -------------------------------------------------------------------------------------


def test_every_unit_in_the_tasks_is_listed_once(notice: Notice) -> None:
    listed = [unit.name for unit in notice.units]
    assert len(listed) == len(set(listed))
    named = {name for t in notice.tasks for name in (*t.lead, *t.cooperating)}
    assert set(listed) == named  # and nothing the notice does not name
    assert all(name in NOTICE_TEXT for name in listed)


def test_every_unit_has_a_kind(notice: Notice) -> None:
    kinds = {unit.name: unit.kind for unit in notice.units}
    assert all(kinds.values())
    towns = ["属地乡镇（街道）", "各乡镇（街道）", "各街道", "周家坝街道", "天城街道", "陈家坝街道"]
    assert [name for name, kind in kinds.items() if kind == "乡镇街道"] == towns
    assert kinds["三峡发展集团"] == "国有企业"
    assert kinds["区妇联"] == "群团组织"
    assert kinds["区委组织部"] == "区委部门"
    assert kinds["区法院"] == "司法机关"


def test_aliases_are_unambiguous(notice: Notice) -> None:
    names = {unit.name for unit in notice.units}
    aliases = [alias for unit in notice.units for alias in unit.aliases]
    assert len(aliases) == len(set(aliases))
    assert not names & set(aliases)


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("区城管局", "区城市管理局"),
        ("区住建委", "区住房城乡建委"),
        ("区发改委", "区发展改革委"),
        ("区卫健委", "区卫生健康委"),
        ("区人社局", "区人力社保局"),
        ("区规资局", "区规划自然资源局"),
        ("区经信委", "区经济信息委"),
        ("区农委", "区农业农村委"),
        ("区生态局", "区生态环境局"),
        ("区环保局", "区生态环境局"),
        ("区文旅委", "区文化旅游委"),
        ("区大数据局", "区大数据发展局"),
        ("区机关事务局", "区机关事务管理中心"),
        ("经开区建管局", "万州经开区建设管理局"),
        ("供销社", "区供销合作社"),
    ],
)
def test_alias_names_the_unit(notice: Notice, alias: str, name: str) -> None:
    owners = [unit.name for unit in notice.units if alias in unit.aliases]
    assert owners == [name]
