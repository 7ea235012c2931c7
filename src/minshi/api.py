"""Opening the notice data and the progress store for a script, the way the command line does.

Without a location, both follow the same settings as the command line (`--data`/`--db`,
MINSHI_DATA/MINSHI_DB, a `minshi.toml`, the defaults): a script and cron see what a clerk sees.
"""

from __future__ import annotations

from pathlib import Path

from minshi.catalog import Catalog, load
from minshi.config import resolve
from minshi.store import Store
from minshi.store import open_store as _open_store


def open_catalog(location: str | Path | None = None) -> Catalog:
    """Every notice at a file or folder (default: the data in force, e.g. the bundled one)."""
    return load(Path(location) if location is not None else Path(resolve().data.value))


def open_store(location: str | Path | None = None, *, create: bool = True) -> Store:
    """The progress journal at a path or `postgresql://` URL (default: the store in force);
    with `create` (the default) the first write creates it. Use it in a `with` block."""
    where = location if location is not None else resolve().db.value
    return _open_store(where, create=create)
