"""catalog.lookup: units by any of their names, the tasks a command is about, the index of units,
tasks by reference, on the bundled notice and on small notices written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import minshi
from minshi.catalog import Catalog, load
from minshi.errors import InputError
from tests.conftest import BUNDLED

CATALOG = load(BUNDLED, use_cache=False)


def notice_yaml(notice_id: str, *tasks: tuple[int, str, str, list[str], list[str]]) -> str:
    """A small notice: tasks (id, category, name, lead, cooperating), each with one metric."""
    lines = [
        "notice:",
        f"  id: {notice_id}",
        f"  title: {notice_id}重点民生实事工作目标任务",
        "  doc_number: 万州府办发〔2024〕1号",
        "  issuer: 重庆市万州区人民政府办公室",
        "  issued: 2024-01-01",
        "  period: {start: 2024-01-01, end: 2024-12-31}",
        "tasks:",
    ]
    for task_id, category, name, lead, coop in tasks:
        lines += [
            f"  - id: {task_id}",
            f"    category: {category}",
            f"    name: {name}",
            f"    target_text: {name}10个。",
            f"    lead: [{', '.join(lead)}]",
            f"    cooperating: [{', '.join(coop)}]",
            "    metrics:",
            f"      - {{key: 数量, name: {name}, kind: quantity, target: 10, unit: 个, "
            'comparator: ">="}',
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def two_notices(tmp_path: Path) -> Catalog:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        notice_yaml(
            "a-2024",
            (1, "区级", "新建公园", ["区城市管理局"], ["区财政局"]),
            (2, "市级", "改造学校", ["区教委"], []),
        ),
        encoding="utf-8",
    )
    (folder / "b.yaml").write_text(
        notice_yaml(
            "b-2024",
            (1, "区级", "修建绿道", ["区城市管理局", "区教委"], []),
            (16, "区级", "改造小区", ["区住房城乡建委"], ["区城市管理局"]),
        ),
        encoding="utf-8",
    )
    return minshi.open_catalog(folder)


# -- resolve_unit -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("区城市管理局", "区城市管理局"),  # exact
        (" 区教委 ", "区教委"),
        ("区城管局", "区城市管理局"),  # aliases
        ("城管局", "区城市管理局"),
        ("区住房和城乡建设委员会", "区住房城乡建委"),
        ("城市管理局", "区城市管理局"),  # an unambiguous part of a name
        ("教委", "区教委"),
        ("住建", "区住房城乡建委"),  # a part of its aliases
        ("区卫健", "区卫生健康委"),
        ("经开区建管局", "万州经开区建设管理局"),
    ],
)
def test_a_unit_by_its_name_an_alias_or_a_part(text: str, unit: str) -> None:
    assert CATALOG.resolve_unit(text) == unit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "区委",
            "'区委' matches several units: 区委宣传部、区委政法委、区委组织部、区委网信办、团区委",
        ),
        (
            "集团",
            "'集团' matches several units: 三峡交旅集团、三峡发展集团、重庆建环集团、长江水务集团",
        ),
        (
            "区城市管局",
            "unknown unit '区城市管局'; did you mean 区城市管理局? (see: minshi units)",
        ),
        (
            "区教育局",
            "unknown unit '区教育局'; did you mean 区教委 or 区公安局 or 区民政局? "
            "(see: minshi units)",
        ),
        ("火星局", "unknown unit '火星局' (see: minshi units)"),
        ("", "unknown unit '' (see: minshi units)"),
    ],
)
def test_an_ambiguous_or_unknown_unit_is_refused_with_a_hint(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.resolve_unit(text)
    assert caught.value.message == message


def test_an_ambiguous_part_lists_at_most_eight_units() -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.resolve_unit("区")
    named = caught.value.message.split(": ", 1)[1].split("、")
    assert len(named) == 8


# -- select -------------------------------------------------------------------------------------


def task_ids(pairs: list[tuple[object, object]]) -> list[int]:
    return [task.id for _, task in pairs]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({}, list(range(1, 22))),
        ({"notice": "wanzhou-2024"}, list(range(1, 22))),
        ({"lead": "区民政局"}, [17, 21]),
        ({"lead": "区供销社"}, [11]),  # by alias; it leads task 11 (and owns a part of it)
        ({"coop": "区残联"}, [21]),
        ({"unit": "区残联"}, [4, 21]),
        ({"category": "市级"}, list(range(1, 12))),
        ({"search": "污水"}, [13]),  # in the name
        ({"search": "3780"}, [20]),  # in the target text
        ({"search": "没有这个"}, []),
        ({"lead": "区住房城乡建委", "coop": "区城市管理局"}, [15, 16]),
        ({"unit": "区财政局", "category": "区级"}, [15, 16, 20]),
        ({"lead": "区教委", "search": "心理"}, [3]),
    ],
)
def test_select_by_each_filter(choice: dict[str, str], expected: list[int]) -> None:
    assert task_ids(CATALOG.select(**choice)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"notice": "wanzhou"}, "no notice 'wanzhou'; did you mean wanzhou-2024?"),
        ({"coop": "火星局"}, "unknown unit '火星局' (see: minshi units)"),
        ({"category": "省级"}, "unknown category '省级' (use 市级 or 区级)"),
    ],
)
def test_select_refuses_what_the_notice_does_not_know(choice: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.select(**choice)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_select_across_notices(two_notices: Catalog) -> None:
    pairs = two_notices.select(lead="区城市管理局")
    assert [(n.id, t.id) for n, t in pairs] == [("a-2024", 1), ("b-2024", 1)]
    chosen = two_notices.select(notice="b-2024", unit="区城市管理局")
    assert [(n.id, t.id) for n, t in chosen] == [("b-2024", 1), ("b-2024", 16)]


# -- unit_index ---------------------------------------------------------------------------------


def units(sort: str) -> list[tuple[str, int, int]]:
    return [
        (r["unit"], r["lead_count"], r["cooperating_count"])
        for r in CATALOG.unit_index(sort=sort)[:4]
    ]


def test_unit_index_rows_hold_the_tasks_of_each_unit() -> None:
    rows = {r["unit"]: r for r in CATALOG.unit_index()}
    assert rows["区城市管理局"] == {
        "unit": "区城市管理局",
        "lead": [5, 6, 7, 9, 19],
        "cooperating": [10, 15, 16, 17],
        "lead_count": 5,
        "cooperating_count": 4,
        "total": 9,
    }
    assert rows["区财政局"]["lead"] == [] and rows["区财政局"]["total"] == 7
    assert len(rows) == 45


def test_unit_index_sorts() -> None:
    # most tasks first; a tie on the total goes to the unit leading more
    assert units("total") == [
        ("区城市管理局", 5, 4),
        ("区财政局", 0, 7),
        ("区住房城乡建委", 3, 3),
        ("区发展改革委", 1, 5),
    ]
    assert units("lead") == [
        ("区城市管理局", 5, 4),
        ("区住房城乡建委", 3, 3),
        ("区教委", 3, 1),
        ("区民政局", 2, 3),
    ]
    assert units("coop") == [
        ("区财政局", 0, 7),
        ("区发展改革委", 1, 5),
        ("区城市管理局", 5, 4),
        ("三峡发展集团", 0, 4),
    ]
    names = [r["unit"] for r in CATALOG.unit_index(sort="name")]
    assert names == sorted(names)
    assert CATALOG.unit_index() == CATALOG.unit_index(sort="total")


def test_unit_index_refuses_an_unknown_sort() -> None:
    with pytest.raises(InputError, match=r"^unknown sort 'size' \(use name, lead, coop, total\)$"):
        CATALOG.unit_index(sort="size")


def test_unit_index_of_several_notices_names_tasks_by_notice(two_notices: Catalog) -> None:
    rows = {r["unit"]: r for r in two_notices.unit_index()}
    assert rows["区城市管理局"]["lead"] == ["a-2024/1", "b-2024/1"]
    assert rows["区城市管理局"]["cooperating"] == ["b-2024/16"]
    only_b = {r["unit"]: r for r in two_notices.unit_index(notice="b-2024")}
    assert only_b["区城市管理局"]["lead"] == ["b-2024/1"]
    assert "区财政局" not in only_b


# -- find_task ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["16", 16, " 16 ", "wanzhou-2024/16", "0016", "１６", "wanzhou-2024／１６"]
)  # full-width, as a Chinese keyboard types them
def test_a_task_by_number_or_notice_and_number(ref: str | int) -> None:
    notice, task = CATALOG.find_task(ref)
    assert (notice.id, task.id) == ("wanzhou-2024", 16)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("1_6", "'1_6' is not a task number (e.g. 16)"),
        ("١٦", "'١٦' is not a task number (e.g. 16)"),  # Arabic-Indic digits
        ("/16", "'/16': name the notice before the '/' (ID/16), or give the number alone"),
        ("十六", "'十六' is not a task number (e.g. 16)"),
        ("99999999999999999999", "'99999999999999999999' is not a task number (e.g. 16)"),
        ("1000000000", "'1000000000' is not a task number (e.g. 16)"),
        ("999999999", "no task 999999999 in wanzhou-2024 (tasks are 1–21)"),
        ("0", "no task 0 in wanzhou-2024 (tasks are 1–21)"),
        ("-1", "'-1' is not a task number (e.g. 16)"),
        ("+16", "'+16' is not a task number (e.g. 16)"),
        ("1e1", "'1e1' is not a task number (e.g. 16)"),
        ("16/", "'16/' is not a task number (e.g. 16)"),
        ("", "'' is not a task number (e.g. 16)"),
        ("wanzhou-2024/22", "no task 22 in wanzhou-2024 (tasks are 1–21)"),
        ("wanzhou-2023/16", "no notice 'wanzhou-2023'; did you mean wanzhou-2024?"),
    ],
)
def test_a_bad_task_reference_is_refused(ref: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.find_task(ref)
    assert caught.value.message == message


def test_with_several_notices_a_task_names_its_notice(two_notices: Catalog) -> None:
    with pytest.raises(InputError) as caught:
        two_notices.find_task("16")
    assert caught.value.message == "2 notices are loaded; name one with --notice (a-2024, b-2024 …)"
    notice, task = two_notices.find_task("b-2024/16")
    assert (notice.id, task.name) == ("b-2024", "改造小区")
    assert two_notices.find_task("1", "a-2024")[1].name == "新建公园"
    assert two_notices.find_task("b-2024/1", "a-2024")[1].name == "修建绿道"  # the ref wins
    with pytest.raises(InputError, match=r"^no task 16 in a-2024 \(tasks are 1–2\)$"):
        two_notices.find_task("a-2024/16")


def test_tasks_of_a_unit_by_role() -> None:
    def of(unit: str, role: str) -> list[int]:
        return [t.id for _, t in CATALOG.tasks_of_unit(unit, role)]  # type: ignore[arg-type]

    assert of("区教委", "lead") == [2, 3, 20]
    assert of("区教委", "coop") == [1]
    assert of("区教委", "any") == [1, 2, 3, 20]
    assert of("区供销合作社", "lead") == [11]


OWNED_PART = """\
notice:
  id: own-2024
  title: 农业民生实事工作目标任务
  doc_number: 万州府办发〔2024〕8号
  issuer: 重庆市万州区人民政府办公室
  issued: 2024-01-01
  period: {start: 2024-01-01, end: 2024-12-31}
tasks:
  - id: 1
    category: 市级
    name: 实施农业社会化服务惠农工程
    target_text: 开展农业社会化服务6万亩，其中区农业农村委4万亩、区供销合作社2万亩。
    lead: [区农业农村委]
    cooperating: [区供销合作社, 区财政局]
    metrics:
      - {key: 服务, name: 农业社会化服务, kind: quantity, target: 60000, unit: 亩, comparator: ">="}
      - {key: 农委, name: 农委承担, kind: quantity, target: 40000, unit: 亩, comparator: ">=",
         owner: 区农业农村委, parent: 服务}
      - {key: 供销社, name: 供销社承担, kind: quantity, target: 20000, unit: 亩, comparator: ">=",
         owner: 区供销合作社, parent: 服务}
"""


def test_unit_index_counts_a_part_owned_as_a_task_led(tmp_path: Path) -> None:
    # 区供销合作社 owns a part without being named a lead: `select(lead=…)`, `tasks_of_unit` and
    # `answers_for` all treat it as leading task 1, so the index of units must say so too
    path = tmp_path / "own.yaml"
    path.write_text(OWNED_PART, encoding="utf-8")
    catalog = load(path, use_cache=False)
    assert task_ids(catalog.select(lead="区供销合作社")) == [1]
    assert task_ids(catalog.tasks_of_unit("区供销合作社", "lead")) == [1]
    (row,) = [r for r in catalog.unit_index() if r["unit"] == "区供销合作社"]
    assert row["lead"] == [1]
