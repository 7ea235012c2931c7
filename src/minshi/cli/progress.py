"""`minshi progress …`: record what was done, see the history, take a report back, move files."""

from pathlib import Path
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
    TaskArg,
    UnitOpt,
    as_of_date,
    complete_units,
    optional_day,
    output_option,
    whole_number,
)
from minshi.files import write_file
from minshi.progress.check import Submission
from minshi.progress.csv import export_csv
from minshi.progress.record import import_file, journal, record, undo
from minshi.progress.sheet import check_sheet_path, default_name, sheet_rows
from minshi.render import messages, render
from minshi.render.columns import entry_columns
from minshi.render.fill_in import fill_in_sheet
from minshi.render.records import entry_record
from minshi.render.terminal import for_stream
from minshi.render.text import safe_text

commands = Commands("progress", help="Record progress (进展情况) and look after the journal.")

ByOpt = Annotated[
    str | None, typer.Option("--by", metavar="NAME", help="Who reports it (default: your login).")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Accept a value more than 3× the target (not a typo).")
]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="Replace FILE if it exists.")]
# `--force` overwrote before `--overwrite` existed; it still does, unlisted
OldForceOpt = Annotated[bool, typer.Option("--force", hidden=True)]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change, write nothing.")
]


@commands.command(
    "update",
    epilog=(
        "Examples: minshi progress update 16 --value 40 --date 2024-06-30 --note '已开工40个'  ·  "
        "minshi progress update 20 --metric 其芳小学 --done"
    ),
)
def update(
    task: TaskArg,
    value: Annotated[
        str | None, typer.Option("--value", "-v", metavar="V", help="Cumulative value so far.")
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric", "-m", metavar="KEY|NAME|N", help="Which metric (default: the first)."
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="As of (default: today).")
    ] = None,
    note: Annotated[
        str, typer.Option("--note", "-n", help="进展情况, as it goes into reports.")
    ] = "",
    by: ByOpt = None,
    invested: Annotated[
        str | None, typer.Option("--invested", metavar="万元", help="Investment completed so far.")
    ] = None,
    allocated: Annotated[
        str | None,
        typer.Option("--allocated", metavar="万元", help="Funds allocated so far (到位资金)."),
    ] = None,
    paid: Annotated[
        str | None, typer.Option("--paid", metavar="万元", help="Funds paid out so far (支付).")
    ] = None,
    done: Annotated[bool, typer.Option("--done", help="Milestone: finished (已完成).")] = False,
    stage: Annotated[str | None, typer.Option("--stage", help="Milestone: current stage.")] = None,
    percent_: Annotated[
        str | None, typer.Option("--percent", metavar="P", help="Milestone: 形象进度 %.")
    ] = None,
    notice: NoticeOpt = None,
    force: ForceOpt = False,
) -> None:
    """Record progress on a task's metric (累计完成), and show its new status."""
    submission = Submission(
        task=task,
        metric=metric,
        value=value,
        date=on if optional_day(on, "--date") else None,  # --date '' is no date: refused
        note=note,
        notice=notice,
        done="yes" if done else None,
        stage=stage,
        percent=percent_,
        invested=invested,
        allocated=allocated,
        paid=paid,
    )
    done_ = record(state.catalog(), state.store(write=True), submission, by=by, force=force)
    for doubt in done_.warnings:
        state.warn(doubt)
    state.emit(safe_text(messages.recorded(done_)))


@commands.command("log", epilog="Example: minshi progress log 16 --since 2024-06-01")
def log(
    task: Annotated[
        str | None,
        typer.Argument(metavar="[TASK]", help="Only this task.", autocompletion=None),
    ] = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    since: Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="YYYY-MM-DD")] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            parser=whole_number("--limit", 10**9, 1, clamp=True),
            help="At most this many.",
        ),
    ] = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The history of reports, newest first (retractions included)."""
    catalog = state.catalog()
    since_day, until_day = optional_day(since, "--since"), optional_day(until, "--until")
    entries = journal(
        catalog,
        state.store(),
        task=task,
        lead=lead,
        unit=unit,
        notice=notice,
        limit=limit,
        since=since_day,
        until=until_day,
    )
    if fmt == Format.table and not entries:
        return state.say("(no progress recorded)")
    records = [entry_record(e) for e in entries]
    ref = (lambda r: r["task"]) if catalog.single else (lambda r: f"{r['notice']}/{r['task']}")
    state.emit(render(records, fmt.value, entry_columns(fmt.value, entries, records, ref)))


@commands.command("undo", epilog="Example: minshi progress undo --dry-run")
def undo_(
    entry_id: Annotated[
        int | None,
        typer.Argument(metavar="[ENTRY]", help="Entry number (default: your own last report)."),
    ] = None,
    dry_run: DryRunOpt = False,
    by: ByOpt = None,
    note: Annotated[str, typer.Option("--note", "-n", help="Why it is taken back.")] = "",
) -> None:
    """Take a report back: recorded as a retraction, never erased."""
    store = state.store(write=not dry_run, existing=True)
    done = undo(state.catalog(), store, entry_id, by=by, note=note, dry_run=dry_run)
    state.emit(safe_text(messages.undone(done)))


@commands.command("import", epilog="Example: minshi progress import 区城市管理局-2024-06.csv")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A .csv (or .xlsx template) file.",
            readable=False,  # minshi says what is wrong with a file, with exit 3 (README)
        ),
    ],
    by: ByOpt = None,
    force: ForceOpt = False,
    again: Annotated[
        bool, typer.Option("--again", help="Import rows already in the journal once more.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file, write nothing.")
    ] = False,
) -> None:
    """Import progress rows; every row is checked first and one bad row refuses the whole file."""
    store = state.store(write=not dry_run, absent_ok=dry_run)
    done = import_file(
        state.catalog(), store, file, by=by, force=force, again=again, dry_run=dry_run
    )
    for doubt in done.warnings:
        state.warn(doubt)
    state.emit(safe_text(messages.imported(done)))


@commands.command("export", epilog="Example: minshi progress export -o journal.csv")
def export(
    output: Annotated[
        Path | None,
        output_option("Write to a file (UTF-8 with BOM)."),
    ] = None,
    notice: NoticeOpt = None,
    basis: BasisOpt = None,
) -> None:
    """Write the standing reports as CSV, in the format `progress import` reads."""
    entries = journal(state.catalog(), state.store(), notice=notice)
    text = export_csv(sorted(entries, key=lambda e: e.id), state.basis(basis))
    if output is None:
        return state.emit(for_stream(text))
    write_file(output, text.encode("utf-8-sig"))
    state.say(f"wrote {len(text.splitlines()) - 1} rows to {output}")


@commands.command(
    "template", epilog="Example: minshi progress template --lead 区城市管理局 --as-of 2024-06-30"
)
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
        output_option(
            "Where to write it (default: UNIT-YYYY-MM.xlsx in this folder).", "FILE.xlsx"
        ),
    ] = None,
    as_of: AsOfOpt = None,
    notice: NoticeOpt = None,
    overwrite: OverwriteOpt = False,
    force: OldForceOpt = False,
    basis: BasisOpt = None,
) -> None:
    """Write a unit's fill-in sheet (.xlsx): its metrics, current values, cells to fill in."""
    day = as_of_date(as_of)
    catalog = state.catalog()
    rows = sheet_rows(catalog, state.store(), lead, day, notice, state.basis(basis))
    unit = catalog.resolve_unit(lead)
    path = check_sheet_path(output or Path(default_name(unit, day)))
    write_file(path, fill_in_sheet(rows, unit=unit, as_of=day), replace=overwrite or force)
    tasks = len({(r.view.notice.id, r.view.task.id) for r in rows})
    state.emit(safe_text(messages.sheet_written(str(path), len(rows), tasks, unit, str(day))))
