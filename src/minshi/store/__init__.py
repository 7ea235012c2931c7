"""The progress journal (DESIGN.md, "Layers"): open a store by path or server URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minshi.errors import InputError, StoreError
from minshi.store.base import NewEntry, ProgressEntry, SeriesKey, Store, journal_checksum

__all__ = [
    "CopyResult",
    "copy_journal",
    "NewEntry",
    "ProgressEntry",
    "SeriesKey",
    "Store",
    "is_server_url",
    "journal_checksum",
    "open_store",
    "redact",
]

_SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(location: str | Path) -> bool:
    """True when `location` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(location, str) and location.lower().startswith(_SERVER_SCHEMES)


@dataclass(frozen=True)
class CopyResult:
    entries: int
    checksum: str  # journal_checksum of what both stores now hold


def copy_journal(src: Store, dst: Store) -> CopyResult:
    """Copy the whole journal of `src` into the empty store `dst` in one transaction.

    Ids, recording times and retractions are kept; the copy is verified by its count and
    checksum, inside the transaction and again after it.
    """
    entries = sorted(src.log(), key=lambda e: e.id)  # one consistent snapshot of src
    expected = journal_checksum(entries)
    dst.load(entries)
    copied = dst.log()
    if len(copied) != len(entries) or journal_checksum(copied) != expected:
        raise StoreError(
            f"the copy in {dst.location} does not match {src.location}: "
            f"{len(copied)} entries copied of {len(entries)}"
        )
    return CopyResult(len(entries), expected)


def redact(url: str) -> str:
    """A server URL without its password, fit to show in a message."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def open_store(location: str | Path, *, create: bool) -> Store:
    """Open the journal at a file path (SQLite) or a ``postgresql://`` URL.

    With ``create=False`` nothing is ever created: a missing file reads as an empty journal and
    writes are refused. With ``create=True`` the first write creates the file and its folder.
    """
    if isinstance(location, str) and not location.strip():
        raise InputError("the store location is empty: give a file path or a postgresql:// URL")
    if is_server_url(location):
        from minshi.store.postgres import PostgresStore

        return PostgresStore(str(location), create=create)
    from minshi.store.sqlite import SQLiteStore

    return SQLiteStore(Path(location).expanduser(), create=create)
