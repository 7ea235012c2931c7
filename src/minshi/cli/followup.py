"""What needs attention: overdue and incomplete metrics, one row each, for people and cron."""

from collections.abc import Callable
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.commands import Commands
from minshi.cli.options import (
    AsOfOpt,
    BasisOpt,
    Format,
    FormatOpt,
    LeadOpt,
    NoticeOpt,
    UnitOpt,
    as_of_date,
)
from minshi.followup import metrics_as_of
from minshi.render import render
from minshi.render.columns import METRIC_ROW_COLUMNS
from minshi.render.records import metric_rows
from minshi.status import FINISHED, Status
from minshi.tuples import NamedTuple

FailOnAnyOpt = Annotated[
    bool, typer.Option("--fail-on-any", help="Exit 1 when the list is not empty (for cron alerts).")
]


commands = Commands()


@commands.command("overdue", epilog="Example: minshi overdue --as-of 2025-01-15 --fail-on-any")
def overdue(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
    fail_on_any: FailOnAnyOpt = False,
    basis: BasisOpt = None,
) -> None:
    """Metrics past their deadline and not done (逾期未完成)."""
    which = _Which(as_of, lead, unit, notice, basis)
    _list(lambda s: s == "overdue", which, fmt, fail_on_any, "nothing is overdue")


@commands.command("incomplete", epilog="Example: minshi incomplete --lead 区教委 --format csv")
def incomplete(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
    fail_on_any: FailOnAnyOpt = False,
    basis: BasisOpt = None,
) -> None:
    """Metrics not yet done, whatever their status."""
    which = _Which(as_of, lead, unit, notice, basis)
    _list(lambda s: s not in FINISHED, which, fmt, fail_on_any, "everything is done")


class _Which(NamedTuple):
    """The metrics a listing is about: as of a date, of a unit, on a basis."""

    as_of: str | None
    lead: str | None
    unit: str | None
    notice: str | None
    basis: str | None


def _list(
    keep: Callable[[Status], bool], which: _Which, fmt: Format, fail_on_any: bool, empty: str
) -> None:
    """The metrics the unit answers for (or all), kept by status; exit 1 on --fail-on-any."""
    pairs = metrics_as_of(
        state.catalog(),
        state.store(),
        as_of_date(which.as_of),
        notice=which.notice,
        lead=which.lead,
        unit=which.unit,
        keep=keep,
        basis=state.basis(which.basis),
        escalation=state.escalation(),
    )
    if fmt == Format.table and not pairs:
        state.say(empty)
    else:
        state.emit(render(metric_rows(pairs), fmt.value, METRIC_ROW_COLUMNS))
    if fail_on_any and pairs:
        raise typer.Exit(1)
