"""`minshi progress verify|return|returned`: the office checks what units report (审核, 退回)."""

from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.options import Format, FormatOpt, LeadOpt, NoticeOpt, OfficerOpt, optional_day
from minshi.cli.progress import DryRunOpt, commands
from minshi.progress.review import returned, send_back, verify
from minshi.render import messages, render
from minshi.render.columns import entry_columns
from minshi.render.records import entry_record
from minshi.render.text import safe_text

EntriesArg = Annotated[
    list[int] | None,
    typer.Argument(metavar="[ENTRY]...", help="Entry numbers (see: minshi progress log)."),
]


@commands.command(
    "verify",
    epilog="Examples: minshi progress verify 12 13  ·  "
    "minshi progress verify --lead 区教委 --until 2024-06-30 --dry-run",
)
def verify_(
    entries: EntriesArg = None,
    lead: LeadOpt = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="YYYY-MM-DD", help="Every report dated up to this day."),
    ] = None,
    notice: NoticeOpt = None,
    dry_run: DryRunOpt = False,
    by: OfficerOpt = None,
    note: Annotated[str, typer.Option("--note", "-n", help="A note on the check.")] = "",
) -> None:
    """Verify reports (审核通过): those named, or a unit's reports awaiting the check."""
    store = state.store(write=not dry_run)
    done = verify(
        state.catalog(),
        store,
        entries or (),
        lead=lead,
        until=optional_day(until, "--until"),
        notice=notice,
        by=by,
        note=note,
        dry_run=dry_run,
    )
    state.emit(safe_text(messages.reviewed(done, "verified")))


@commands.command(
    "return", epilog="Example: minshi progress return 12 --reason '台账显示已开工38个，请核实'"
)
def return_(
    entries: EntriesArg = None,
    reason: Annotated[
        str, typer.Option("--reason", "-r", help="What the unit is to correct (it sees this).")
    ] = "",
    by: OfficerOpt = None,
) -> None:
    """Return reports to their unit (退回), saying why: they count for nothing until corrected."""
    done = send_back(state.store(write=True), entries or (), reason=reason, by=by)
    state.emit(safe_text(messages.reviewed(done, "returned")))


@commands.command("returned", epilog="Example: minshi progress returned --lead 区教委")
def returned_(
    lead: LeadOpt = None, notice: NoticeOpt = None, fmt: FormatOpt = Format.table
) -> None:
    """What units must correct: reports returned and not reported again since."""
    catalog = state.catalog()
    entries = returned(catalog, state.store(), lead=lead, notice=notice)
    if fmt == Format.table and not entries:
        return state.say("nothing is waiting to be corrected")
    records = [entry_record(e) for e in entries]
    ref = (lambda r: r["task"]) if catalog.single else (lambda r: f"{r['notice']}/{r['task']}")
    state.emit(render(records, fmt.value, entry_columns(fmt.value, entries, records, ref)))
