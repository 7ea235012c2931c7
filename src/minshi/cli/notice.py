"""import-notice: a published notice (text, web page, .docx) to a draft data file to review."""

import re
from pathlib import Path
from typing import Annotated

import typer

from minshi.cli.commands import Commands
from minshi.errors import InputError
from minshi.files import write_file
from minshi.importer import import_notice as read_notice

_SLUG = re.compile(r"^[^\s/]+$")


commands = Commands()


@commands.command(
    "import-notice",
    epilog=(
        "Example: minshi import-notice 万州区2025年通知.txt -o targets_2025.yaml --id wanzhou-2025"
    ),
)
def import_notice(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The notice: a .txt copy of it, the web page (.html) or the Word file (.docx).",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="OUT.yaml", help="Write the draft here (default: stdout)."
        ),
    ] = None,
    notice_id: Annotated[
        str | None,
        typer.Option(
            "--id", metavar="SLUG", help="The notice's id, e.g. wanzhou-2025 (default: file name)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite OUT.yaml if it exists.")
    ] = False,
) -> None:
    """Turn a published notice into a draft data file, validated, for a clerk to review."""
    if notice_id is not None and not _SLUG.match(notice_id):
        raise InputError(f"--id '{notice_id}': use letters, digits and dashes, e.g. wanzhou-2025")
    if output is not None:
        _check_output(file, output, force)
    draft = read_notice(file, notice_id=notice_id)
    text = draft.to_yaml()
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output, text, force)
        tasks = draft.notice.tasks
        metrics = sum(len(t.metrics) for t in tasks)
        typer.echo(f"wrote {output}: {len(tasks)} tasks, {metrics} metrics", err=True)
    _say_review(draft.review)


def _say_review(items: list[str]) -> None:
    if items:
        typer.echo(f"{len(items)} item{'s' if len(items) > 1 else ''} need review:", err=True)
        for item in items:
            typer.echo(f"  {item}", err=True)


def _check_output(source: Path, output: Path, force: bool) -> None:
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise InputError(f"{output} is the notice being imported; write the draft elsewhere")
    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name, e.g. {output / 'notice.yaml'}")
    if output.exists() and not force:
        raise InputError(f"{output} already exists; add --force to replace it")


def _write(path: Path, text: str, force: bool) -> None:
    """Write the draft whole; without --force, never over a file that appeared meanwhile."""
    write_file(path, text.encode("utf-8"), replace=force)
