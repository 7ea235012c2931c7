"""The project's own standards, checked with every test run: lint, types, help and README."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from minshi.cli import app
from tests.conftest import ROOT, Invoke


def commands() -> list[list[str]]:
    """Every command path, e.g. ["list"], ["progress", "update"]."""
    root = get_command(app)
    found: list[list[str]] = []

    def walk(group: object, prefix: list[str]) -> None:
        for name, cmd in sorted(getattr(group, "commands", {}).items()):
            if getattr(cmd, "commands", None):
                walk(cmd, [*prefix, name])
            else:
                found.append([*prefix, name])

    walk(root, [])
    return found


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or pytest.fail("ruff is not installed: pip install -e '.[test]'")
    result = subprocess.run(
        [ruff, "check", "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    ruff = shutil.which("ruff") or pytest.fail("ruff is not installed: pip install -e '.[test]'")
    result = subprocess.run(
        [ruff, "format", "--check", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(cli: Invoke, path: list[str]) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples?: minshi ", result.stdout), result.stdout


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_is_in_the_readme(path: list[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"minshi {' '.join(path)}" in readme


def test_the_wheel_carries_the_bundled_notice(tmp_path: Path) -> None:
    """A plain `pip install .` must work from any folder: the 2024 notice is in the wheel."""
    import zipfile

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("minshi-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "minshi/data/targets_2024.yaml" in names
    assert "minshi/py.typed" in names
    bundled = zipfile.ZipFile(wheel).read("minshi/data/targets_2024.yaml")
    assert bundled == (ROOT / "data" / "targets_2024.yaml").read_bytes()


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["list", "--lead", "x"], "list"),
        (["--db", "list.db", "show", "16"], "show"),
        (["--data=x.yaml", "--debug", "progress", "update"], "progress"),
        (["--help"], None),
        ([], None),
        (["--", "list"], None),
    ],
)
def test_a_run_knows_its_command_word(argv: list[str], command: str | None) -> None:
    from minshi.cli import COMMAND_MODULES, command_named

    assert command_named(argv) == command
    if command is not None:
        assert command in COMMAND_MODULES


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["progress", "update", "16", "--value", "4"], ["progress", "update"]),
        (["--db", "x", "db", "--help"], ["db"]),
        (["list", "--lead", "区教委"], ["list"]),
        (["show", "16"], ["show"]),
    ],
)
def test_a_run_knows_its_command_and_subcommand(argv: list[str], words: list[str]) -> None:
    from minshi.cli import command_words

    assert command_words(argv) == words


def test_every_command_has_its_module_named() -> None:
    """A command missing from COMMAND_MODULES would not be found when run on its own."""
    from minshi.cli import COMMAND_MODULES

    assert {path[0] for path in commands()} == set(COMMAND_MODULES)


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_runs_in_its_own_process(path: list[str]) -> None:
    from tests.conftest import run_minshi

    result = run_minshi(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert f"Usage: minshi {' '.join(path)}" in result.stdout


def test_the_command_reference_is_current() -> None:
    """docs/commands.md is written from the commands' own --help (python docs/reference.py)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "reference.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
