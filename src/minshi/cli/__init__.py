"""The command line: typer only. Parse, call the core, render, map errors to exit codes."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from minshi import __version__
from minshi.cli import state


class MinshiGroup(TyperGroup):
    """Turns a MinshiError raised anywhere below into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        from minshi.errors import ExitCode, MinshiError

        try:
            return super().invoke(ctx)
        except MinshiError as e:
            if state.debug():
                raise
            typer.echo(f"minshi: error: {state.one_line(e.message)}", err=True)
            for line in e.details:
                typer.echo(f"  {state.one_line(line)}", err=True)
            raise typer.Exit(int(e.exit_code)) from None
        except OSError as e:
            if state.debug() or isinstance(e, BrokenPipeError):
                raise
            where = f": {e.filename}" if e.filename else ""
            typer.echo(f"minshi: error: {e.strerror or e}{where}", err=True)
            raise typer.Exit(int(ExitCode.STORE)) from None
        finally:
            state.close()


app = typer.Typer(
    cls=MinshiGroup,
    name="minshi",
    help=(
        "重点民生实事: a district's key livelihood projects as data — who leads what, "
        "what was reported, what is late, and the progress tables to publish."
    ),
    epilog="Example: minshi list --lead 区城市管理局",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"minshi {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    data: Annotated[
        str | None,
        typer.Option("--data", metavar="PATH", help="Notice file or folder [env: MINSHI_DATA]."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="PATH|URL", help="Progress store [env: MINSHI_DB]."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Global options; the commands below do the work."""
    state.configure(data_flag=data, db_flag=db, debug=debug)


def _register() -> None:
    from minshi.cli import followup, query

    query.register(app)
    followup.register(app)
    for name in ("progress", "template", "report", "notice", "db"):
        try:
            module = __import__(f"minshi.cli.{name}", fromlist=["register"])
        except ModuleNotFoundError as e:
            if e.name != f"minshi.cli.{name}":
                raise
            continue
        module.register(app)


_register()


def main() -> None:
    """The console script."""
    try:
        app(prog_name="minshi", standalone_mode=True)
    except BrokenPipeError:
        # `minshi list | head`: the reader left early; that is not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        print("minshi: interrupted", file=sys.stderr)
        sys.exit(130)
