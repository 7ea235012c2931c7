"""What needs attention: overdue and incomplete metrics, one row each, for people and cron."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from minshi.cli import state
from minshi.cli.options import AsOfOpt, Format, FormatOpt, LeadOpt, NoticeOpt, UnitOpt, as_of_date

FailOnAnyOpt = Annotated[
    bool, typer.Option("--fail-on-any", help="Exit 1 when the list is not empty (for cron alerts).")
]


def register(app: typer.Typer) -> None:
    app.command(epilog="Example: minshi overdue --as-of 2025-01-15 --fail-on-any")(overdue)
    app.command(epilog="Example: minshi incomplete --lead 区教委 --format csv")(incomplete)


def _rows(
    as_of: str | None, lead: str | None, unit: str | None, notice: str | None
) -> list[dict[str, Any]]:
    from minshi.followup import evaluate_chosen, metric_rows

    catalog = state.catalog()
    pairs = catalog.select(notice=notice, lead=lead, unit=unit)
    rows = metric_rows(evaluate_chosen(state.store(), catalog, as_of_date(as_of), pairs, notice))
    if lead:  # a split target's part belongs to its owner only
        owner = catalog.resolve_unit(lead)
        rows = [r for r in rows if owner in r["lead"]]
    return rows


def _emit(rows: list[dict[str, Any]], fmt: Format, fail_on_any: bool, empty: str) -> None:
    from minshi.cli.views import METRIC_ROW_COLUMNS
    from minshi.render import render

    if fmt == Format.table and not rows:
        typer.echo(empty, err=True)
    else:
        state.emit(render(rows, fmt.value, METRIC_ROW_COLUMNS))
    if fail_on_any and rows:
        raise typer.Exit(1)


def overdue(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
    fail_on_any: FailOnAnyOpt = False,
) -> None:
    """Metrics past their deadline and not done (逾期未完成)."""
    rows = [r for r in _rows(as_of, lead, unit, notice) if r["status"] == "overdue"]
    _emit(rows, fmt, fail_on_any, "nothing is overdue")


def incomplete(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    notice: NoticeOpt = None,
    fmt: FormatOpt = Format.table,
    fail_on_any: FailOnAnyOpt = False,
) -> None:
    """Metrics not yet done, whatever their status."""
    rows = [r for r in _rows(as_of, lead, unit, notice) if r["status"] != "done"]
    _emit(rows, fmt, fail_on_any, "everything is done")
