"""What a second adversarial pass over the installed command found, each case a real process:
an address mistyped into a file name, a pseudo-file kept as evidence, a planted cache nested
past any notice, --debug changing exit codes, help written to nowhere, a CSV quote left open,
numbers past 28 significant digits, characters that do not show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_minshi
from tests.test_cache import the_cache


def minshi(*args: str) -> tuple[int, str, str]:
    done = run_minshi(*args, timeout=60)
    return done.returncode, done.stdout, done.stderr


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    (line,) = stderr.splitlines()
    assert line.startswith("minshi: error: ")
    return line


@pytest.mark.parametrize(
    "address",
    ["postgresql:clerk:S3CRET@dbhost", "postgresql:u:S3CRET@h/db", "sqlite://u:S3CRET@x/db"],
)
def test_a_mistyped_address_is_no_file_name(address: str, isolated: Path) -> None:
    code, _, err = minshi("--db", address, "progress", "update", "16", "--value", "41")
    assert code == 2 and "is not a postgresql:// URL" in one_line(err)
    assert "S3CRET" not in err
    assert list(Path.cwd().glob("postgresql*")) == [] and list(Path.cwd().glob("sqlite*")) == []
    code, shown, _ = minshi("--db", address, "config", "-f", "json")
    assert code == 0 and "S3CRET" not in shown


def test_a_pseudo_file_is_no_evidence(isolated: Path) -> None:
    for args in (("19", "--done", "--date", "2024-11-20"),):
        assert minshi("progress", "update", *args)[0] == 0
    assert minshi("progress", "verify", "--until", "2024-12-31", "--by", "督查室")[0] == 0
    code, _, err = minshi("close", "19", "--evidence", "/proc/self/environ", "--by", "督查室")
    assert code == 2 and "not a regular file" in one_line(err)
    assert json.loads(minshi("show", "19", "-f", "json")[1])["closed"] is None


def test_a_cache_nested_past_any_notice_is_rebuilt(isolated: Path) -> None:
    assert minshi("list")[0] == 0
    cache = the_cache(isolated)
    cache.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = minshi("show", "16")
    assert code == 0 and out.startswith("16. ") and "Traceback" not in err
    assert minshi("show", "16")[0] == 0  # and stays well


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("progress", "update", "9999", "--value", "1"), 2),
        (("--db", "/nonexistent/x.db", "progress", "log"), 3),
    ],
)
def test_debug_shows_the_traceback_but_keeps_the_exit_code(
    args: tuple[str, ...], code: int, isolated: Path
) -> None:
    got, _, err = minshi("--debug", *args)
    assert got == code and "Traceback" in err and err.rstrip().splitlines()[-1].startswith(
        "minshi: error: "
    )  # fmt: skip


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("list", "--help")])
def test_help_to_a_full_disk_is_one_line_and_exit_3(args: tuple[str, ...], isolated: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "minshi", *args], stdout=full, stderr=subprocess.PIPE,
            text=True, timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode == 3, done.stderr
    one_line(done.stderr)


@pytest.mark.parametrize(
    "body", ['"unterminated\n,16,,42,2024-07-02,ok\n', '"x"y\n'], ids=["open quote", "after quote"]
)
def test_a_quote_that_does_not_close_loses_no_row(body: str, isolated: Path) -> None:
    path = isolated / "july.csv"
    path.write_text("notice,task,metric,value,date,note\n,16,,41,2024-07-01," + body)
    code, _, err = minshi("progress", "import", str(path))
    assert code == 2 and "not a valid CSV file" in one_line(err)
    assert minshi("progress", "log", "-f", "json")[1].strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ("16", "--value", "1.00000000000000000000000000001"),
        ("20", "--metric", "其芳小学", "--percent", "100.00000000000000000000000000001"),
    ],
)
def test_no_digit_is_rounded_away(args: tuple[str, ...], isolated: Path) -> None:
    code, _, err = minshi("progress", "update", *args, "--date", "2024-07-01")
    assert code == 2 and "more than 12 digits after the decimal point" in one_line(err)


def test_a_long_number_reads_the_same_everywhere(isolated: Path) -> None:
    big = "12345678901234567890123456789"
    assert (
        minshi("progress", "update", "16", "--value", big, "--force", "--date", "2024-07-01")[0]
        == 0
    )
    logged = json.loads(minshi("progress", "log", "-f", "json")[1])[0]["value"]
    assert str(logged) == big
    assert big in minshi("progress", "log", "-f", "csv")[1]
    assert big in minshi("progress", "export")[1]


def test_characters_that_do_not_show_are_written_out(isolated: Path) -> None:
    note = "已开工\u200b40个\u2028第二行\U000e0041"
    assert minshi("progress", "update", "16", "--value", "40", "--date", "2024-07-01",
                  "--note", note)[0] == 0  # fmt: skip
    shown = minshi("progress", "log", "-f", "csv")[1]
    assert "\\u200b" in shown and "\\u2028" in shown and "\\U000e0041" in shown
    assert "\u200b" not in shown and "\u2028" not in shown


@pytest.mark.parametrize("kind", ["fifo", "folder", "link loop"])
def test_a_config_that_is_no_file_is_said(kind: str, isolated: Path, tmp_path: Path) -> None:
    office = tmp_path / "office"
    office.mkdir()
    config = office / "minshi.toml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "folder":
        config.mkdir()
    else:
        config.symlink_to(config)
    done = run_minshi("list", cwd=office, timeout=60)
    assert done.returncode == 3 and "minshi.toml" in one_line(done.stderr)


def test_an_empty_file_named_as_the_store_is_no_store(isolated: Path) -> None:
    empty = isolated / "empty.db"
    empty.touch()
    for args in (("db", "check"), ("report",), ("progress", "log")):
        code, _, err = minshi("--db", str(empty), *args)
        assert code == 3 and "empty file, not a minshi store" in one_line(err)
    assert minshi("--db", str(empty), "progress", "update", "16", "--value", "1")[0] == 0
    assert minshi("--db", str(empty), "db", "check")[0] == 0  # a first report starts it


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("progress", "log", "--limit", "1_0"), "not a whole number"),
        (("progress", "log", "--limit", "٥"), "not a whole number"),
        (("progress", "log", "--limit", "0"), "must be from 1"),
        (("due", "--within", "1_0"), "not a whole number"),
        (("due", "--within", "367"), "must be from 0 to 366"),
        (("report", "--stale-days", "99999999999999999999"), "must be from 1 to 3660 days"),
    ],
)
def test_a_count_is_read_as_figures_are(args: tuple[str, ...], said: str, isolated: Path) -> None:
    code, out, err = minshi(*args)
    assert code == 2 and said in one_line(err) and out == ""
    assert minshi("progress", "log", "--limit", "１", "-f", "json")[0] == 0  # full-width digits


def test_reminders_are_written_all_or_none(isolated: Path, tmp_path: Path) -> None:
    out = tmp_path / "提醒"
    out.mkdir()
    os.mkfifo(out / "区教委.txt")
    code, _, err = minshi("remind", "--all", "--as-of", "2024-07-02", "-o", str(out))
    assert code == 2 and "not a regular file" in one_line(err)
    assert sorted(p.name for p in out.iterdir()) == ["区教委.txt"]  # nothing else written
    code, _, err = minshi("remind", "--all", "--as-of", "2024-07-02", "-o", "/dev/null")
    assert code == 2 and "is not a folder" in one_line(err)


@pytest.mark.parametrize(
    "args",
    [("report", "-o"), ("progress", "export", "-o"), ("carry-over", "--to"), ("circular", "-o")],
)
def test_a_name_ending_in_a_slash_is_no_file(args: tuple[str, ...], isolated: Path) -> None:
    code, _, err = minshi(*args, "新建/")
    assert code == 2 and "names a folder" in one_line(err)
    assert not Path("新建").exists()


def test_taking_back_from_a_store_that_is_not_there_says_so(isolated: Path) -> None:
    missing = isolated / "missing.db"
    code, _, err = minshi("--db", str(missing), "progress", "undo", "1")
    assert code == 3 and "there is no store at" in one_line(err)
    assert not missing.exists()
