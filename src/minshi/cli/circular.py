"""The office's monthly round: the circular (督查通报), what falls due, and each unit's reminder."""

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.commands import Commands
from minshi.cli.options import (
    AsOfOpt,
    Format,
    FormatOpt,
    LeadOpt,
    NoticeOpt,
    UnitOpt,
    as_of_date,
    complete_units,
    optional_day,
    output_option,
    whole_number,
)
from minshi.errors import InputError
from minshi.followup import DEFAULT_WITHIN, MAX_WITHIN, due_as_of
from minshi.render import render
from minshi.render.circular import circular_format, render_circular
from minshi.render.columns import DUE_COLUMNS
from minshi.render.records import due_record
from minshi.render.remind import file_names, reminder_text
from minshi.render.terminal import is_terminal
from minshi.report import build_circular, build_reminders, circular_date


class CircularFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    docx = "docx"


MonthOpt = Annotated[
    str | None,
    typer.Option(
        "--month",
        metavar="YYYY-MM",
        help="The month (default: the month before this one); it must have ended.",
    ),
]
CircularFormatOpt = Annotated[
    CircularFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format [default: from the -o extension, else text].",
        case_sensitive=False,
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    output_option("Write to FILE (.txt .md .html .json .docx) instead of standard output."),
]
WithinOpt = Annotated[
    int,
    typer.Option(
        "--within",
        metavar="DAYS",
        parser=whole_number("--within", MAX_WITHIN, unit=" days"),
        help="How many days ahead to look.",
    ),
]
CircularAsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="Up to this date, instead of a whole month."
    ),
]
RemindLeadOpt = Annotated[
    str | None,
    typer.Option(
        "--lead",
        metavar="UNIT",
        help="The unit to remind (a lead unit, 牵头单位).",
        autocompletion=complete_units,
    ),
]
FailOnAnyOpt = Annotated[
    bool, typer.Option("--fail-on-any", help="Exit 1 when something falls due (for cron).")
]
AllOpt = Annotated[
    bool, typer.Option("--all", help="A reminder for every lead unit, one file each (with -o).")
]
FolderOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FOLDER",
        help="With --all: the folder for the files (UNIT.txt); created if its parent exists.",
        file_okay=False,
    ),
]


commands = Commands()


@commands.command(
    "circular",
    epilog="Examples: minshi circular --month 2024-06 -o 2024年6月督查通报.docx · "
    "minshi circular --as-of 2024-06-30 --format markdown",
)
def circular(
    month: MonthOpt = None,
    as_of: CircularAsOfOpt = None,
    notice: NoticeOpt = None,
    fmt: CircularFormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The monthly 督查通报: units ranked by what lags, for how many months, the action due,
    what they have not reported and what was returned."""
    chosen = circular_format(fmt.value if fmt else None, output, is_terminal())
    day = circular_date(month, optional_day(as_of, "--as-of"), date.today())
    built = build_circular(
        state.catalog(),
        state.store(),
        day,
        notice=notice,
        escalation=state.escalation(),
    )
    data = render_circular(built, chosen, pretty=output is None and is_terminal())
    state.output(data, output, text=chosen != "docx")


@commands.command(
    "due", epilog="Examples: minshi due --within 14 · minshi due --lead 区教委 --format json"
)
def due(
    within: WithinOpt = DEFAULT_WITHIN,
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
    fail_on_any: FailOnAnyOpt = False,
) -> None:
    """Deadlines, schedule points and stages coming up and not yet met."""
    day = as_of_date(as_of)
    items = due_as_of(
        state.catalog(), state.store(), day, within, notice=notice, lead=lead, unit=unit
    )
    if fmt == Format.table and not items:
        state.say(f"nothing falls due in the next {within} day{'' if within == 1 else 's'}")
    else:
        state.emit(render([due_record(d, day) for d in items], fmt.value, DUE_COLUMNS))
    if fail_on_any and items:
        raise typer.Exit(1)


@commands.command(
    "remind",
    epilog="Examples: minshi remind --lead 区教委 | mail -s 民生实事提醒 jw@example.gov.cn · "
    "minshi remind --all -o 提醒/2024-07",
)
def remind(
    lead: RemindLeadOpt = None,
    all_units: AllOpt = False,
    output: FolderOpt = None,
    as_of: AsOfOpt = None,
    within: WithinOpt = DEFAULT_WITHIN,
    notice: NoticeOpt = None,
) -> None:
    """A unit's message: what falls due, what lags, what was returned, what is missing."""
    if bool(lead) == all_units or all_units != (output is not None):
        raise InputError("give --lead UNIT for one message, or --all -o FOLDER for every unit")
    reminders = build_reminders(
        state.catalog(),
        state.store(),
        as_of_date(as_of),
        lead=lead,
        notice=notice,
        within=within,
        escalation=state.escalation(),
    )
    if output is None:
        return state.emit(reminder_text(reminders[0]))
    names = file_names([r.unit for r in reminders])
    texts = [reminder_text(r).encode() for r in reminders]
    state.output_folder(output, dict(zip(names, texts, strict=True)))
