"""The README's console examples are what minshi prints: each `$ minshi …` line is run, in order,
in one fresh office folder, and its output compared with the lines shown under it."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, ROOT, python_script, run_minshi

# the files the examples name, as a clerk would have them
JUNE_CSV = (
    "notice,task,metric,value,date,note\n"
    ",16,,41,2024-07-01,\n"
    ",99,,1,2024-07-01,\n"
    ",16,,abc,2024-07-01,\n"
)
ACCEPTANCE_REPORT = "%PDF-1.4\n% 江南水厂竣工验收报告\n%%EOF\n".encode()


def examples() -> list[tuple[str, str | None]]:
    """(command, expected output or None when the README shows none), in README order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found: list[tuple[str, str | None]] = []
    for block in re.findall(r"```console\n(.*?)```", readme, flags=re.S):
        command: str | None = None
        lines: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, "\n".join(lines).strip() or None))
                command, lines = line[2:], []
            else:
                lines.append(line)
        if command is not None:
            found.append((command, "\n".join(lines).strip() or None))
    return found


def test_the_readme_has_console_examples() -> None:
    assert len(examples()) >= 10


def test_every_console_example_prints_what_the_readme_shows(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = isolated / "office"
    (office / "data").mkdir(parents=True)
    shutil.copy(BUNDLED, office / "data" / "targets_2024.yaml")
    (office / "6月.csv").write_text(JUNE_CSV, encoding="utf-8")
    (office / "验收报告.pdf").write_bytes(ACCEPTANCE_REPORT)
    text = BUNDLED.read_text(encoding="utf-8")
    broken = text.replace("target: 95,", "target: -95,", 1).replace(
        "category: 区级", "category: 省级", 1
    )
    (office / "broken.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setenv("MINSHI_DATA", str(office / "data" / "targets_2024.yaml"))
    for command, expected in examples():
        argv = shlex.split(command)
        assert argv[0] == "minshi", command
        result = run_minshi(*argv[1:], cwd=office, env={"COLUMNS": "100", "LOGNAME": "zhangmin"})
        assert result.returncode in (0, 1, 2), (command, result.stderr)
        if expected is not None:
            shown = (result.stdout + result.stderr).rstrip()
            assert shown == expected, f"$ {command}\n{shown}"


def test_the_python_api_example_runs(isolated: Path) -> None:
    """The README's "Python API" example, run as a script in a fresh folder."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], flags=re.S)
    folder = isolated / "script"
    folder.mkdir()
    (folder / "example.py").write_text(code, encoding="utf-8")
    result = python_script(folder / "example.py", cwd=folder)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 on_track []"
    assert "16 城镇老旧小区改造和社区服务提升 far_behind" in lines
    assert "16 新开工改造老旧小区面积 far_behind" in lines
    assert (folder / "progress.db").is_file()
    assert (folder / "6月推进情况表.xlsx").read_bytes()[:2] == b"PK"


def test_the_library_leaves_the_garbage_collector_alone(isolated: Path) -> None:
    """Only the `minshi` command switches the cyclic collector off (docs/design.md, "No cyclic
    collector in a run"): a program that imports minshi keeps its own."""
    folder = isolated / "script"
    folder.mkdir()
    script = folder / "uses_minshi.py"
    script.write_text(
        "import gc\nimport minshi\nimport minshi.cli\n"
        "minshi.open_catalog()\nprint(gc.isenabled())\n",
        encoding="utf-8",
    )
    result = python_script(script, cwd=folder)
    assert (result.returncode, result.stdout) == (0, "True\n"), result.stderr
