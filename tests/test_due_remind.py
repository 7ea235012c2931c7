"""minshi due and minshi remind on the plan notice (tests/fixtures/plan_2024.yaml): what falls
due, and each unit's message for mail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.test_schedule import plan as plan  # the fixture: the plan notice and its reports

PARKS_JUNE = """\
区城市管理局：

截至2024年6月15日（全年序时进度46%），你单位牵头的重点民生实事有以下事项需要办理：

一、30天内到期（1项）
  1. 6月30日（还有15天）第1项 新建口袋公园：应完成60%（60个），现为30/100 个 (30%)

二、滞后（1项）
  1. 第1项 新建口袋公园：30/100 个 (30%)，滞后（序时进度55%）；连续3个月滞后，应通报批评

（计划区2024年重点民生实事工作目标任务，计划府办发〔2024〕1号）
"""


def due_json(cli: Invoke, *args: str) -> list[dict[str, object]]:
    result = cli("due", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def brief(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(r["due"], r["task"], r["key"], r["kind"], r["what"]) for r in rows]


@pytest.mark.usefixtures("plan")
def test_a_schedule_point_falls_due(cli: Invoke) -> None:
    rows = due_json(cli, "--as-of", "2024-06-15")
    assert brief(rows) == [("2024-06-30", 1, "公园", "schedule", "应完成60%（60个）")]
    row = rows[0]
    assert (row["days_left"], row["share"], row["stage"], row["summary"]) == (
        15,
        60,
        None,
        "30/100 个 (30%)",
    )
    assert row["lead"] == ["区城市管理局"] and row["status"] == "behind"


@pytest.mark.usefixtures("plan")
def test_stages_points_and_deadlines_soonest_first(cli: Invoke) -> None:
    rows = due_json(cli, "--as-of", "2024-11-15", "--within", "60", "--lead", "区城市管理局")
    assert brief(rows) == [
        ("2024-11-30", 1, "公园", "schedule", "应完成100%（100个）"),
        ("2024-12-31", 1, "公园", "deadline", "应全部完成"),
    ]
    rows = due_json(cli, "--as-of", "2024-08-15", "--unit", "区教委")
    assert brief(rows) == [("2024-08-31", 3, "实验小学", "stage", "应达到主体完工")]


@pytest.mark.usefixtures("plan")
def test_a_point_already_met_is_not_due(cli: Invoke) -> None:
    """Half the way from 1000 complaints down to 200 is due by 30 September."""
    noise = ("--as-of", "2024-09-15", "--lead", "区生态环境局")
    both = [
        ("2024-09-30", 5, "投诉", "schedule", "应完成50%"),
        ("2024-09-30", 5, "知晓率", "schedule", "应完成50%"),  # the task's plan, for each metric
    ]
    assert brief(due_json(cli, *noise)) == both
    update = ("progress", "update", "5", "--metric", "投诉", "--value", "500")
    assert cli(*update, "--date", "2024-09-01").exit_code == 0  # 62.5% of the way
    assert brief(due_json(cli, *noise)) == both[1:]


@pytest.mark.usefixtures("plan")
def test_the_table_and_cron(cli: Invoke) -> None:
    table = cli("due", "--as-of", "2024-08-15")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[2].split() == [
        "2024-08-31",
        "16",
        "3",
        "建成实验小学",
        "阶段节点",
        "应达到主体完工",
        "进行中，开工",
        "区教委",
    ]
    assert cli("due", "--as-of", "2024-08-15", "--fail-on-any").exit_code == 1
    quiet = cli("due", "--as-of", "2024-07-01", "--within", "1", "--fail-on-any")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (
        0,
        "",
        "nothing falls due in the next 1 day\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--within", "-1"], "--within must be from 0 to 366 days, not -1"),
        (["--within", "400"], "--within must be from 0 to 366 days, not 400"),
        (
            ["--lead", "区城市管局"],
            "unknown unit '区城市管局'; did you mean 区城市管理局? (see: minshi units)",
        ),
    ],
)
def test_due_refuses_mistakes(cli: Invoke, args: list[str], message: str) -> None:
    result = cli("due", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"minshi: error: {message}\n"


@pytest.mark.usefixtures("plan")
def test_a_unit_s_reminder(cli: Invoke) -> None:
    result = cli("remind", "--lead", "区城市管理局", "--as-of", "2024-06-15")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == PARKS_JUNE


@pytest.mark.usefixtures("plan")
def test_what_is_missing_counts_from_the_month_before(cli: Invoke) -> None:
    """A reminder in early July asks for June's figures: 区教委 last reported on 15 April."""
    text = cli("remind", "--lead", "区教委", "--as-of", "2024-07-03").stdout
    school = "第3项 建设实验小学 · 建成实验小学（最近报送2024-04-15）"
    assert f"6月1日以来未报送进展（1项）\n  1. {school}\n" in text
    quiet = cli("remind", "--lead", "区住房城乡建委", "--as-of", "2024-07-03").stdout
    assert "一、按序时但预计不能按期完成（1项）" in quiet
    assert "未报送" not in quiet  # reported on 30 June


@pytest.mark.usefixtures("plan")
def test_nothing_to_say(cli: Invoke) -> None:
    text = cli("remind", "--lead", "区城市管理局", "--as-of", "2024-02-29").stdout
    assert "".join(text.splitlines()[2:4]) == (
        "截至2024年2月29日（全年序时进度16%），你单位牵头的重点民生实事目前没有到期、滞后、"
        "被退回或未报送的事项。"
    )
    assert text.splitlines()[4:] == [
        "",
        "（计划区2024年重点民生实事工作目标任务，计划府办发〔2024〕1号）",
    ]


@pytest.mark.usefixtures("plan")
def test_every_unit_to_a_folder(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "提醒" / "2024-06"
    (tmp_path / "提醒").mkdir()
    result = cli("remind", "--all", "-o", str(folder), "--as-of", "2024-06-15")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote 6 files to {folder}\n"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{u}.txt"
        for u in (
            "区城市管理局",
            "区住房城乡建委",
            "区教委",
            "区农业农村委",
            "区供销合作社",
            "区生态环境局",
        )
    )
    assert (folder / "区城市管理局.txt").read_text(encoding="utf-8") == PARKS_JUNE
    again = cli("remind", "--all", "-o", str(folder), "--as-of", "2024-06-15")
    assert again.exit_code == 0  # a month's reminders are written anew


def test_a_unit_name_never_leaves_the_folder(
    cli: Invoke, tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_schedule import PLAN

    data = isolated / "plan.yaml"
    data.write_text(
        PLAN.read_text(encoding="utf-8").replace("区教委", "../区教委"), encoding="utf-8"
    )
    monkeypatch.setenv("MINSHI_DATA", str(data))
    folder = tmp_path / "out"
    result = cli("remind", "--all", "-o", str(folder), "--as-of", "2024-06-15")
    assert result.exit_code == 0, result.stderr
    assert ".._区教委.txt" not in {p.name for p in folder.iterdir()}
    assert "_区教委.txt" in {p.name for p in folder.iterdir()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "out"]  # env: the test's home


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give --lead UNIT for one message, or --all -o FOLDER for every unit"),
        (["--all"], "give --lead UNIT for one message, or --all -o FOLDER for every unit"),
        (
            ["--lead", "区教委", "--all", "-o", "x"],
            "give --lead UNIT for one message, or --all -o FOLDER for every unit",
        ),
        (
            ["--lead", "区教委", "-o", "x"],
            "give --lead UNIT for one message, or --all -o FOLDER for every unit",
        ),
        (
            ["--lead", "区人力社保局"],
            "区人力社保局 leads no task of wanzhou-2024: nothing to remind it of",
        ),
    ],
)
def test_remind_refuses_mistakes(cli: Invoke, args: list[str], message: str) -> None:
    result = cli("remind", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"minshi: error: {message}\n"


@pytest.mark.usefixtures("plan")
def test_a_folder_whose_parent_is_missing(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such"
    result = cli("remind", "--all", "-o", str(folder))
    assert (result.exit_code, result.stdout) == (3, "")
    assert (
        result.stderr == f"minshi: error: cannot write into {folder}: no folder {folder.parent}\n"
    )


def test_two_units_never_share_a_file() -> None:
    from minshi.render.remind import file_names

    assert file_names(["区/教委", "区_教委", "..", "A局", "a局", "区\x1b[2J委"]) == [
        "区_教委.txt",
        "区_教委-2.txt",
        "unit.txt",
        "A局.txt",
        "a局-2.txt",
        "区_[2J委.txt",
    ]
