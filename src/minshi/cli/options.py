"""Options shared by many commands, each defined once, with shell completion."""

import os
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from minshi.cli import state
from minshi.days import parse_day
from minshi.errors import InputError
from minshi.quantity import HALF_WIDTH
from minshi.render.labels import parse_statuses
from minshi.status import Status


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def complete_tasks(incomplete: str) -> list[tuple[str, str]]:
    """Task numbers with their names, for the shell."""
    try:
        catalog = state.catalog()
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    result = []
    for notice, task in catalog.tasks():
        ref = str(task.id) if catalog.single else f"{notice.id}/{task.id}"
        if ref.startswith(incomplete):
            result.append((ref, task.name))
    return result


def complete_units(incomplete: str) -> list[str]:
    try:
        names = state.catalog().all_unit_spellings()
    except Exception:  # noqa: BLE001
        return []
    return [n for n in names if incomplete in n]


def complete_notices(incomplete: str) -> list[str]:
    try:
        return [n.id for n in state.catalog().notices if n.id.startswith(incomplete)]
    except Exception:  # noqa: BLE001
        return []


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
NoticeOpt = Annotated[
    str | None,
    typer.Option(
        "--notice",
        metavar="ID",
        help="Which notice, when several are loaded.",
        autocompletion=complete_notices,
    ),
]
LeadOpt = Annotated[
    str | None,
    typer.Option(
        "--lead",
        metavar="UNIT",
        help="Only tasks this unit leads (牵头单位).",
        autocompletion=complete_units,
    ),
]
UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit",
        metavar="UNIT",
        help="Only tasks this unit leads or cooperates on.",
        autocompletion=complete_units,
    ),
]


class BasisChoice(StrEnum):
    reported = "reported"
    verified = "verified"


BasisOpt = Annotated[
    BasisChoice | None,
    typer.Option(
        "--basis",
        help="Which figures count: those reported, or those the office verified "
        "[default: reported, or basis in minshi.toml].",
        case_sensitive=False,
        show_default=False,
    ),
]
OfficerOpt = Annotated[
    str | None,
    typer.Option("--by", metavar="NAME", help="Who in the office does it (default: your login)."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Status as of this date (default: today)."),
]
TaskArg = Annotated[
    str,
    typer.Argument(
        metavar="TASK", help="Task number (序号), e.g. 16.", autocompletion=complete_tasks
    ),
]


def as_of_date(text: str | None) -> date:
    """The date of `--as-of` (today when not given), read as clerks write dates."""
    return parse_day(text, "--as-of") if text is not None else date.today()


def optional_day(text: str | None, option: str) -> date | None:
    return parse_day(text, option) if text is not None else None


def statuses(text: str | None) -> set[Status] | None:
    """The statuses of `--status` / `--fail-on` (names or Chinese labels), or None."""
    return parse_statuses(text) if text else None


def whole_number(
    option: str, most: int, least: int = 0, *, unit: str = "", clamp: bool = False
) -> Callable[[str | int], int]:
    """The parser of a count option (`--limit`, `--within`, `--stale-days`): digits 0-9 as
    `--value` reads them (full-width too), not the underscores or other scripts' digits Python's
    int() would take; from `least` to `most` (`clamp`: more than `most` is `most`)."""

    def parse(text: str | int) -> int:
        if isinstance(text, int):  # the default, given as a number
            return text
        digits = text.strip().translate(HALF_WIDTH)
        sign, number = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
        if not (number.isascii() and number.isdigit()):
            raise InputError(f"{option} '{text}' is not a whole number (e.g. 30)")
        if not sign and clamp and (len(number) > 18 or int(number) > most):
            return most
        if sign or len(number) > 18 or not least <= int(number) <= most:
            shown = number if len(number) <= 20 else f"{number[:12]}… ({len(number)} digits)"
            raise InputError(f"{option} must be from {least} to {most}{unit}, not {sign}{shown}")
        return int(number)

    return parse


def file_path(text: str | Path) -> Path:
    """The parser of an option naming a file to write (`-o FILE`): a name ending in '/' is a
    folder, which a Path would quietly drop the slash of and write as a file."""
    if isinstance(text, str) and text.endswith(("/", os.sep)) and len(text) > 1:
        raise InputError(f"'{text}' names a folder: add the file's name after the '/'")
    return Path(text)


def output_option(help: str, metavar: str = "FILE") -> Any:
    """`-o FILE`, where a command writes its document (a name ending in '/' refused)."""
    return typer.Option("--output", "-o", metavar=metavar, help=help, parser=file_path)
