"""What the root options chose, shared by the commands: settings, catalog, store."""

import os
import re
from pathlib import Path

import typer

from minshi.catalog import Catalog, load
from minshi.config import Escalation, Settings, looks_like_connection_string, redact, resolve
from minshi.errors import FileAccessError, InputError, StoreError
from minshi.files import write_file
from minshi.rating import GradeRule
from minshi.render.terminal import for_stream
from minshi.render.text import safe_text
from minshi.store import Basis, Store, check_location, is_server_url, open_store


class _State:
    """What this run has chosen and opened so far."""

    __slots__ = ("data_flag", "db_flag", "debug", "settings", "catalog", "stores")

    def __init__(
        self, data_flag: str | None = None, db_flag: str | None = None, debug: bool = False
    ) -> None:
        self.data_flag, self.db_flag, self.debug = data_flag, db_flag, debug
        self.settings: Settings | None = None
        self.catalog: Catalog | None = None
        self.stores: dict[bool, Store] = {}


_state = _State()


def configure(*, data_flag: str | None, db_flag: str | None, debug: bool) -> None:
    global _state
    close()
    _state = _State(data_flag=data_flag, db_flag=db_flag, debug=debug)


def close() -> None:
    """Close the stores opened by this run (a server connection, a SQLite file)."""
    stores = list(_state.stores.values())
    _state.stores.clear()
    for opened in stores:
        opened.close()


def debug() -> bool:
    return _state.debug


def settings() -> Settings:
    if _state.settings is None:
        _state.settings = resolve(_state.data_flag, _state.db_flag)
    return _state.settings


def basis(flag: str | None = None) -> Basis:
    """The basis asked for (`--basis`), else the one in force (minshi.toml, or reported)."""
    chosen = str(flag) if flag else settings().basis.value
    return "verified" if chosen == "verified" else "reported"


def grade_rule() -> GradeRule:
    """The office's rule for the grade of a rating ([rating] in minshi.toml), or the default."""
    grading = settings().grading
    return GradeRule(*grading) if grading else GradeRule()


def escalation() -> tuple[Escalation, ...]:
    """The office's escalation rules (minshi.toml), or the defaults."""
    return settings().escalation.rules


def catalog() -> Catalog:
    if _state.catalog is None:
        _state.catalog = load(Path(settings().data.value))
    return _state.catalog


def store(
    *,
    write: bool = False,
    new_folder: bool = False,
    absent_ok: bool = False,
    existing: bool = False,
) -> Store:
    """The progress store; opened for reading unless `write` (reading never creates it).

    A write creates the default store's folder; a store named by the user is created only in
    a folder that exists, unless `new_folder` (`minshi db migrate`, which is asked to create).
    Only the default store may be missing when it is read (before the first report): a store
    file the user named that is not there is a typo or a lost disk, said at once (exit 3),
    unless `absent_ok` (a dry run of what would create it); so is it for a write that changes
    what is there (`existing`: taking back, checking a report)."""
    if write not in _state.stores:
        db = settings().db
        check_location(db.value)
        named_file = db.source != "default" and not is_server_url(db.value)
        named_file = named_file and not looks_like_connection_string(db.value)  # refused below
        path = Path(db.value).expanduser().absolute()
        if write and not new_folder and named_file and not path.parent.exists():
            # a typo in a path must not start a second journal
            raise StoreError(
                f"the folder {path.parent} of the store {redact(db.value)} (from {db.source}) "
                "does not "
                "exist; create it, or correct the path"
            )
        if (existing or not write) and not absent_ok and named_file and not os.path.lexists(path):
            raise StoreError(
                f"there is no store at {redact(db.value)} (from {db.source}); correct the path, or "
                "create it with `minshi db migrate` or a first report"
            )
        if not write and named_file and os.path.isfile(path) and os.path.getsize(path) == 0:
            raise StoreError(
                f"{redact(db.value)} (from {db.source}) is an empty file, not a minshi store; "
                "correct the path, or start it with `minshi db migrate` or a first report"
            )
        _state.stores[write] = open_store(db.value, create=write)
    return _state.stores[write]


LONG_WORD = re.compile(r"\S{300,}")


def one_line(text: str) -> str:
    """A message as one line, shown safely; anything typed far too long (a 5,000-digit number,
    a pasted file) is shown by its beginning and its length, not whole."""
    line = safe_text(text).replace("\n", " ")
    return LONG_WORD.sub(lambda m: f"{m[0][:60]}…({len(m[0]):,} characters)", line)


def emit(text: str | bytes) -> None:
    """Write a command's output as it is. (typer.echo alone would strip anything that looks
    like a colour code when the output is piped, changing the data an export carries.)"""
    typer.echo(text, nl=False, color=True)


def output(data: bytes, path: Path | None, *, text: bool, bom: bool = False) -> None:
    """A command's document: to `path` (whole or not at all; a CSV file with a byte-order mark,
    so that Excel and WPS read its Chinese), else to stdout (text shown safely on a terminal)."""
    if path is not None:
        write_file(path, b"\xef\xbb\xbf" + data if bom else data)
        say(f"wrote {path}")
    else:
        emit(for_stream(data.decode("utf-8")) if text else data)


def output_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Documents into a folder, each whole or not at all; the folder is created when its parent
    exists (a typo in the parent's name is refused rather than followed)."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise InputError(f"{folder} is not a folder: -o names the folder the files go into")
    if not folder.is_dir():
        parent = folder.absolute().parent
        if not parent.is_dir():
            raise FileAccessError(f"cannot write into {folder}: no folder {parent}")
        try:
            folder.mkdir()
        except OSError as e:
            raise FileAccessError(f"cannot create the folder {folder}: {e.strerror}") from e
    # all or none: what stands in the way of one file is said before any is written
    for name in files:
        target = folder / name
        if os.path.lexists(target) and (os.path.islink(target) or not target.is_file()):
            raise InputError(f"{target} is not a regular file: move it away, then run again")
    for name, data in files.items():
        write_file(folder / name, data)
    say(f"wrote {len(files)} file{'' if len(files) == 1 else 's'} to {folder}")


def say(text: str) -> None:
    """A line for the person, not the data: on stderr, so that a pipe gets only the data."""
    typer.echo(one_line(text), err=True)


def warn(text: str) -> None:
    """What was accepted but deserves a second look, one line on stderr."""
    typer.echo(f"minshi: warning: {one_line(text)}", err=True)
