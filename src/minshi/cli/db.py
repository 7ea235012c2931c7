"""`minshi db …`: look after the progress store itself."""

from pathlib import Path
from typing import Annotated

import typer

from minshi import maintenance
from minshi.cli import state
from minshi.cli.commands import Commands

commands = Commands("db", help="Check, back up and set up the progress store.")


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


@commands.command("check", epilog="Example: minshi db check")
def check() -> None:
    """Check the store's integrity (never changes it); exit 3 when something is wrong."""
    store = state.store()
    entries = maintenance.check(store)
    typer.echo(f"ok: {store.location} — {_entries(entries)}, no problems found")


@commands.command("backup", epilog="Example: minshi db backup /backup/minshi-2024-06-30.db")
def backup(
    dest: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Where to write the copy (must not exist).", readable=False
        ),
    ],
) -> None:
    """Copy the store safely while others may be writing (SQLite online backup)."""
    store = state.store()
    entries = maintenance.backup(store, dest)
    typer.echo(f"backed up {_entries(entries)} from {store.location} to {dest}")


@commands.command(
    "migrate", epilog="Example: minshi --db postgresql://minshi@db.example/minshi db migrate"
)
def migrate() -> None:
    """Create the store if needed and bring its schema up to date.

    On a PostgreSQL store this also records which units lead which task of the loaded notices,
    the rule by which each unit may write only its own tasks.
    """
    store = state.store(write=True, new_folder=True)
    version, tasks = maintenance.migrate(store, state.catalog())
    typer.echo(f"{store.location}: schema version {version}")
    if tasks is not None:
        typer.echo(f"{store.location}: lead units recorded for {tasks} tasks")


@commands.command(
    "grant",
    epilog=(
        "Examples: minshi --db postgresql://admin@db/minshi db grant 区教委 edu_clerk  ·  "
        "minshi db grant 区发展改革委 supervision --all  ·  "
        "minshi db grant --verifier supervision"
    ),
)
def grant(
    unit: Annotated[
        str | None, typer.Argument(metavar="[UNIT]", help="The unit, e.g. 区教委.")
    ] = None,
    role: Annotated[
        str | None,
        typer.Argument(metavar="[ROLE]", help="The database role that speaks for it."),
    ] = None,
    all_tasks: Annotated[
        bool, typer.Option("--all", help="May write every task (the supervision office).")
    ] = False,
    verifier: Annotated[
        str | None,
        typer.Option(
            "--verifier",
            metavar="ROLE",
            help="Give ROLE the office's right: verify, return, close and reopen.",
        ),
    ] = None,
) -> None:
    """Let a PostgreSQL role write progress for a unit (the tasks it leads, or all of them),
    or give a role the office's right to check (--verifier)."""
    store, catalog = state.store(write=True), state.catalog()
    if verifier is not None:
        maintenance.grant_verifier(store, verifier, unit, role)
        return typer.echo(f"{verifier} may now verify, return, close and reopen")
    granted = maintenance.grant(store, catalog, unit or "", role or "", all_tasks=all_tasks)
    led = "、".join(map(str, granted.tasks or [])) or "none"
    scope = "every task" if granted.tasks is None else f"the tasks {granted.unit} leads ({led})"
    typer.echo(f"{role} may now write progress for {scope}")


@commands.command(
    "copy",
    epilog="Example: minshi db copy --from ~/.local/share/minshi/progress.db --to postgresql://admin@db/minshi",
)
def copy(
    source: Annotated[str, typer.Option("--from", metavar="PATH|URL", help="The store to copy.")],
    dest: Annotated[str, typer.Option("--to", metavar="PATH|URL", help="An empty store to fill.")],
) -> None:
    """Move a whole journal into an empty store in one transaction, verified by checksum."""
    copied = maintenance.copy(source, dest, state.catalog())
    result = copied.result
    typer.echo(
        f"copied {_entries(result.entries)} from {copied.source} to {copied.dest} "
        f"(checksum {result.checksum[:12]})"
    )
