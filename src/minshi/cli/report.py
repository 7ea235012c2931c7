"""`minshi report`: the progress table the office publishes, by hand or from cron."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.commands import Commands
from minshi.cli.options import (
    AsOfOpt,
    BasisOpt,
    LeadOpt,
    NoticeOpt,
    UnitOpt,
    as_of_date,
    file_path,
    output_option,
    statuses,
    whole_number,
)
from minshi.errors import InputError
from minshi.files import write_file
from minshi.render import messages
from minshi.render.report import render_report, report_format
from minshi.render.terminal import is_terminal
from minshi.report import DEFAULT_STALE_DAYS, Report, build_report, failing
from minshi.report.carry_over import carry_over_yaml
from minshi.status import Status


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
    output_option("Write to FILE (.txt .md .html .json .csv .xlsx) instead of standard output."),
]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", metavar="市级|区级", help="Only this category.")
]
StaleDaysOpt = Annotated[
    int,
    typer.Option(
        "--stale-days",
        metavar="DAYS",
        parser=whole_number("--stale-days", 3660, 1, unit=" days"),
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


OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="Replace FILE if it exists.")]

commands = Commands()


@commands.command(
    "report",
    epilog="Examples: minshi report --as-of 2024-06-30 -o 推进情况表.xlsx · "
    "minshi report --lead 区教委 --format markdown · "
    "minshi report --fail-on overdue,far_behind · minshi report --year-end -o 年度总结.html",
)
def report(
    as_of: AsOfOpt = None,
    lead: LeadOpt = None,
    unit: UnitOpt = None,
    category: CategoryOpt = None,
    notice: NoticeOpt = None,
    fmt: ReportFormatOpt = None,
    output: OutputOpt = None,
    stale_days: StaleDaysOpt = DEFAULT_STALE_DAYS,
    fail_on: FailOnOpt = None,
    basis: BasisOpt = None,
    year_end: Annotated[
        bool,
        typer.Option(
            "--year-end",
            help="The annual summary too: done, over target, ratings, money, what carries "
            "over [as of the year's end by default].",
        ),
    ] = False,
) -> None:
    """The progress report (推进情况表): summary, table with subtotals, what is late."""
    chosen = report_format(fmt.value if fmt else None, output, is_terminal())
    wanted = statuses(fail_on)
    built = build_report(
        state.catalog(),
        state.store(),
        as_of_date(as_of) if as_of or not year_end else None,
        notice=notice,
        lead=lead,
        unit=unit,
        category=category,
        stale_days=stale_days,
        basis=state.basis(basis),
        year_end=year_end,
        escalation=state.escalation(),
        rule=state.grade_rule(),
    )
    data = render_report(built, chosen, pretty=output is None and is_terminal())
    state.output(data, output, text=chosen not in ("xlsx",), bom=chosen == "csv")
    _exit_if_failing(built, wanted or set())


def _exit_if_failing(built: Report, wanted: set[Status]) -> None:
    """Exit 1, saying how many and which, when metrics have a status of `--fail-on`."""
    found = failing(built, wanted)
    if found:
        labels = ", ".join(sorted({line.status for _, line in found}))
        state.say(f"minshi: {len(found)} metrics are {labels}")
        raise typer.Exit(1)


@commands.command(
    "carry-over",
    epilog="Example: minshi carry-over --to 2025结转事项.yaml  (then: minshi validate "
    "2025结转事项.yaml)",
)
def carry_over(
    to: Annotated[
        Path,
        typer.Option(
            "--to", metavar="FILE.yaml", parser=file_path, help="Where to write the draft notice."
        ),
    ],
    as_of: AsOfOpt = None,
    notice: NoticeOpt = None,
    basis: BasisOpt = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace FILE if it exists.")
    ] = False,
) -> None:
    """Draft next year's notice section from what did not finish: the remaining targets."""
    if to.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"{to}: the draft is a notice file in YAML; name it FILE.yaml")
    built = build_report(
        state.catalog(),
        state.store(),
        as_of_date(as_of) if as_of else None,
        notice=notice,
        basis=state.basis(basis),
        year_end=True,
        rule=state.grade_rule(),
    )
    assert built.year_end is not None  # asked for
    text = carry_over_yaml(built.notice, built.year_end, str(to))
    write_file(to, text.encode("utf-8"), replace=overwrite)
    state.say(messages.carried_over(to, built))
