"""Which metrics a unit answers for: one rule (catalog.answers_for), the same answer everywhere.

`overdue` and `incomplete --lead`, the unit's fill-in sheet and the report's list of units late
in reporting all ask it, and must name the same metrics for every unit of the bundled notice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from minshi.catalog import answers_for, load
from minshi.progress.sheet import FIRST_ROW, KEY_ROW
from tests.conftest import BUNDLED, Invoke

CATALOG = load(BUNDLED, use_cache=False)
LEADS = sorted(
    {name for _, task in CATALOG.tasks() for name in task.lead}
    | {m.owner for _, task in CATALOG.tasks() for m in task.metrics if m.owner}
)
TASK_11 = CATALOG.find_task(11)[1]  # 6万亩: 区农业农村委 4万亩, 区供销合作社 2万亩


def expected(unit: str) -> set[tuple[int, str]]:
    return {
        (task.id, m.key)
        for _, task in CATALOG.tasks_of_unit(unit, "lead")
        for m in answers_for(task, unit, "lead")
    }


def rows(cli: Invoke, command: str, unit: str, as_of: str) -> list[dict[str, object]]:
    result = cli(command, "--lead", unit, "--as-of", as_of, "-f", "json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def sheet_metrics(cli: Invoke, unit: str, tmp_path: Path) -> set[tuple[int, str]]:
    path = tmp_path / f"{unit}.xlsx"
    args = ("progress", "template", "--lead", unit, "--as-of", "2024-06-30", "-o", str(path))
    assert cli(*args).exit_code == 0
    ws = load_workbook(path).active
    assert ws is not None
    column = {ws.cell(KEY_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    return {
        (int(ws.cell(r, column["task"]).value), str(ws.cell(r, column["metric"]).value))
        for r in range(FIRST_ROW, ws.max_row + 1)
    }


def test_every_lead_unit_answers_for_something() -> None:
    assert len(LEADS) == 16  # the lead units of the 2024 notice
    assert all(expected(unit) for unit in LEADS)


@pytest.mark.parametrize("unit", LEADS)
def test_every_view_of_a_unit_names_the_same_metrics(
    cli: Invoke, unit: str, tmp_path: Path
) -> None:
    mine = expected(unit)
    # an empty journal: every metric is still to do; after the year, what has a target is late
    incomplete = {(r["task"], r["key"]) for r in rows(cli, "incomplete", unit, "2024-06-30")}
    assert incomplete == mine
    late = rows(cli, "overdue", unit, "2025-01-15")
    assert {(r["task"], r["key"]) for r in late} == {
        (r["task"], r["key"])
        for r in rows(cli, "incomplete", unit, "2025-01-15")
        if r["status"] == "overdue"
    }
    assert {(r["task"], r["key"]) for r in late} <= mine
    assert sheet_metrics(cli, unit, tmp_path) == mine
    report = cli("report", "--lead", unit, "--as-of", "2024-12-31", "-f", "json")
    (stale,) = [s for s in json.loads(report.stdout)["stale_units"] if s["unit"] == unit]
    assert {t["task"] for t in stale["tasks"]} == {task for task, _ in mine}


def test_a_part_of_a_split_target_is_its_owners_and_the_sum_is_nobodys_own() -> None:
    keys = {unit: [m.key for m in answers_for(TASK_11, unit)] for unit in TASK_11.lead}
    assert keys == {"区农业农村委": ["农业农村委承担"], "区供销合作社": ["供销合作社承担"]}
    # a cooperating unit follows the task as a whole: the sum, not the parts
    assert [m.key for m in answers_for(TASK_11, "区财政局")] == ["农业社会化服务"]
    assert answers_for(TASK_11, "区财政局", "lead") == []
    assert answers_for(TASK_11, "区教委") == []
