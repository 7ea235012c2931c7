"""On a terminal, list and show draw bars with the expected mark and show charts the history;
piped, they print the plain table, without bars or escape codes."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from minshi.render.text import width
from tests.conftest import Invoke, run_minshi

BAR_CHARS = ("█", "░", "┃")


def on_terminal(*args: str, columns: int = 120, **env: str) -> str:
    """Run minshi with its output on a pseudo-terminal of `columns` columns; what it showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "minshi", *args],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the program ended and the terminal closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def line_of(out: str, text: str) -> str:
    return next(line for line in out.splitlines() if text in line)


@pytest.fixture
def reported(cli: Invoke) -> None:
    for args in (
        ["16", "--value", "10", "--date", "2024-03-15"],
        ["16", "--value", "12", "--date", "2024-03-31"],  # same month: the chart keeps this one
        ["16", "--value", "40", "--date", "2024-06-30", "--note", "已开工40个"],
        ["16", "--metric", "改造面积", "--value", "1200000", "--date", "2024-06-30"],
        ["16", "--metric", "外墙砖整治试点", "--percent", "60", "--date", "2024-05-20"],
        ["16", "--value", "90", "--date", "2024-06-30"],
    ):
        assert cli("progress", "update", *args).exit_code == 0
    assert cli("progress", "undo").exit_code == 0  # the 90 was a typo: taken back


def test_list_on_a_terminal_draws_a_bar_with_the_expected_mark(reported: None) -> None:
    out = on_terminal("list", "--as-of", "2024-06-30", NO_COLOR="1")
    # 40 of 95 is 42 %: four cells of ten; 序时进度 on 30 June is 50 %: the mark after five
    assert "████░┃░░░░░" in line_of(out, "城镇老旧小区改造")
    assert "░░░░░┃░░░░░" in line_of(out, "实施城市绿荫工程")  # nothing reported yet
    assert "\x1b" not in out  # NO_COLOR: bars, but no colour

    header, rule, *rows = out.splitlines()
    assert "进度" in header
    starts = {
        width(row[: min(row.index(c) for c in BAR_CHARS if c in row)]) for row in rows if "┃" in row
    }
    assert len(starts) == 1, starts  # every bar starts at the same column, Chinese or not


def test_bars_are_coloured_by_status_unless_no_color(reported: None) -> None:
    out = on_terminal("list", "--as-of", "2024-06-30", TERM="xterm-256color")
    assert "\x1b[32m████░┃░░░░░" in line_of(out, "城镇老旧小区改造")  # on track: green


def test_show_on_a_terminal_adds_bars_and_the_history(reported: None) -> None:
    out = on_terminal("show", "16", "--as-of", "2024-06-30", NO_COLOR="1")
    assert "████░┃░░░░░" in line_of(out, "40/95 个")
    chart = out[out.index("进度历史") :].splitlines()
    # one line a month (12 on 31 March, not 10 on the 15th), the mark where 序时进度 stood then;
    # the 90 taken back by undo is not history
    assert chart[1:] == [
        "新开工改造老旧小区（目标 95 个）",
        "  2024-03-31  ███░░┃░░░░░░░░░░░░░░░  13%  12 个  滞后",
        "  2024-06-30  ████████░░┃░░░░░░░░░░  42%  40 个  按序时",
        "新开工改造老旧小区面积（目标 284万 平方米）",
        "  2024-06-30  ████████░░┃░░░░░░░░░░  42%  120万 平方米  按序时",
        "外墙砖整治试点（形象进度）",
        "  2024-05-20  ████████┃████░░░░░░░░  60%  进行中 60%  按序时",
    ]


def test_piped_output_is_the_plain_table(reported: None, cli: Invoke) -> None:
    for args in (["list", "--as-of", "2024-06-30"], ["show", "16", "--as-of", "2024-06-30"]):
        piped = run_minshi(*args, env={"TERM": "xterm-256color"})
        assert piped.returncode == 0
        assert not any(ch in piped.stdout for ch in BAR_CHARS), args
        assert "\x1b" not in piped.stdout
        assert "进度历史" not in piped.stdout
        assert piped.stdout == cli(*args).stdout  # the same as before bars existed


def test_a_narrow_terminal_keeps_the_table_aligned(reported: None) -> None:
    out = on_terminal("show", "16", "--as-of", "2024-06-30", columns=80, NO_COLOR="1")
    table = out[: out.index("进度历史")].splitlines()
    rule = next(i for i, line in enumerate(table) if line.startswith("──"))
    assert all(width(line) <= 80 for line in table[rule - 1 :])
    marks = {width(line[: line.index("┃")]) for line in table[rule + 1 :] if "┃" in line}
    assert len(marks) == 1  # same 序时进度 for every metric: one column for the mark


@pytest.mark.parametrize(
    ("progress", "expected", "drawn"),
    [
        (None, 0.5, "░░░░░┃░░░░░"),
        (0.0, 0.0, "┃░░░░░░░░░░"),
        (0.42, 0.5, "████░┃░░░░░"),
        (1.3, 1.0, "██████████┃"),  # beyond the target: full, not longer
        (0.8, 0.25, "███┃█████░░"),  # the mark shows inside the filled part too
    ],
)
def test_bar(progress: float | None, expected: float, drawn: str) -> None:
    from minshi.render.terminal import bar

    assert bar(progress, expected) == drawn
    assert width(drawn) == 11


def test_history_of_a_task_never_reported_says_so(tmp_path: Path) -> None:
    out = on_terminal("show", "19", "--as-of", "2024-06-30", NO_COLOR="1")
    assert out.rstrip().endswith("高质量运行江南水厂（形象进度）\n  尚无报送")


def test_json_is_indented_for_a_person_and_one_line_for_scripts() -> None:
    import json

    shown = on_terminal("list", "--lead", "区城市管理局", "--format", "json")
    assert shown.replace("\r\n", "\n").startswith('[\n  {\n    "id": 5,')
    piped = run_minshi("list", "--lead", "区城市管理局", "--format", "json").stdout
    assert piped.count("\n") == 1
    assert json.loads(piped) == json.loads(shown.replace("\r\n", "\n"))


def test_csv_on_a_terminal_never_carries_raw_control_characters(cli: Invoke) -> None:
    note = "已开工\x1b]0;pwned\x07\x1b[31m红"
    cli("progress", "update", "16", "--value", "40", "--date", "2024-06-30", "--note", note)
    for args in (
        ["progress", "export"],
        ["progress", "log", "--format", "csv"],
        ["report", "--as-of", "2024-06-30", "--format", "csv"],
    ):
        shown = on_terminal(*args)
        assert "\x1b" not in shown and "\x07" not in shown, args
        assert "已开工\\x1b]0;pwned\\x07" in shown, args
    # to a pipe or a file too: whatever shows the file later (cat, less, a terminal) never
    # obeys it; the JSON records keep the text whole
    piped = run_minshi("progress", "export").stdout
    assert "\x1b" not in piped and "已开工\\x1b]0;pwned\\x07" in piped
    log = json.loads(run_minshi("progress", "log", "-f", "json").stdout)
    assert [e["note"] for e in log] == [note]
