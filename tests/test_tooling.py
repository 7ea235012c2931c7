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


def test_bundled_notice_is_inside_the_package_build() -> None:
    """A plain `pip install .` must carry the 2024 notice (pyproject force-include)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/targets_2024.yaml" = "minshi/data/targets_2024.yaml"' in text
    assert (ROOT / "data" / "targets_2024.yaml").is_file()


def test_package_ships_type_information() -> None:
    assert (Path(__file__).resolve().parents[1] / "src" / "minshi" / "py.typed").is_file()
