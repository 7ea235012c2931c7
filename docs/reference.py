"""Write docs/commands.md, the command reference, from every command's own `--help`.

    python docs/reference.py           # rewrite docs/commands.md
    python docs/reference.py --check   # exit 1 if it is not what the commands say (the tests do)

The help text is the one source: the reference cannot drift from the commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "commands.md"
HEADER = """# Command reference

Every command's `--help`, as `minshi` prints it. Written by `python docs/reference.py` from the
commands themselves (the tests check that it is current); see the README for a tour.
"""


def command_paths() -> list[list[str]]:
    from typer.main import get_command

    from minshi.cli import app

    paths: list[list[str]] = []

    def walk(group: object, prefix: list[str]) -> None:
        for name, cmd in sorted(getattr(group, "commands", {}).items()):
            if getattr(cmd, "hidden", False):
                continue
            paths.append([*prefix, name])
            if getattr(cmd, "commands", None):
                walk(cmd, [*prefix, name])

    walk(get_command(app), [])
    return paths


def reference() -> str:
    """The whole reference, the same on every machine (width and colour fixed)."""
    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    os.environ.pop("TERM", None)
    from typer.testing import CliRunner

    from minshi.cli import app

    runner = CliRunner()
    parts = [HEADER]
    for path in [[], *command_paths()]:
        result = runner.invoke(app, [*path, "--help"], prog_name="minshi", terminal_width=100)
        if result.exit_code != 0:
            raise SystemExit(f"minshi {' '.join(path)} --help failed: {result.output}")
        title = " ".join(["minshi", *path])
        parts.append(f"\n## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = reference()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run python docs/reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
