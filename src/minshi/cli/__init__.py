"""The command line: typer only. Parse, call the core, render, map errors to exit codes."""

import decimal
import importlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from minshi import __version__
from minshi.cli import state
from minshi.errors import ExitCode, FileAccessError, MinshiError
from minshi.quantity import EXACT_DIGITS

GLOBAL_OPTIONS = ("--data", "--db", "--debug")

# every digit a store keeps (30 before the point, 12 after) survives arithmetic and printing
decimal.getcontext().prec = EXACT_DIGITS


class MinshiGroup(TyperGroup):
    """Turns a MinshiError raised anywhere below into one line on stderr and its exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Usage mistakes, too, are one line (with where to find help), not a usage screen."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except Exception as e:
            if not (hasattr(e, "format_message") and hasattr(e, "exit_code")):
                raise  # not a usage error (ClickException): the root handler deals with it
            typer.echo(f"minshi: error: {_usage_message(e)}", err=True)
            sys.exit(e.exit_code)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            if state.debug():
                raise
            # every write is one transaction: one cut short is not made at all
            typer.echo("minshi: interrupted", err=True)
            raise typer.Exit(130) from None
        except MinshiError as e:
            _traceback_when_asked()
            typer.echo(f"minshi: error: {state.one_line(e.message)}", err=True)
            for line in e.details:
                typer.echo(f"  {state.one_line(line)}", err=True)
            raise typer.Exit(int(e.exit_code)) from None
        except OSError as e:
            if isinstance(e, BrokenPipeError):
                raise
            _traceback_when_asked()
            where = f": {e.filename}" if e.filename else ""
            typer.echo(f"minshi: error: {e.strerror or e}{where}", err=True)
            raise typer.Exit(int(ExitCode.STORE)) from None
        except Exception as e:
            if hasattr(e, "exit_code"):  # typer/click's own exits pass
                raise
            _traceback_when_asked()
            # a fault minshi did not foresee: one line, and never exit 1 (cron's "found it")
            typer.echo(
                f"minshi: error: unexpected {type(e).__name__}: {state.one_line(str(e))}"
                + ("" if state.debug() else " (run again with --debug for the details)"),
                err=True,
            )
            raise typer.Exit(int(ExitCode.STORE)) from None
        finally:
            state.close()


def _traceback_when_asked() -> None:
    """With --debug, the traceback of the error being handled, before its one line: the exit
    code stays the documented one (a script's `--fail-on` test must not read 1 from it)."""
    if state.debug():
        import traceback  # --debug only

        traceback.print_exc()


def _usage_message(e: Any) -> str:
    message = state.one_line(str(e.format_message())).rstrip(".")
    message = message[:1].lower() + message[1:]
    if "no such option" in message and any(o in message for o in GLOBAL_OPTIONS):
        return (
            f"{message}: --data, --db and --debug go before the command, e.g. minshi --db FILE list"
        )
    ctx = getattr(e, "ctx", None)
    where = f"{ctx.command_path} --help" if ctx is not None else "minshi --help"
    return f"{message} (see: {where})"


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


# which modules define each command: a run builds only the command it was asked for, since
# turning every command's signature into options costs more than running most commands
COMMAND_MODULES = {
    "list": ("query",),
    "show": ("query",),
    "units": ("query",),
    "validate": ("query",),
    "config": ("query",),
    "overdue": ("followup",),
    "incomplete": ("followup",),
    "progress": ("progress", "review"),
    "report": ("report",),
    "carry-over": ("report",),
    "circular": ("circular",),
    "due": ("circular",),
    "remind": ("circular",),
    "import-notice": ("notice",),
    "db": ("db",),
    "close": ("office",),
    "reopen": ("office",),
    "evidence": ("evidence",),
    "rating": ("rating",),
}
ALL_MODULES = (
    "query",
    "followup",
    "progress",
    "review",
    "report",
    "circular",
    "office",
    "evidence",
    "rating",
    "notice",
    "db",
)
GROUPS = ("progress", "db", "evidence", "rating")  # commands with subcommands


def command_words(argv: Sequence[str]) -> list[str]:
    """The command words of a command line (after the global options): `progress update`."""
    words: list[str] = []
    args = iter(argv)
    for word in args:
        if word in ("--data", "--db"):
            next(args, None)  # its value
        elif word == "--":
            break
        elif not word.startswith("-") and (len(words) < 1 or words[0] in GROUPS):
            words.append(word)
            if len(words) == 2:
                break
        elif not word.startswith("-"):
            break
    return words


def command_named(argv: Sequence[str]) -> str | None:
    """The command word in a command line (after the global options), if any."""
    words = command_words(argv)
    return words[0] if words else None


def _completion_words() -> list[str] | None:
    """The words already typed before the one a shell asks to complete (bash gives them as
    COMP_WORDS up to COMP_CWORD, the other shells as _TYPER_COMPLETE_ARGS); None when this run
    is not a completion request."""
    if not any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None
    if "COMP_WORDS" in os.environ:
        typed = os.environ["COMP_WORDS"].split()[: int(os.environ.get("COMP_CWORD", "0"))]
    else:
        line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
        typed = line.split()
        if typed and not line.endswith(" "):
            typed = typed[:-1]  # the word being completed
    return typed[1:]


def _register(argv: Sequence[str]) -> None:
    """Put on the app the command this run asks for (every command for help, an unknown word,
    or completing a command's name)."""
    completing = _completion_words()
    words = command_words(argv if completing is None else completing)
    modules = COMMAND_MODULES.get(words[0], ALL_MODULES) if words else ALL_MODULES
    found = [importlib.import_module(f"minshi.cli.{name}").commands for name in modules]
    for commands in dict.fromkeys(found):  # a group's commands may live in several modules
        commands.register(app, words)


_register(sys.argv[1:] if Path(sys.argv[0]).name in ("minshi", "__main__.py") else [])


class ClosedOutput(io.RawIOBase):
    """Standard output when minshi was started without one (`minshi report >&-`): writing to it
    fails as writing to a full disk does, instead of the output being silently lost."""

    def writable(self) -> bool:
        return True

    said = False

    def write(self, data: Any) -> int:
        if self.said:
            return len(data)  # said once; what is left is dropped when minshi exits
        self.said = True
        raise FileAccessError(
            "standard output is closed: the output could not be written (give -o FILE, or "
            "send it to a file or a pipe)"
        )


def main() -> None:
    """The console script."""
    if sys.stdout is None:  # file descriptor 1 was closed when minshi started
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(ClosedOutput()), write_through=True)
    try:
        app(prog_name="minshi", standalone_mode=True)
    except SystemExit as done:
        code = done.code
    except BrokenPipeError:
        code = _reader_left()
    except KeyboardInterrupt:
        print("minshi: interrupted", file=sys.stderr)
        code = 130
    except (MinshiError, OSError) as e:  # before a command runs: --help, --version to nowhere
        code = _failed_output(e)
    else:
        code = 0
    _leave(code)


def _failed_output(e: MinshiError | OSError) -> int:
    """One line for an error outside any command (writing help or the version), its code."""
    if isinstance(e, MinshiError):
        print(f"minshi: error: {state.one_line(e.message)}", file=sys.stderr)
        return int(e.exit_code)
    print(f"minshi: error: standard output: {e.strerror or e}", file=sys.stderr)
    return int(ExitCode.STORE)


def _reader_left() -> int:
    """`minshi list | head`: the reader left early; that is not an error."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _leave(code: object) -> NoReturn:
    """Exit with `code` as sys.exit would, without tearing the interpreter down: by now every
    store is closed and every file written whole, and freeing the objects of a run one by one
    takes longer than many commands do (about 15 ms)."""
    if isinstance(code, str):  # sys.exit("message"), as Python would print it
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _reader_left()
    except (MinshiError, OSError) as e:  # a full disk under a redirection, no output at all
        code = _failed_output(e)
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)
