"""`minshi db …`: look after the progress store itself."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from minshi.cli import state

if TYPE_CHECKING:
    from minshi.store.base import Store
    from minshi.store.postgres import PostgresStore

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


@db_app.command(epilog="Example: minshi --db postgresql://minshi@db.example/minshi db migrate")
def migrate() -> None:
    """Create the store if needed and bring its schema up to date.

    On a PostgreSQL store this also records which units lead which task of the loaded notices,
    the rule by which each unit may write only its own tasks.
    """
    store = state.store(write=True, new_folder=True)
    version = store.migrate()
    typer.echo(f"{store.location}: schema version {version}")
    server = _server(store)
    if server is not None:
        n = _sync_leads(server)
        typer.echo(f"{store.location}: lead units recorded for {n} tasks")


@db_app.command(
    epilog=(
        "Examples: minshi --db postgresql://admin@db/minshi db grant 区教委 edu_clerk  ·  "
        "minshi db grant 区发展改革委 supervision --all"
    )
)
def grant(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="The unit, e.g. 区教委.")],
    role: Annotated[
        str, typer.Argument(metavar="ROLE", help="The database role that speaks for it.")
    ],
    all_tasks: Annotated[
        bool, typer.Option("--all", help="May write every task (the supervision office).")
    ] = False,
) -> None:
    """Let a PostgreSQL role write progress for a unit: the tasks it leads, or all of them."""
    from minshi.errors import InputError

    server = _server(state.store(write=True))
    if server is None:
        raise InputError(
            "db grant needs a PostgreSQL store (--db postgresql://…); a SQLite file has no roles"
        )
    name = state.catalog().resolve_unit(unit)
    _sync_leads(server)
    server.grant(name, role, all_tasks=all_tasks)
    led = [t.id for _, t in state.catalog().tasks_of_unit(name, "lead")]
    scope = (
        "every task"
        if all_tasks
        else f"the tasks {name} leads ({'、'.join(map(str, led)) or 'none'})"
    )
    typer.echo(f"{role} may now write progress for {scope}")


@db_app.command(
    epilog="Example: minshi db copy --from ~/.local/share/minshi/progress.db --to postgresql://admin@db/minshi"
)
def copy(
    source: Annotated[str, typer.Option("--from", metavar="PATH|URL", help="The store to copy.")],
    dest: Annotated[str, typer.Option("--to", metavar="PATH|URL", help="An empty store to fill.")],
) -> None:
    """Move a whole journal into an empty store in one transaction, verified by checksum."""
    from minshi.errors import InputError
    from minshi.store import copy_journal, is_server_url, open_store

    if source == dest:
        raise InputError("--from and --to name the same store")
    if not is_server_url(source) and not Path(source).expanduser().is_file():
        raise InputError(f"{source}: no such store file")
    with closing(open_store(source, create=False)) as src:
        if not src.count():
            raise InputError(f"{src.location} holds no entries: nothing to copy")
        with closing(open_store(dest, create=True)) as dst:
            dst.migrate()
            server = _server(dst)
            if server is not None:
                _sync_leads(server)
            result = copy_journal(src, dst)
            typer.echo(
                f"copied {_entries(result.entries)} from {src.location} to {dst.location} "
                f"(checksum {result.checksum[:12]})"
            )


def _server(store: Store) -> PostgresStore | None:
    """The store as a PostgreSQL store, or None for a SQLite file."""
    from minshi.store import is_server_url

    if not is_server_url(store.location):
        return None
    from minshi.store.postgres import PostgresStore

    return store if isinstance(store, PostgresStore) else None


def _sync_leads(store: PostgresStore) -> int:
    """Record the lead units of every task of the loaded notices on the server."""
    n = 0
    for notice in state.catalog().notices:
        leads = {t.id: list(t.lead) for t in notice.tasks}
        store.sync_leads(notice.id, leads)
        n += len(leads)
    return n
