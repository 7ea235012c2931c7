"""`minshi db …`: look after the progress store itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state

db_app = typer.Typer(
    name="db", help="Check, back up and set up the progress store.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


@db_app.command(epilog="Example: minshi db check")
def check() -> None:
    """Check the store's integrity (never changes it); exit 3 when something is wrong."""
    from minshi.errors import StoreError

    store = state.store()
    problems = store.check()
    if problems:
        raise StoreError(f"{store.location}: {len(problems)} problem(s) found", details=problems)
    typer.echo(f"ok: {store.location} — {_entries(store.count())}, no problems found")


@db_app.command(epilog="Example: minshi db backup /backup/minshi-2024-06-30.db")
def backup(
    dest: Annotated[
        Path, typer.Argument(metavar="FILE", help="Where to write the copy (must not exist).")
    ],
) -> None:
    """Copy the store safely while others may be writing (SQLite online backup)."""
    from minshi.errors import InputError

    if dest.exists():
        raise InputError(f"{dest} already exists; choose a new file name")
    store = state.store()
    store.backup(dest)
    typer.echo(f"backed up {_entries(store.count())} from {store.location} to {dest}")


@db_app.command(epilog="Example: MINSHI_DB=postgresql://minshi@db.example/minshi minshi db migrate")
def migrate() -> None:
    """Create the store if needed and bring its schema up to date."""
    store = state.store(write=True)
    version = store.migrate()
    typer.echo(f"{store.location}: schema version {version}")
