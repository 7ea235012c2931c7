"""Read-only commands over the notice data: list, show, units, validate, config."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from minshi.cli import state
from minshi.cli.options import (
    AsOfOpt,
    Format,
    FormatOpt,
    LeadOpt,
    NoticeOpt,
    TaskArg,
    UnitOpt,
    as_of_date,
    complete_units,
)

if TYPE_CHECKING:
    pass


def register(app: typer.Typer) -> None:
    app.command(
        "list", epilog="Example: minshi list --lead 区城市管理局 --status behind,far_behind"
    )(list_tasks)
    app.command(epilog="Example: minshi show 16 --format json")(show)
    app.command(epilog="Example: minshi units --sort lead")(units)
    app.command(epilog="Example: minshi validate data/targets_2024.yaml")(validate)
    app.command(epilog="Example: minshi config")(config)


def parse_statuses(text: str | None) -> set[str] | None:
    from minshi.status import parse_statuses as parse

    return set(parse(text)) if text else None


def list_tasks(
    lead: LeadOpt = None,
    coop: Annotated[
        str | None,
        typer.Option(
            "--coop",
            metavar="UNIT",
            help="Only tasks this unit cooperates on (配合单位).",
            autocompletion=complete_units,
        ),
    ] = None,
    unit: UnitOpt = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="市级|区级", help="Only this category.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", metavar="TEXT", help="Text in the name or target."),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="S,S", help="Only these statuses, e.g. behind,far_behind,overdue."
        ),
    ] = None,
    notice: NoticeOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List tasks (重点民生实事) with their lead units and status."""
    from minshi.followup import evaluate_chosen, task_record

    wanted = parse_statuses(status)
    catalog = state.catalog()
    pairs = catalog.select(
        notice=notice, lead=lead, coop=coop, unit=unit, category=category, search=search
    )
    views = evaluate_chosen(state.store(), catalog, as_of_date(as_of), pairs, notice)
    records = [task_record(v) for v in views if not wanted or v.status in wanted]
    _emit_tasks(records, fmt)


def _emit_tasks(records: list[dict[str, Any]], fmt: Format) -> None:
    from minshi.cli.views import TASK_CSV_COLUMNS, task_columns
    from minshi.render import render

    columns = TASK_CSV_COLUMNS if fmt in (Format.csv, Format.markdown) else task_columns()
    if fmt == Format.table and not records:
        typer.echo("(no tasks match)", err=True)
        return
    state.emit(render(records, fmt.value, columns))


def show(
    task: TaskArg, notice: NoticeOpt = None, as_of: AsOfOpt = None, fmt: FormatOpt = Format.table
) -> None:
    """Show one task in full: target text, units, and every metric with its progress."""
    from minshi.cli.views import METRIC_COLUMNS, history_chart, metric_columns, on_terminal
    from minshi.followup import evaluate_task, read_journal, task_record
    from minshi.render import render, safe_text, use_color

    found_notice, found = state.catalog().find_task(task, notice)
    day = as_of_date(as_of)
    view = evaluate_task(
        found_notice, found, read_journal(state.store(), day, found_notice.id, {found.id}), day
    )
    record = task_record(view)
    if fmt == Format.json:
        state.emit(render([], "json", [], json_obj=record))
        return
    if fmt != Format.table:
        state.emit(render(record["metrics"], fmt.value, METRIC_COLUMNS))
        return
    coop = "、".join(record["cooperating"]) + ("等" if record["cooperating_more"] else "")
    lines = [
        f"{record['id']}. {record['name']}  [{record['category']}]  {record['status_label']}",
        f"年度工作目标任务：{record['target_text']}",
        f"牵头单位：{'、'.join(record['lead'])}",
        f"配合单位：{coop or '—'}",
    ]
    if record["note"]:
        lines.append(f"进展情况（{record['note_date']}）：{record['note']}")
    typer.echo(safe_text("\n".join(lines)) + "\n")
    state.emit(render(record["metrics"], "table", metric_columns()))
    if on_terminal():  # a person reads it: the history as a chart
        entries = state.store().log(notice=found_notice.id, tasks={found.id}, until=day)
        typer.echo("\n" + history_chart(view, entries, day, color=use_color()), nl=False)


def units(
    sort: Annotated[
        str,
        typer.Option("--sort", metavar="name|lead|coop|total", help="Sort order (default: total)."),
    ] = "total",
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every unit with the tasks it leads (牵头) and cooperates on (配合)."""
    from minshi.errors import InputError
    from minshi.render import Column, field, render

    catalog = state.catalog()
    chosen = catalog.notice(notice) if notice else None
    rows: dict[str, dict[str, Any]] = {}
    for n, task in catalog.tasks():
        if chosen is not None and n is not chosen:
            continue
        ref = task.id if catalog.single else f"{n.id}/{task.id}"
        for role, names in (("lead", task.lead), ("cooperating", task.cooperating)):
            for name in names:
                row = rows.setdefault(name, {"unit": name, "lead": [], "cooperating": []})
                row[role].append(ref)
    for row in rows.values():
        row.update(lead_count=len(row["lead"]), cooperating_count=len(row["cooperating"]))
        row["total"] = row["lead_count"] + row["cooperating_count"]
    keys = {
        "name": lambda r: (r["unit"],),
        "lead": lambda r: (-r["lead_count"], -r["total"], r["unit"]),
        "coop": lambda r: (-r["cooperating_count"], -r["total"], r["unit"]),
        "total": lambda r: (-r["total"], -r["lead_count"], r["unit"]),
    }
    if sort not in keys:
        raise InputError(f"unknown sort '{sort}' (use name, lead, coop or total)")
    records = sorted(rows.values(), key=keys[sort])
    columns = [
        field("单位", "unit"),
        field("牵头", "lead_count", right=True),
        field("配合", "cooperating_count", right=True),
        Column("牵头事项", lambda r: "、".join(map(str, r["lead"])), wrap=True),
        Column("配合事项", lambda r: "、".join(map(str, r["cooperating"])), wrap=True),
    ]
    state.emit(render(records, fmt.value, columns))


def validate(
    path: Annotated[
        Path | None,
        typer.Argument(help="Notice file or folder (default: the data in use)."),
    ] = None,
) -> None:
    """Check notice files and report every problem as file:line: where: what."""
    from minshi.catalog import load

    target = path or Path(state.settings().data.value)
    catalog = load(target, use_cache=False)
    for warning in catalog.warnings:
        typer.echo(f"minshi: warning: {state.one_line(warning)}", err=True)
    tasks = sum(len(n.tasks) for n in catalog.notices)
    metrics = sum(len(t.metrics) for _, t in catalog.tasks())
    review = sum(len(n.review) for n in catalog.notices)
    notices = len(catalog.notices)
    typer.echo(
        f"ok: {target} — {notices} notice{'s' if notices > 1 else ''}, {tasks} tasks, "
        f"{metrics} metrics, {len(catalog.unit_names())} units"
        + (f"; {review} items still marked for review" if review else "")
    )


def config(fmt: FormatOpt = Format.table) -> None:
    """Show where the notice data and the progress store are, and why."""
    from minshi.render import field, render
    from minshi.store import redact

    s = state.settings()
    records = [
        {"setting": "data", "value": s.data.value, "source": s.data.source},
        {"setting": "db", "value": redact(s.db.value), "source": s.db.source},
        {
            "setting": "config file",
            "value": str(s.config_file or "(none)"),
            "source": "search from .",
        },
    ]
    columns = [
        field("setting", "setting"),
        field("value", "value", wrap=True),
        field("from", "source"),
    ]
    state.emit(render(records, fmt.value, columns))
