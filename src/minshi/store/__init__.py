"""The progress journal: open a store by path (SQLite) or server URL (PostgreSQL)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from minshi.config import check_server_url, looks_like_connection_string, redact
from minshi.errors import InputError
from minshi.store.entries import NewEntry, ProgressEntry, SeriesKey, journal_checksum
from minshi.store.history import History, Reports
from minshi.store.journal import BASES, Basis, Having
from minshi.store.office import CopyResult, EvidenceFile, OfficeRecords, Store, copy_journal
from minshi.store.ratings import Rating
from minshi.store.sqlite import SQLiteStore

__all__ = [
    "check_location",
    "BASES",
    "Basis",
    "CopyResult",
    "EvidenceFile",
    "OfficeRecords",
    "Having",
    "History",
    "NewEntry",
    "ProgressEntry",
    "Rating",
    "Reports",
    "SeriesKey",
    "Store",
    "copy_journal",
    "is_server_url",
    "journal_checksum",
    "open_store",
]

_SERVER_SCHEMES = ("postgresql://", "postgres://")
# `postgresql:user@host`, `sqlite://…`, `mysql://…`: an address mistyped or of another kind,
# which would otherwise become a file of that name (a drive letter, C:\, is one letter)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:(?!\\)")


def is_server_url(location: str | Path) -> bool:
    """True when `location` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(location, str) and location.lower().startswith(_SERVER_SCHEMES)


def check_location(location: str | Path) -> None:
    """InputError for a location that can name no store: empty, or an address mistyped or of
    another kind (`postgresql:user@host`, `sqlite://…`), which would become a file's name."""
    if not isinstance(location, str):
        return
    if not location.strip():
        raise InputError("the store location is empty: give a file path or a postgresql:// URL")
    if _SCHEME.match(location) and not is_server_url(location) and not os.path.lexists(location):
        raise InputError(
            f"the store {redact(location)} looks like an address but is not a postgresql:// "
            "URL (e.g. postgresql://user@host/minshi); a SQLite store is a file path"
        )


def open_store(location: str | Path, *, create: bool) -> Store:
    """Open the journal at a file path (SQLite) or a ``postgresql://`` URL.

    With ``create=False`` nothing is ever created: a missing file reads as an empty journal and
    writes are refused. With ``create=True`` the first write creates the file and its folder.
    """
    check_location(location)
    if is_server_url(location):
        from minshi.store.postgres import PostgresStore  # a server store: most offices have none

        return PostgresStore(check_server_url(str(location)), create=create)
    if isinstance(location, str) and looks_like_connection_string(location):
        if not os.path.lexists(location):
            raise InputError(
                f"the store {redact(location)} looks like a PostgreSQL connection string; give "
                "a postgresql:// URL (e.g. postgresql://user@host/minshi) or a file path"
            )
    return SQLiteStore(Path(location).expanduser(), create=create)
