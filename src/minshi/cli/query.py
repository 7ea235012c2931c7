"""Read-only commands over the notice data: list, show, units, validate, config."""

from pathlib import Path
from typing import Annotated

import typer

from minshi.catalog import load
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
    statuses,
)
from minshi.config import redact
from minshi.followup import history_of, task_as_of, tasks_as_of
from minshi.render import render
from minshi.render.columns import (
    CONFIG_COLUMNS,
    METRIC_COLUMNS,
    UNIT_COLUMNS,
    metric_columns,
    task_columns,
    task_heading,
)
from minshi.render.labels import grade_rule_text
from minshi.render.plan_words import escalation_text, plan_notes
from minshi.render.records import task_record
from minshi.render.terminal import history_chart, is_terminal, use_color

CoopOpt = Annotated[
    str | None,
    typer.Option(
        "--coop",
        metavar="UNIT",
        help="Only tasks this unit cooperates on (配合单位).",
        autocompletion=complete_units,
    ),
]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", metavar="市级|区级", help="Only this category.")
]
SearchOpt = Annotated[
    str | None, typer.Option("--search", "-s", metavar="TEXT", help="Text in the name or target.")
]
StatusOpt = Annotated[
    str | None,
    typer.Option(
        "--status", metavar="S,S", help="Only these statuses, e.g. behind,far_behind,overdue."
    ),
]


commands = Commands()


@commands.command(
    "list", epilog="Example: minshi list --lead 区城市管理局 --status behind,far_behind"
)
def list_tasks(
    lead: LeadOpt = None,
    coop: CoopOpt = None,
    unit: UnitOpt = None,
    category: CategoryOpt = None,
    search: SearchOpt = None,
    status: StatusOpt = None,
    notice: NoticeOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    basis: BasisOpt = None,
    voted: Annotated[
        bool, typer.Option("--voted", help="Only the tasks the people's congress voted (票决).")
    ] = False,
) -> None:
    """List tasks (重点民生实事) with their lead units and status."""
    views = tasks_as_of(
        state.catalog(),
        state.store(),
        as_of_date(as_of),
        notice=notice,
        lead=lead,
        coop=coop,
        unit=unit,
        category=category,
        search=search,
        statuses=statuses(status),
        basis=state.basis(basis),
        voted=voted,
        escalation=state.escalation(),
    )
    if fmt == Format.table and not views:
        return state.say("(no tasks match)")
    rule = state.grade_rule()
    state.emit(render([task_record(v, rule) for v in views], fmt.value, task_columns(fmt.value)))


@commands.command("show", epilog="Example: minshi show 16 --format json")
def show(
    task: TaskArg,
    notice: NoticeOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    basis: BasisOpt = None,
) -> None:
    """Show one task in full: target text, units, and every metric with its progress."""
    day, on = as_of_date(as_of), state.basis(basis)
    view = task_as_of(
        state.catalog(), state.store(), task, day, notice, on, escalation=state.escalation()
    )
    record = task_record(view, state.grade_rule())
    if fmt != Format.table:
        state.emit(render(record["metrics"], fmt.value, METRIC_COLUMNS, json_obj=record))
        return
    state.emit(task_heading(record) + render(record["metrics"], "table", metric_columns()))
    notes = plan_notes(view.metrics, day, view.notice.notice.period.start.year)
    if notes:  # the plans, stages and forecasts, under the table
        state.emit("\n" + "".join(f"{line}\n" for line in notes))
    if is_terminal():  # a person reads it: the history as a chart
        chart = history_chart(view, history_of(state.store(), view, day, on), color=use_color())
        state.emit("\n" + chart)


@commands.command("units", epilog="Example: minshi units --sort lead")
def units(
    sort: Annotated[
        str,
        typer.Option("--sort", metavar="name|lead|coop|total", help="Sort order (default: total)."),
    ] = "total",
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every unit with the tasks it leads (牵头) and cooperates on (配合)."""
    records = state.catalog().unit_index(notice, sort)
    state.emit(render(records, fmt.value, UNIT_COLUMNS))


@commands.command("validate", epilog="Example: minshi validate data/targets_2024.yaml")
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(help="Notice file or folder (default: the data in use).", readable=False),
    ] = None,
) -> None:
    """Check notice files and report every problem as file:line: where: what."""
    target = path or Path(state.settings().data.value)
    catalog = load(target, use_cache=False)
    for warning in catalog.warnings:
        state.warn(warning)
    notices = catalog.notices
    tasks = sum(len(n.tasks) for n in notices)
    metrics = sum(len(t.metrics) for _, t in catalog.tasks())
    review = sum(len(n.review) for n in notices)
    typer.echo(
        f"ok: {target} — {len(notices)} notice{'s' if len(notices) > 1 else ''}, {tasks} tasks, "
        f"{metrics} metrics, {len(catalog.unit_names())} units"
        + (f"; {review} item{'' if review == 1 else 's'} still marked for review" if review else "")
    )


@commands.command("config", epilog="Example: minshi config")
def config(fmt: FormatOpt = Format.table) -> None:
    """Show where the notice data and the progress store are, and why."""
    s = state.settings()
    records = [
        {"setting": "data", "value": s.data.value, "source": s.data.source},
        {"setting": "db", "value": redact(s.db.value), "source": s.db.source},
        {"setting": "basis", "value": s.basis.value, "source": s.basis.source},
        {"setting": "config file", "value": str(s.config_file or "(none)"), "source": "search"},
        {
            "setting": "escalation",
            "value": escalation_text(s.escalation.rules),
            "source": s.escalation.source,
        },
        {
            "setting": "rating",
            "value": grade_rule_text(state.grade_rule()),
            "source": str(s.config_file) if s.grading else "default",
        },
    ]
    state.emit(render(records, fmt.value, CONFIG_COLUMNS))
