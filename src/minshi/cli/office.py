"""`minshi close` and `minshi reopen`: the office closes a finished task (销号), or reopens it."""

from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.commands import Commands
from minshi.cli.options import NoticeOpt, OfficerOpt, TaskArg, optional_day
from minshi.progress.review import close, reopen
from minshi.render import messages
from minshi.render.text import safe_text

commands = Commands()

DateOpt = Annotated[
    str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="As of (default: today).")
]


@commands.command(
    "close",
    epilog="Example: minshi close 20 --evidence 验收报告.pdf --note '竣工验收合格'",
)
def close_(
    task: TaskArg,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            metavar="FILE",
            help="A document to keep with it (repeat for several).",
            readable=False,  # minshi says what is wrong with a file, with exit 3 (README)
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", "-n", help="Why it may be closed.")] = "",
    on: DateOpt = None,
    by: OfficerOpt = None,
    notice: NoticeOpt = None,
) -> None:
    """Close a task (销号): only when every metric is done on verified figures."""
    day = optional_day(on, "--date")
    closure = close(
        state.catalog(),
        state.store(write=True),
        task,
        files=evidence or (),
        note=note,
        day=day,
        by=by,
        notice=notice,
    )
    state.emit(safe_text(messages.closed(closure)))


@commands.command(
    "reopen", epilog="Example: minshi reopen 20 --reason '复查发现屋面渗漏，整改后再销号'"
)
def reopen_(
    task: TaskArg,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why it is taken back.")] = "",
    on: DateOpt = None,
    by: OfficerOpt = None,
    notice: NoticeOpt = None,
) -> None:
    """Take a closure back: the task counts by its figures again."""
    day = optional_day(on, "--date")
    closure = reopen(
        state.catalog(), state.store(write=True), task, reason=reason, day=day, by=by, notice=notice
    )
    state.emit(safe_text(messages.closed(closure)))
