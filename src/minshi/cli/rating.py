"""`minshi rating add|list`: the 满意度测评 of tasks and the grade each gives."""

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
    OfficerOpt,
    TaskArg,
    as_of_date,
    optional_day,
)
from minshi.progress.rating import rate, ratings_as_of
from minshi.render import messages, render
from minshi.render.columns import RATING_COLUMNS, RATING_CSV_COLUMNS, rating_row
from minshi.render.text import safe_text

commands = Commands("rating", help="满意度测评: how tasks were rated, and the grade of each.")


@commands.command(
    "add",
    epilog="Examples: minshi rating add 18 --satisfied 42 --basic 6 --unsatisfied 2  ·  "
    "minshi rating add 18 --satisfied 85.3 --basic 10.2 --unsatisfied 4.5 --percent",
)
def add(
    task: TaskArg,
    satisfied: Annotated[str, typer.Option("--satisfied", metavar="N", help="满意 votes.")],
    basic: Annotated[str, typer.Option("--basic", metavar="N", help="基本满意 votes.")],
    unsatisfied: Annotated[str, typer.Option("--unsatisfied", metavar="N", help="不满意 votes.")],
    percent: Annotated[
        bool, typer.Option("--percent", help="The figures are percentages, not counts.")
    ] = False,
    on: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="When (default: today).")
    ] = None,
    by: OfficerOpt = None,
    note: Annotated[str, typer.Option("--note", "-n", help="Who rated it, how.")] = "",
    notice: NoticeOpt = None,
) -> None:
    """Record a task's 满意度测评 (by the deputies who voted it, or by residents)."""
    done = rate(
        state.catalog(),
        state.store(write=True),
        task,
        satisfied=satisfied,
        basic=basic,
        unsatisfied=unsatisfied,
        percent=percent,
        day=optional_day(on, "--date"),
        by=by,
        note=note,
        notice=notice,
        rule=state.grade_rule(),
    )
    state.emit(safe_text(messages.rated(done)))


@commands.command("list", epilog="Example: minshi rating list --as-of 2024-12-31 -f csv")
def list_(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The tasks rated, each with its latest rating and grade (满意, 基本满意, 不满意)."""
    catalog, store, rule = state.catalog(), state.store(), state.grade_rule()
    rated = ratings_as_of(catalog, store, as_of_date(as_of), notice=notice, lead=lead, rule=rule)
    if fmt == Format.table and not rated:
        return state.say("no task has been rated yet (minshi rating add)")
    columns = RATING_CSV_COLUMNS if fmt == Format.csv else RATING_COLUMNS
    state.emit(render([rating_row(r) for r in rated], fmt.value, columns))
