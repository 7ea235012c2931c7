"""`minshi progress template`: the monthly fill-in sheet for one lead unit (read back by import)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.options import AsOfOpt, NoticeOpt, as_of_date, complete_units
from minshi.cli.progress import progress_app


def register(app: typer.Typer) -> None:
    """Add `template` to the `progress` commands (the root app has added `progress` itself)."""
    if not any(c.name == "template" for c in progress_app.registered_commands):
        progress_app.command(
            "template",
            epilog="Example: minshi progress template --lead 区城市管理局 --as-of 2024-06-30",
        )(template)


def template(
    lead: Annotated[
        str,
        typer.Option(
            "--lead",
            metavar="UNIT",
            help="The lead unit (牵头单位) that fills it in.",
            autocompletion=complete_units,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.xlsx",
            help="Where to write it (default: UNIT-YYYY-MM.xlsx in this folder).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    notice: NoticeOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write a unit's fill-in sheet (.xlsx): its metrics, current values, cells to fill in."""
    from minshi.errors import InputError
    from minshi.followup import evaluate_chosen
    from minshi.progress_xlsx import default_name, template_rows, write_template

    catalog = state.catalog()
    unit = catalog.resolve_unit(lead)
    day = as_of_date(as_of)
    pairs = catalog.select(notice=notice, lead=unit)
    if not pairs:
        raise InputError(f"{unit} leads no task; a template is for a lead unit (see: minshi units)")
    rows = template_rows(evaluate_chosen(state.store(), catalog, day, pairs, notice), unit)
    path = output or Path(default_name(unit, day))
    write_template(path, rows, unit=unit, as_of=day, force=force)
    tasks = len({(r.view.notice.id, r.view.task.id) for r in rows})
    typer.echo(
        f"wrote {path}: {_count(len(rows), 'metric')} of {_count(tasks, 'task')} for {unit}, "
        f"values as of {day}"
    )


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
