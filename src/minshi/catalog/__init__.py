"""Find, load, validate and cache notice files; answer questions about them.

`load(location)` reads every notice at a file or folder (from the cache when it may be believed)
and gives a `Catalog`; every problem of every file is reported at once as `file:line: where:
what`.
"""

from __future__ import annotations

import os
import time
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minshi.catalog import cache as _cache
from minshi.catalog.files import MAX_FILE_BYTES, notice_files
from minshi.catalog.lookup import (
    Catalog,
    Role,
    answers_for,
    check_category,
    takes_part,
)
from minshi.errors import DataFileError
from minshi.models import Notice

if TYPE_CHECKING:
    from minshi.catalog.validate import (
        ValidatedNotice,
        read_notice,
        validate_data,
        validate_text,
        validated,
    )
    from minshi.catalog.yamlsafe import MAX_DEPTH, MAX_NODES

# validation, loaded on first use: PyYAML and pydantic behind it, which the cache spares a run
_LAZY = {
    "ValidatedNotice": "minshi.catalog.validate",
    "read_notice": "minshi.catalog.validate",
    "validate_data": "minshi.catalog.validate",
    "validate_text": "minshi.catalog.validate",
    "validated": "minshi.catalog.validate",
    "MAX_DEPTH": "minshi.catalog.yamlsafe",
    "MAX_NODES": "minshi.catalog.yamlsafe",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'minshi.catalog' has no attribute {name!r}")
    return getattr(import_module(_LAZY[name]), name)


__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Catalog",
    "Role",
    "ValidatedNotice",
    "answers_for",
    "check_category",
    "load",
    "notice_files",
    "read_notice",
    "takes_part",
    "validate_data",
    "validate_text",
    "validated",
]


def load(location: Path, *, use_cache: bool = True) -> Catalog:
    """Load every notice at `location` (a file or a folder); all problems reported together."""
    started = time.time_ns()  # before anything is read: see cache._check_racy
    files = notice_files(location)
    key = cache_path = contents = None
    if use_cache and os.environ.get("MINSHI_NO_CACHE") is None:
        prints = _cache.fingerprint(files)
        if prints is not None:
            key, cache_path = _cache.cache_key(prints), _cache.cache_file(location)
            try:
                return _from_cache(cache_path, key, files)
            except _cache.Damaged:
                # read the YAML, and write a sound cache with the content it was read from
                contents = _cache.contents(files, MAX_FILE_BYTES)
    notices, warnings = _read_all(location, files)
    catalog = Catalog(notices, warnings)
    if cache_path is not None and key is not None and contents is not None:
        built = (started, contents)
        _cache.write(cache_path, key, built, (notices, catalog.unit_spellings, warnings))
    return catalog


def _from_cache(cache_path: Path, key: list[object], files: list[Path]) -> Catalog:
    ids, units, warnings, texts = _cache.read(cache_path, key, files, MAX_FILE_BYTES)
    if len(ids) != len(files):
        raise _cache.Damaged("another number of notices")

    def build(index: int) -> Notice:
        try:
            notice = _cache.decode_notice(*texts[index])
            if notice.id != ids[index]:
                raise _cache.Damaged("another notice")
            return notice
        except _cache.Damaged:
            cache_path.unlink(missing_ok=True)  # the next run writes a sound one
            from minshi.catalog.validate import read_notice  # PyYAML, pydantic: see _LAZY

            return read_notice(files[index]).notice

    def parts(index: int) -> _cache.NoticeParts | None:
        try:
            found = _cache.NoticeParts(*texts[index])
            if found.ref.id != ids[index]:
                raise _cache.Damaged("another notice")
            return found
        except _cache.Damaged:
            return None  # built whole instead, which says what is wrong and mends it

    return Catalog([], warnings, ids=ids, units=units, build=build, parts=parts)


def _read_all(location: Path, files: list[Path]) -> tuple[list[Notice], list[str]]:
    from minshi.catalog.validate import read_notice  # PyYAML, pydantic: see _LAZY

    notices: list[Notice] = []
    warnings: list[str] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    for path in files:
        try:
            checked = read_notice(path)
        except DataFileError as e:
            problems.extend(e.details or [e.message])
            continue
        notice = checked.notice
        place = f"{path}:{checked.id_line}" if checked.id_line else str(path)
        if notice.id in first_seen:
            problems.append(
                f"{place}: notice id '{notice.id}' is also used by {first_seen[notice.id]}"
            )
            continue
        first_seen[notice.id] = place
        notices.append(notice)
        warnings.extend(checked.warnings)
    if problems:
        head = problems[0] if len(problems) == 1 else f"{location}: {len(problems)} problems found"
        raise DataFileError(head, details=problems if len(problems) > 1 else [])
    return notices, warnings
