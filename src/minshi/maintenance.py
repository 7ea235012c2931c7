"""Looking after the store: its integrity, backups, migrations, who may write, copies.

What `minshi db …` does, for a script as for the command line. A server store also learns from
the notices which units lead which task, the rule by which each unit writes only its own tasks.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

from minshi.catalog import Catalog
from minshi.errors import InputError, StoreError
from minshi.store import CopyResult, Store, copy_journal, is_server_url, open_store
from minshi.tuples import NamedTuple


def check(store: Store) -> int:
    """The number of entries of a sound store; StoreError listing every problem otherwise."""
    problems = store.integrity_problems()
    if problems:
        raise StoreError(f"{store.location}: {len(problems)} problem(s) found", details=problems)
    return store.count()


def backup(store: Store, dest: Path) -> int:
    """Copy the store to `dest` (a new file) while others may write; the entries copied."""
    if os.path.lexists(dest):  # a dangling symlink too: the copy would go where it points
        raise InputError(f"{dest} already exists; choose a new file name")
    store.backup(dest)
    return store.count()


def sync_leads(store: Store, catalog: Catalog) -> int | None:
    """Record the lead units of every task of the catalog on a server store; the tasks
    recorded, or None for a store without roles."""
    n = 0
    for notice in catalog.notices:
        leads = {t.id: list(t.lead) for t in notice.tasks}
        if not store.sync_leads(notice.id, leads):
            return None
        n += len(leads)
    return n


def migrate(store: Store, catalog: Catalog) -> tuple[int, int | None]:
    """Create the store or bring its schema up to date: (schema version, tasks whose lead
    units a server now knows, or None)."""
    version = store.migrate()
    return version, sync_leads(store, catalog)


class Granted(NamedTuple):
    unit: str
    tasks: list[int] | None  # the tasks the unit leads; None for every task


def grant_verifier(store: Store, role: str, unit: str | None, other: str | None) -> None:
    """Give a server role the office's right to verify, return, close and reopen."""
    if unit or other:
        raise InputError("--verifier ROLE grants the office's right alone: leave out UNIT ROLE")
    if not role.strip():
        raise InputError("--verifier needs a role name")
    store.grant_verifier(role)


def grant(store: Store, catalog: Catalog, unit: str, role: str, *, all_tasks: bool) -> Granted:
    """Let a server role write progress for a unit: the tasks it leads, or all of them."""
    if not unit or not role:
        raise InputError("give the UNIT and the ROLE that speaks for it (or --verifier ROLE)")
    name = catalog.resolve_unit(unit)
    sync_leads(store, catalog)
    store.grant(name, role, all_tasks=all_tasks)  # a store without roles refuses
    led = None if all_tasks else [t.id for _, t in catalog.tasks_of_unit(name, "lead")]
    return Granted(name, led)


class Copied(NamedTuple):
    source: str
    dest: str
    result: CopyResult


def copy(source: str, dest: str, catalog: Catalog) -> Copied:
    """Move a whole journal into an empty store in one transaction, verified by checksum."""
    if source == dest:
        raise InputError("--from and --to name the same store")
    if not is_server_url(source) and not Path(source).expanduser().is_file():
        raise InputError(f"{source}: no such store file")
    with closing(open_store(source, create=False)) as src:
        if not src.count():
            raise InputError(f"{src.location} holds no entries: nothing to copy")
        with closing(open_store(dest, create=True)) as dst:
            dst.migrate()
            sync_leads(dst, catalog)
            return Copied(src.location, dst.location, copy_journal(src, dst))
