"""The house in order: the layers hold (import-linter), no module grows past what one person
reads at a sitting, every command is a thin shell around one call of the core, and an import
inside a function is there only for a heavy or optional dependency, with the reason beside it.
"""

from __future__ import annotations

import ast
import inspect
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.main import get_command

from minshi.cli import app
from tests.conftest import ROOT
from tests.test_tooling import commands

SRC = ROOT / "src" / "minshi"
MAX_MODULE_LINES = 600
MAX_COMMAND_LINES = 20
# what may be imported inside a function: dependencies a run may never need (docs/design.md)
LAZY_MODULES = {
    "yaml": "notice files are read only when the cache cannot serve them",
    "pydantic": "validation, likewise",
    "annotated_types": "validation, likewise",
    "openpyxl": "spreadsheets only",
    "docx": "Word files only (optional extra)",
    "pdfplumber": "PDF only (optional extra)",
    "psycopg": "a server store only (optional extra)",
    "logging": "with psycopg only",
    "platformdirs": "only when a default location is used",
    "tomllib": "only where an office keeps a minshi.toml",
    "html": "its table of entities, for Markdown and web pages only",
    "hashlib": "OpenSSL, for a journal's checksum only",
    "tempfile": "writing a file only",
    "csv": "CSV output only, where the rest of a module needs none",
    "traceback": "--debug only",
    # minshi's own modules that exist to load the above
    "minshi.catalog.validate": "validation: PyYAML and pydantic",
    "minshi.store.postgres": "a server store: psycopg",
}


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_the_layers_hold() -> None:
    lint = shutil.which("lint-imports") or pytest.fail(
        "import-linter is not installed: pip install -e '.[test]'"
    )
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_too_long(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path}: {lines} lines"


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_a_command_is_a_thin_shell(path: list[str]) -> None:
    command = get_command(app)
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    callback = command.callback
    assert callback is not None
    tree = ast.parse(textwrap.dedent(inspect.getsource(callback)))
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    body = [
        s
        for s in function.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))  # docstring
    ]
    size = (body[-1].end_lineno or 0) - body[0].lineno + 1
    assert size <= MAX_COMMAND_LINES, f"minshi {' '.join(path)}: a {size}-line body"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_inside_functions_are_heavy_or_optional_and_say_why(path: Path) -> None:
    """The reason is a comment beside the import, or the module's docstring saying that the
    dependency is imported inside its functions."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    doc = ast.get_docstring(tree) or ""
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, (ast.Import, ast.ImportFrom)):
                continue
            name = inner.module if isinstance(inner, ast.ImportFrom) else inner.names[0].name
            top = (name or "").split(".")[0]
            if top == "minshi":
                top = name or ""
            where = f"{path.relative_to(SRC)}:{inner.lineno}"
            assert top in LAZY_MODULES, f"{where}: import {name} belongs at the top of the module"
            said = "#" in lines[inner.lineno - 1] + lines[inner.lineno - 2]
            said = said or (top in doc and "imported inside" in doc)
            assert said, f"{where}: say beside `import {name}` why it is loaded here"
