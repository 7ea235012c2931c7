"""`minshi report`: the progress table the office publishes, by hand or from cron."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.options import AsOfOpt, LeadOpt, NoticeOpt, UnitOpt, as_of_date


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


ReportFormatOpt = Annotated[
    ReportFormat | None,
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
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (.txt .md .html .json .csv .xlsx) instead of standard output.",
        dir_okay=False,
    ),
]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", metavar="市级|区级", help="Only this category.")
]
StaleDaysOpt = Annotated[
    int,
    typer.Option(
        "--stale-days",
        metavar="DAYS",
        help="List lead units with no report in this many days before the as-of date.",
    ),
]
FailOnOpt = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        metavar="S,S",
        help="Exit 1 (after writing the report) when a metric has one of these statuses, "
        "e.g. overdue,far_behind.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        epilog="Examples: minshi report --as-of 2024-06-30 -o 推进情况表.xlsx · "
        "minshi report --lead 区教委 --format markdown · "
        "minshi report --fail-on overdue,far_behind"
    )(report)


def report(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    category: CategoryOpt = None,
    notice: NoticeOpt = None,
    fmt: ReportFormatOpt = None,
    output: OutputOpt = None,
    stale_days: StaleDaysOpt = 35,
    fail_on: FailOnOpt = None,
) -> None:
    """The progress report (推进情况表): summary, table with subtotals, what is late."""
    from minshi.cli.query import parse_statuses
    from minshi.followup import read_journal
    from minshi.report import build_report, failing, render_report

    chosen = output_format(fmt, output)
    statuses = parse_statuses(fail_on)
    day = as_of_date(as_of)
    catalog = state.catalog()
    notice_id = catalog.notice(notice).id
    journal = read_journal(state.store(), day, notice_id)
    built = build_report(
        catalog,
        journal,
        day,
        notice=notice_id,
        lead=lead,
        unit=unit,
        category=category,
        stale_days=stale_days,
    )
    data = render_report(built, chosen)
    if output is not None:
        from minshi.files import write_file

        write_file(output, b"\xef\xbb\xbf" + data if chosen == "csv" else data)
        typer.echo(f"wrote {output}", err=True)
    elif chosen == "xlsx":
        state.emit(data)
    else:
        from minshi.render import for_stream

        state.emit(for_stream(data.decode("utf-8")))
    found = failing(built, statuses or ())
    if found:
        labels = ", ".join(sorted({line.status for _, line in found}))
        typer.echo(f"minshi: {len(found)} metrics are {labels}", err=True)
        raise typer.Exit(1)


def output_format(fmt: ReportFormat | None, output: Path | None) -> str:
    """The format asked for, or the one the output file's extension names."""
    from minshi.cli.views import on_terminal
    from minshi.errors import InputError
    from minshi.report import EXTENSIONS

    by_name = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None:
        if by_name is not None and by_name != fmt.value:
            raise InputError(
                f"--format {fmt.value} does not match the file name {output} "
                f"(a {output.suffix} file is {by_name}); drop one of them"  # type: ignore[union-attr]
            )
        chosen = fmt.value
    elif output is not None:
        if by_name is None:
            raise InputError(
                f"cannot tell the format from the name {output}; "
                "end it in .txt .md .html .json .csv or .xlsx, or add --format"
            )
        chosen = by_name
    else:
        chosen = ReportFormat.text.value
    if chosen == "xlsx" and output is None and on_terminal():
        raise InputError("an xlsx report is a file: write it with -o FILE.xlsx")
    return chosen
