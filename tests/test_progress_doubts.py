"""A doubtful figure is doubted the same way however it arrives: typed, in a CSV, in the sheet.

A cumulative figure going down, a milestone un-finished: accepted (the earlier report may have
been the wrong one) with the same warning, naming the line or cell of a file.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Invoke
from tests.test_cli_progress import write_csv
from tests.test_template import CITY, fill, make_template

GOES_DOWN = (
    "the cumulative figure goes down (40 个 as of 2024-05-01 → 30 个); if the earlier report "
    "was wrong, this corrects it, otherwise take this one back with: minshi progress undo"
)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("minshi: warning: ")]


def test_typed_figure_going_down_is_doubted(cli: Invoke) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-05-01")
    down = cli("progress", "update", "16", "--value", "30", "--date", "2024-06-01")
    assert down.exit_code == 0
    assert warnings(down.stderr) == [f"minshi: warning: {GOES_DOWN}"]


def test_imported_figure_going_down_is_doubted_as_when_typed(cli: Invoke, tmp_path: Path) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-05-01")
    path = write_csv(tmp_path / "june.csv", [["", "16", "", "30", "2024-06-01", ""]])
    result = cli("progress", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert warnings(result.stderr) == [f"minshi: warning: line 2: {GOES_DOWN}"]


def test_a_file_going_down_against_itself_is_doubted(cli: Invoke, tmp_path: Path) -> None:
    rows = [
        ["", "16", "", "30", "2024-06-01", ""],  # read in the order of the dates, not the lines
        ["", "16", "", "40", "2024-05-01", ""],
        ["", "5", "", "1", "2024-06-01", ""],
    ]
    result = cli("progress", "import", str(write_csv(tmp_path / "q2.csv", rows)))
    assert result.exit_code == 0, result.stderr
    assert warnings(result.stderr) == [f"minshi: warning: line 2: {GOES_DOWN}"]


def test_a_dry_run_doubts_too_and_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-05-01")
    path = write_csv(tmp_path / "june.csv", [["", "16", "", "30", "2024-06-01", ""]])
    result = cli("progress", "import", str(path), "--dry-run")
    assert warnings(result.stderr) == [f"minshi: warning: line 2: {GOES_DOWN}"]
    assert "nothing written" in result.stdout
    assert len(cli("progress", "log", "-f", "json").stdout.split('"id"')) == 2  # one entry


def test_a_sheet_going_down_is_doubted_naming_its_cell(cli: Invoke) -> None:
    cli("progress", "update", "6", "--metric", "窨井盖", "--value", "120", "--date", "2024-05-31")
    path = make_template(cli)
    fill(path, {(6, "窨井盖", "value"): 100, (6, "窨井盖", "date"): "2024-06-30"})
    result = cli("progress", "import", str(path))
    assert result.exit_code == 0, result.stderr
    (line,) = warnings(result.stderr)
    assert line.startswith("minshi: warning: 进度填报!")
    assert line.endswith(
        ": the cumulative figure goes down (120 个 as of 2024-05-31 → 100 个); if the earlier "
        "report was wrong, this corrects it, otherwise take this one back with: "
        "minshi progress undo"
    )
    assert CITY in path.name


def test_a_milestone_unfinished_in_a_file_is_doubted(cli: Invoke, tmp_path: Path) -> None:
    cli("progress", "update", "20", "--metric", "其芳小学", "--done", "--date", "2024-06-01")
    path = write_csv(
        tmp_path / "back.csv",
        [["", "20", "其芳小学", "", "2024-06-02", "", "", "", "50"]],
        header="notice,task,metric,value,date,note,done,stage,percent",
    )
    result = cli("progress", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert warnings(result.stderr) == [
        "minshi: warning: line 2: task 20 其芳小学 was reported finished on 2024-06-01; this "
        "report says it is not (minshi progress undo takes it back)"
    ]


def test_an_amount_going_down_is_doubted_typed_or_imported(cli: Invoke, tmp_path: Path) -> None:
    cli("progress", "update", "16", "--value", "40", "--date", "2024-05-01", "--allocated", "9500")
    down = cli("progress", "update", "16", "--value", "45", "--date", "2024-06-01",
               "--allocated", "8000", "--paid", "100")  # fmt: skip
    assert down.exit_code == 0
    assert warnings(down.stderr) == [
        "minshi: warning: allocated (到位资金) goes down (9500 万元 as of 2024-05-01 → 8000 万元); "
        "amounts are cumulative: if the earlier one was wrong, this corrects it, otherwise take "
        "this one back with: minshi progress undo"
    ]
    path = tmp_path / "july.csv"
    path.write_text(
        "notice,task,metric,value,date,note,invested,allocated,paid\n"
        ",16,,50,2024-07-01,,,8000,50\n",
        encoding="utf-8",
    )
    result = cli("progress", "import", str(path))
    assert result.exit_code == 0, result.stderr
    (doubt,) = warnings(result.stderr)
    assert "line 2: paid (已支付) goes down (100 万元 as of 2024-06-01 → 50 万元)" in doubt
