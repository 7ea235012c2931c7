"""import-notice: a published notice (text, web page, .docx, .xlsx, PDF) to a draft to review."""

import re
from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.commands import Commands
from minshi.cli.options import output_option
from minshi.errors import InputError
from minshi.files import write_file
from minshi.importer import check_output, import_notice
from minshi.importer.check import compare, read_reviewed

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

commands = Commands()


@commands.command("import-notice", epilog=EPILOG)
def import_notice_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The notice: a .txt copy of it, the web page (.html), the Word file (.docx), "
            "a spreadsheet (.xlsx) or a PDF.",
            readable=False,  # minshi says what is wrong with a file, with exit 3 (README)
        ),
    ],
    output: Annotated[
        Path | None,
        output_option("Write the draft here (default: stdout).", "OUT.yaml"),
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
            readable=False,
        ),
    ] = None,
) -> None:
    """Turn a published notice into a draft data file, validated, for a clerk to review."""
    if notice_id is not None and not _SLUG.match(notice_id):
        raise InputError(f"--id '{notice_id}': use letters, digits and dashes, e.g. wanzhou-2025")
    check_output(file, output, replace=overwrite or force, comparing=check is not None)
    draft = import_notice(file, notice_id=notice_id)
    if check is not None:
        return _differences(check, compare(read_reviewed(check), draft.notice))
    if output is None:
        state.emit(draft.to_yaml())
    else:
        write_file(output, draft.to_yaml().encode("utf-8"), replace=overwrite or force)
        metrics = sum(len(t.metrics) for t in draft.notice.tasks)
        state.say(f"wrote {output}: {len(draft.notice.tasks)} tasks, {metrics} metrics")
    lines = draft.review_lines()
    if lines:
        state.say(f"{len(lines)} item{'s' if len(lines) > 1 else ''} need review:")
        for item in lines:
            typer.echo(f"  {item}", err=True)


def _differences(reviewed: Path, differences: list[str]) -> None:
    if not differences:
        return state.say(f"{reviewed}: says what the notice says")
    for line in differences:
        typer.echo(f"{reviewed}: {line}")
    state.say(f"{len(differences)} difference{'s' if len(differences) > 1 else ''}")
    raise typer.Exit(1)
