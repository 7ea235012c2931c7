"""import-notice: a published notice (text, web page, .docx, .xlsx, PDF) to a draft to review."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

_SLUG = re.compile(r"^[^\s/]+$")

EPILOG = (
    "Example: minshi import-notice 万州区2025年通知.txt -o targets_2025.yaml --id wanzhou-2025\n\n"
    "Each item to review is printed after the place in the notice it comes from "
    "(通知.txt:37: …). After the draft was reviewed, check it against the notice again:\n\n"
    "Example: minshi import-notice 万州区2025年通知.txt --check targets_2025.yaml\n\n"
    "--check prints only what differs (tasks added or gone, names, units, target texts, "
    "targets, deadlines, investment) and exits 1 when something does, 0 when nothing does: "
    "the run worked and found something, as with --fail-on."
)


def register(app: typer.Typer) -> None:
    app.command("import-notice", epilog=EPILOG)(import_notice)


def import_notice(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The notice: text copied from its page (.txt), the page (.html), or its "
            "attachment (.docx, .xlsx, .pdf).",
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
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace OUT.yaml if it exists.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", hidden=True)] = False,  # the older name
    check: Annotated[
        Path | None,
        typer.Option(
            "--check",
            metavar="DRAFT.yaml",
            help="Compare a reviewed draft with the notice; print what differs (exit 1 if any).",
        ),
    ] = None,
) -> None:
    """Turn a published notice into a draft data file, validated, for a clerk to review."""
    from minshi.errors import InputError
    from minshi.importer import import_notice as read_notice

    if notice_id is not None and not _SLUG.match(notice_id):
        raise InputError(f"--id '{notice_id}': use letters, digits and dashes, e.g. wanzhou-2025")
    if check is not None and output is not None:
        raise InputError("--check compares and writes nothing: leave out -o/--output")
    replace = overwrite or force
    if output is not None:
        _check_output(file, output, replace)
    draft = read_notice(file, notice_id=notice_id)
    if check is not None:
        _compare(check, draft.notice)
        return
    text = draft.to_yaml()
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output, text, replace)
        tasks = draft.notice.tasks
        metrics = sum(len(t.metrics) for t in tasks)
        typer.echo(f"wrote {output}: {len(tasks)} tasks, {metrics} metrics", err=True)
    if draft.review:
        count = len(draft.review)
        typer.echo(f"{count} item{'s' if count > 1 else ''} need review:", err=True)
        for item in draft.review_lines():
            typer.echo(f"  {item}", err=True)


def _compare(reviewed_path: Path, fresh: object) -> None:
    from minshi.importer.check import compare, read_reviewed
    from minshi.models import Notice

    assert isinstance(fresh, Notice)
    differences = compare(read_reviewed(reviewed_path), fresh)
    if not differences:
        typer.echo(f"{reviewed_path}: says what the notice says", err=True)
        return
    for line in differences:
        typer.echo(f"{reviewed_path}: {line}")
    count = len(differences)
    typer.echo(f"{count} difference{'s' if count > 1 else ''}", err=True)
    raise typer.Exit(1)


def _check_output(source: Path, output: Path, replace: bool) -> None:
    from minshi.errors import InputError

    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise InputError(f"{output} is the notice being imported; write the draft elsewhere")
    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name, e.g. {output / 'notice.yaml'}")
    if output.exists() and not replace:
        raise InputError(f"{output} already exists; add --overwrite to replace it")


def _write(path: Path, text: str, replace: bool) -> None:
    """Write the draft whole; without --overwrite, never over a file that appeared meanwhile."""
    from minshi.files import write_file

    write_file(path, text.encode("utf-8"), replace=replace)
