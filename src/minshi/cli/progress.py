"""`minshi progress …`: record what was done, see the history, take a report back, move files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from minshi.cli import state
from minshi.cli.options import Format, FormatOpt, LeadOpt, NoticeOpt, TaskArg, UnitOpt

if TYPE_CHECKING:
    from minshi.models import Metric
    from minshi.store.base import NewEntry, ProgressEntry

progress_app = typer.Typer(
    name="progress",
    help="Record progress (进展情况) and look after the journal.",
    no_args_is_help=True,
)

ByOpt = Annotated[
    str | None, typer.Option("--by", metavar="NAME", help="Who reports it (default: your login).")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Accept a value more than 3× the target (not a typo).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(progress_app)


def _warn_going_back(before: ProgressEntry, entry: NewEntry, metric: Metric) -> None:
    """Cumulative figures only grow and finished milestones stay finished; say so if not.
    (Rates are measured anew each time, and a "<=" figure is meant to come down.)"""
    unit = metric.unit
    cumulative = metric.kind == "quantity" and metric.comparator != "<="
    if (
        cumulative
        and before.value is not None
        and entry.value is not None
        and entry.value < before.value
    ):
        _warn(
            f"the cumulative figure goes down ({_value_text(before, unit)} as of {before.date} → "
            f"{_value_text(entry, unit)}); if the earlier report was wrong, this corrects it, "
            f"otherwise take this one back with: minshi progress undo"
        )
    if before.done and not entry.done:
        _warn(
            f"task {entry.task} {entry.metric} was reported finished on {before.date}; "
            "this report says it is not (minshi progress undo takes it back)"
        )


def _login() -> str:
    import getpass
    import os

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a bare cron environment, a container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _value_text(entry: NewEntry | ProgressEntry | None, unit: str | None) -> str:
    from minshi.render import plain

    if entry is None:
        return "—"
    if entry.value is not None:
        return f"{plain(entry.value)} {unit or ''}".rstrip().replace(" %", "%")
    if entry.done:
        return "已完成"
    bits = [f"{plain(entry.percent)}%" if entry.percent is not None else "", entry.stage or ""]
    return "，".join(b for b in bits if b) or "—"


@progress_app.command(
    epilog=(
        "Examples: minshi progress update 16 --value 40 --date 2024-06-30 --note '已开工40个'  ·  "
        "minshi progress update 20 --metric 其芳小学 --done"
    )
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
    done: Annotated[bool, typer.Option("--done", help="Milestone: finished (已完成).")] = False,
    stage: Annotated[str | None, typer.Option("--stage", help="Milestone: current stage.")] = None,
    percent: Annotated[
        str | None, typer.Option("--percent", metavar="P", help="Milestone: 形象进度 %.")
    ] = None,
    notice: NoticeOpt = None,
    force: ForceOpt = False,
) -> None:
    """Record progress on a task's metric (累计完成), and show its new status."""
    from minshi.followup import evaluate_task, read_journal
    from minshi.progress_io import Report, check
    from minshi.render import percent as pct
    from minshi.status import STATUS_LABELS

    report = Report(
        task=task,
        metric=metric,
        value=value,
        date=on,
        note=note,
        notice=notice,
        done="yes" if done else None,
        stage=stage,
        percent=percent,
        invested=invested,
    )
    checked = check(report, state.catalog(), today=date.today(), by=by or _login(), force=force)
    entry, m = checked.entry, checked.metric
    before = (
        state.store()
        .latest(entry.date, notice=entry.notice)
        .get((entry.notice, entry.task, entry.metric))
    )
    for doubt in checked.warnings:
        _warn(doubt)
    if before is not None:
        _warn_going_back(before, entry, m)
    (saved,) = state.store(write=True).add([entry])
    journal = read_journal(state.store(write=True), entry.date, entry.notice, {entry.task})
    view = evaluate_task(checked.notice, checked.task, journal, entry.date)
    mv = next(v for v in view.metrics if v.metric.key == m.key)
    progress = f", {pct(mv.state.progress)} of target" if mv.state.progress is not None else ""
    typer.echo(
        state.one_line(
            f"task {entry.task} {m.key}（{m.name}）: {_value_text(before, m.unit)} → "
            f"{_value_text(saved, m.unit)} as of {entry.date} (entry {saved.id})"
        )
    )
    label, status = STATUS_LABELS[mv.state.status], mv.state.status
    typer.echo(
        f"status as of {entry.date}: {label} ({status}{progress}, "
        f"序时进度 {pct(mv.state.expected)})"
    )


def entry_record(e: ProgressEntry) -> dict[str, Any]:
    """An entry as the `progress log` contract has it (numbers stay exact Decimals until
    written: JSON writes them as numbers, tables and CSV digit for digit)."""
    return {
        "id": e.id,
        "notice": e.notice,
        "task": e.task,
        "metric": e.metric,
        "value": e.value,
        "date": e.date.isoformat(),
        "recorded_at": e.recorded_at.isoformat(timespec="seconds"),
        "by": e.by,
        "note": e.note,
        "done": e.done,
        "stage": e.stage,
        "percent": e.percent,
        "invested": e.invested,
        "retracts": e.retracts,
        "retracted_by": e.retracted_by,
    }


@progress_app.command(epilog="Example: minshi progress log 16 --since 2024-06-01")
def log(
    task: Annotated[
        str | None,
        typer.Argument(metavar="[TASK]", help="Only this task.", autocompletion=None),
    ] = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    since: Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="YYYY-MM-DD")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")] = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The history of reports, newest first (retractions included)."""
    from minshi.progress_io import parse_day
    from minshi.render import Column, field, render

    catalog = state.catalog()
    if notice is not None:
        notice = catalog.notice(notice).id
    wanted: set[tuple[str, int]] | None = None  # (notice, task) pairs, when narrowed
    if task is not None:
        found_notice, found = catalog.find_task(task, notice)
        wanted = {(found_notice.id, found.id)}
    if lead or unit:
        chosen = {(n.id, t.id) for n, t in catalog.select(notice=notice, lead=lead, unit=unit)}
        wanted = chosen if wanted is None else wanted & chosen
    entries = [
        e
        for e in state.store().log(
            notice=notice,
            tasks=None if wanted is None else {t for _, t in wanted},
            since=parse_day(since, "--since") if since else None,
            until=parse_day(until, "--until") if until else None,
            limit=limit if wanted is None else None,  # else counted after the pairs are kept
        )
        if wanted is None or (e.notice, e.task) in wanted
    ][:limit]
    if fmt == Format.table and not entries:
        typer.echo("(no progress recorded)", err=True)
        return
    by_id = {e.id: e for e in entries}

    def shown(r: dict[str, Any]) -> str:
        if r["retracts"]:
            return f"撤回 #{r['retracts']}"
        text = _value_text(by_id[r["id"]], None)
        return f"{text}（已撤回）" if r["retracted_by"] else text

    records = [entry_record(e) for e in entries]
    columns = [
        field("#", "id", right=True),
        field("日期", "date"),
        Column("事项", lambda r: r["task"] if catalog.single else f"{r['notice']}/{r['task']}"),
        field("指标", "metric"),
        Column("数值", shown),
        field("进展情况", "note", wrap=True),
        field("报送人", "by"),
    ]
    if fmt in (Format.csv, Format.markdown):
        columns = [field(k, k) for k in records[0]] if records else columns
    state.emit(render(records, fmt.value, columns))


@progress_app.command(epilog="Example: minshi progress undo --dry-run")
def undo(
    entry_id: Annotated[
        int | None,
        typer.Argument(metavar="[ENTRY]", help="Entry number (default: your own last report)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change.")] = False,
    by: ByOpt = None,
    note: Annotated[str, typer.Option("--note", "-n", help="Why it is taken back.")] = "",
) -> None:
    """Take a report back: recorded as a retraction, never erased."""
    from minshi.errors import InputError
    from minshi.progress_io import standing_after
    from minshi.store.base import refuse_retraction

    store, who = state.store(), by or _login()
    if entry_id is None:  # the store is shared (cron, other clerks): your own last report
        target = store.last_entry(by=who)
        if target is None:
            raise InputError(
                f"{who} has no report to take back; name one: minshi progress undo ENTRY "
                "(see: minshi progress log)"
            )
    else:
        target = store.get(entry_id)
        refuse_retraction(target, entry_id, store.location)
    assert target is not None
    unit = _metric_unit(target)
    what = (
        f"entry {target.id}: task {target.task} {target.metric} {_value_text(target, unit)} "
        f"as of {target.date}"
    )
    if dry_run:
        after = standing_after(state.store(), target)
        then = _value_text(after, unit)
        typer.echo(
            state.one_line(
                f"would take back {what}; {target.metric} as of {target.date} would then be {then}"
            )
        )
        return
    retraction = state.store(write=True).retract(target.id, by=who, note=note)
    after = standing_after(state.store(), target)
    now = f"{target.metric} as of {target.date} is {_value_text(after, unit)}"
    typer.echo(state.one_line(f"took back {what} (entry {retraction.id}); {now}"))


def _metric_unit(entry: ProgressEntry) -> str | None:
    try:
        _, task = state.catalog().find_task(entry.task, entry.notice)
    except Exception:  # noqa: BLE001 - the notice may have changed since; the unit is cosmetic
        return None
    return next((m.unit for m in task.metrics if m.key == entry.metric), None)


@progress_app.command("import", epilog="Example: minshi progress import 区城市管理局-2024-06.csv")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv (or .xlsx template) file.")],
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
    from minshi.progress_io import check_all, read_csv, refuse_repeats

    if file.suffix.lower() == ".xlsx":
        from minshi.progress_xlsx import read_template

        reports = read_template(file)
    else:
        reports = read_csv(file)
    checked = check_all(
        reports,
        state.catalog(),
        today=date.today(),
        by=by or _login(),
        force=force,
        source=str(file),
    )
    for c in checked:
        for doubt in c.warnings:
            _warn(f"{c.where}: {doubt}")
    if not again:
        refuse_repeats(checked, state.store(), str(file))
    entries = [c.entry for c in checked]
    if dry_run:
        rows = f"{len(entries)} row{'s are' if len(entries) > 1 else ' is'} fine"
        typer.echo(f"{file}: {rows}; nothing written (--dry-run)")
        return
    saved = state.store(write=True).add(entries)
    typer.echo(f"imported {len(saved)} rows from {file} (entries {saved[0].id}–{saved[-1].id})")


def _warn(text: str) -> None:
    typer.echo(f"minshi: warning: {state.one_line(text)}", err=True)


@progress_app.command(epilog="Example: minshi progress export -o journal.csv")
def export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to a file (UTF-8 with BOM)."),
    ] = None,
    notice: NoticeOpt = None,
) -> None:
    """Write the standing reports as CSV, in the format `progress import` reads."""
    from minshi.progress_io import export_csv

    if notice is not None:
        notice = state.catalog().notice(notice).id
    entries = sorted(state.store().log(notice=notice), key=lambda e: e.id)
    text = export_csv(entries)
    if output is None:
        from minshi.render import for_stream

        state.emit(for_stream(text))
        return
    from minshi.files import write_file

    write_file(output, text.encode("utf-8-sig"))
    typer.echo(f"wrote {len(text.splitlines()) - 1} rows to {output}", err=True)
