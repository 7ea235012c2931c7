"""The catalog cache: what was validated, kept so that a repeated run needs neither PyYAML nor
pydantic.

The cache is data, never code: lines of JSON, rebuilt into the models by their declared field
types. It is believed only when all of this holds, and is otherwise ignored and written anew:
- its key matches: the minshi version, the cache format, the models' fields, and every notice
  file's path, device, inode, size, mtime and ctime, as opening the file shows them (an edit
  changes the ctime, which `touch` cannot set back; opening makes a network share look again);
- every file whose times are within `RACY_NS` of when the cache was built (or later) still has
  the content it had then, as git treats its "racily clean" files: timestamps are coarse (2 s
  on FAT or some shares), so an edit just after the building could leave them as they were.
  A file not touched for a while before the building is trusted by its times alone, so a warm
  run opens each notice file but reads none;
- it is a regular file (not a symlink) owned by the user running minshi and writable by no one
  else, as ssh treats its own files: a cache planted in a shared folder is not read;
- every value has the type its field declares.

Known limit: FAT keeps no change time (the system makes one up from the mtime), so there an
edit that keeps a file's size and sets its mtime back by hand is not seen; `MINSHI_NO_CACHE=1`
reads the YAML whatever the cache holds.

The file is lines of JSON: the first holds the key, the notice ids, the unit spellings, the
warnings and each notice's checksum; then each notice on a line of its own, in pieces
(`notice_line`). A run parses the first line, and a notice only when it is used: one notice
among hundreds is built without the others; a listing of a unit's tasks across a province reads
each notice's head and builds only the tasks it shows (`NoticeParts`).
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

from minshi import __version__, models
from minshi.catalog.lookup import TaskHead, task_head
from minshi.config import cache_dir
from minshi.files import read_regular, write_private
from minshi.models import Notice, NoticeRef, Task, is_model

CACHE_FORMAT = 7
MAX_CACHE_BYTES = 64 * 1024 * 1024  # 200 notices take about 5 MB

Fingerprint = list[tuple[str, int, int, int, int, int]]  # path, device, inode, size, times
# a file this close to the cache's building, or later, has its content checked: the grain of
# coarse timestamps, and some slack for a file server's clock
RACY_NS = 10_000_000_000


class Damaged(ValueError):
    """A cache file that does not hold what minshi writes."""


def fingerprint(files: Iterable[Path]) -> Fingerprint | None:
    """What the cache is valid for: each file's absolute path, device, inode, size, mtime and
    ctime, read from the open file (on NFS, opening is what makes the client ask the server
    again); None when a file is not a regular file (a pipe or device is read afresh every
    time, never cached)."""
    result = []
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        for path in files:
            fd = os.open(path, flags)
            try:
                st = os.fstat(fd)
            finally:
                os.close(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            times = (st.st_mtime_ns, st.st_ctime_ns)
            result.append((os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, *times))
    except OSError:
        return None  # loading will say what is wrong with the file
    return result


def contents(files: Iterable[Path], max_bytes: int) -> list[str] | None:
    """Each file's checksum, for the files that turn out racy later (`read`); None when a file
    cannot be read (loading will say why)."""
    try:
        return [_content(path, max_bytes) for path in files]
    except OSError:
        return None


def _content(path: Path, max_bytes: int) -> str:
    """The checksum of a notice file's content, as it is now."""
    return _digest(read_regular(path, max_bytes))


def _racy(print_: tuple[str, int, int, int, int, int], built: int) -> bool:
    """Whether a file's timestamps are too close to the cache's building to be trusted alone:
    always on Windows, whose ctime is the creation time."""
    return os.name == "nt" or max(print_[4], print_[5]) >= built - RACY_NS


def _digest(data: bytes) -> str:
    """Two checksums of `data`: enough to tell an edit or damage from none (beside the key,
    and only in this user's own file), and zlib is already loaded where hashlib would load
    OpenSSL, at every start."""
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def cache_file(location: Path) -> Path:
    digest = _digest(str(location.resolve()).encode())
    return cache_dir() / f"catalog-{digest}.json"


def cache_key(prints: Fingerprint) -> list[Any]:
    """What a cache is valid for, in the form it takes in the file (JSON: lists, not tuples)."""
    return [__version__, CACHE_FORMAT, _schema(), [list(p) for p in prints]]


# ---------------------------------------------------------------------------------------------
# Models as JSON: each model object a list of its field values in order


def encode(value: Any) -> Any:
    if is_model(value):
        return [encode(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


def _model_classes() -> dict[str, type[Any]]:
    return {
        name: cls
        for name, cls in vars(models).items()
        if isinstance(cls, type) and issubclass(cls, tuple) and cls.__module__ == models.__name__
    }


def _schema() -> list[list[Any]]:
    """The models' fields in order: a cache written for other models is not used."""
    return [[name, list(cls._fields)] for name, cls in _model_classes().items()]


def _decimal(raw: Any) -> Decimal:
    if not isinstance(raw, str):
        raise Damaged("a number that is not text")
    if len(raw) > 64:  # no figure of a notice is that long (a validated one never is)
        raise Damaged("a number far too long")
    number = Decimal(raw)
    if not number.is_finite() or not -64 < number.adjusted() < 64:
        raise Damaged("a number that is not finite, or far out of bounds")
    return number


def _date(raw: Any) -> date:
    if not isinstance(raw, str):
        raise Damaged("a date that is not text")
    return date.fromisoformat(raw)


_WORD = re.compile(r"\w+")


@functools.cache
def _decoder(name: str) -> Callable[[Any], Any]:
    """A function making a model object of class `name` from its JSON list, directed by the
    types its fields declare (read once per class, from the annotations' text). Only the
    fields that are not plain JSON values (numbers, dates, nested models) cost any work: a
    province's cache holds tens of thousands of objects."""
    classes = _model_classes()
    cls = classes[name]
    decimals, dates, ones, manys, decimal_maps = [], [], [], [], []
    for position, field_name in enumerate(cls._fields):
        kind = str(cls.__annotations__[field_name])
        words = set(_WORD.findall(kind))
        nested = [n for n in classes if n in words]
        if nested and f"list[{nested[0]}]" in kind:
            manys.append((position, nested[0]))
        elif nested:
            ones.append((position, nested[0]))
        elif kind.startswith("dict[") and "Decimal" in words:
            decimal_maps.append(position)
        elif "Decimal" in words:
            decimals.append(position)
        elif "date" in words or "Day" in words:
            dates.append(position)
    size, new = len(cls._fields), tuple.__new__

    def decode(raw: Any) -> Any:
        if type(raw) is not list or len(raw) != size:
            raise Damaged(f"not a {name}")
        for position in decimals:
            if raw[position] is not None:
                raw[position] = _decimal(raw[position])
        for position in dates:
            if raw[position] is not None:
                raw[position] = _date(raw[position])
        for position in decimal_maps:
            if type(raw[position]) is not dict:
                raise Damaged(f"not a table of numbers in a {name}")
            raw[position] = {key: _decimal(v) for key, v in raw[position].items()}
        for position, inner in ones:
            if raw[position] is not None:
                raw[position] = _decoder(inner)(raw[position])
        for position, inner in manys:
            items = raw[position]
            if type(items) is not list:
                raise Damaged(f"not a list of {inner}")
            if items:
                make = _decoder(inner)
                raw[position] = [make(item) for item in items]
        return new(cls, raw)

    return decode


# A notice's line: pieces of JSON separated by tabs (JSON never holds a raw tab: it is written
# \t), so that a task is parsed only when it is used. The head first: the notice's head, its
# review items and each task's head (what a selection asks of a task); then the units; then
# each task.
_PIECES = b"\t"


def notice_line(notice: Notice) -> bytes:
    """The line of the cache that holds `notice`."""
    heads = [task_head(task) for task in notice.tasks]
    head = [encode(notice.notice), encode(notice.review), heads]
    pieces = [head, encode(notice.units), *(encode(task) for task in notice.tasks)]
    return _PIECES.join(json.dumps(p, ensure_ascii=False).encode("utf-8") for p in pieces)


def _pieces(text: bytes, checksum: str) -> list[bytes]:
    if _digest(text) != checksum:
        raise Damaged("a notice's text was changed")
    pieces = text.split(_PIECES)
    if len(pieces) < 2:
        raise Damaged("not a notice's line")
    return pieces


def _loads(piece: bytes) -> Any:
    try:
        return json.loads(piece)
    except (ValueError, RecursionError) as exc:
        raise Damaged(str(exc)) from exc


def _decoded(name: str, raw: Any) -> Any:
    try:
        return _decoder(name)(raw)
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        raise Damaged(str(exc)) from exc


def decode_notice(text: bytes, checksum: str) -> Notice:
    """A whole notice from its line; Damaged when the text is not one, or not the text that was
    written (its `checksum`, which catches a damaged file where checking the type of every
    value would cost a province's start-up)."""
    head, units, *tasks = _pieces(text, checksum)
    info, review, _ = _head(head)
    raw = [info, [_loads(task) for task in tasks], _loads(units), review]
    notice = _decoded("Notice", raw)
    assert isinstance(notice, Notice)
    return notice


def _head(piece: bytes) -> tuple[Any, Any, list[Any]]:
    head = _loads(piece)
    if type(head) is not list or len(head) != 3 or type(head[2]) is not list:
        raise Damaged("not a notice's head")
    return head[0], head[1], head[2]


class NoticeParts:
    """A notice read from its line without its tasks: its id and head (`ref`), each task's
    head, and each task built when asked for (`task`)."""

    __slots__ = ("ref", "heads", "_tasks")

    def __init__(self, text: bytes, checksum: str) -> None:
        head, _, *self._tasks = _pieces(text, checksum)
        info, _, heads = _head(head)
        made = _decoded("NoticeInfo", info)
        self.ref = NoticeRef(made.id, made)
        if len(heads) != len(self._tasks):
            raise Damaged("another number of tasks")
        self.heads = [_task_head(raw) for raw in heads]

    def task(self, position: int) -> Task | None:
        """The task at `position`; None when its piece cannot be read (build the notice whole,
        which says what is wrong and mends the cache)."""
        try:
            task = _decoded("Task", _loads(self._tasks[position]))
        except Damaged:
            return None
        return task if isinstance(task, Task) else None


def _task_head(raw: Any) -> TaskHead:
    if type(raw) is not list or len(raw) != len(TaskHead._fields):
        raise Damaged("not a task's head")
    return tuple.__new__(TaskHead, raw)


# ---------------------------------------------------------------------------------------------
# The file


def _readable(path: Path) -> bytes | None:
    """The cache file's bytes, if it is a regular file of this user's that no one else may
    write; None otherwise (missing, a symlink, planted by another user, too large)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
        if not stat.S_ISREG(st.st_mode) or not mine or st.st_mode & 0o022:
            return None
        if st.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(st.st_size + 1)  # read(n) allocates n bytes: ask for what is there
    except OSError:
        return None
    finally:
        os.close(fd)


Texts = list[tuple[bytes, str]]  # each notice's JSON text and its checksum


def read(
    cache: Path, key: list[Any], files: list[Path], max_bytes: int
) -> tuple[list[str], dict[str, str], list[str], Texts]:
    """(notice ids, unit spellings, warnings, each notice's JSON text and checksum) from the
    cache for `files`, whose fingerprint is in the `key`; Damaged when it may not be believed.
    Only the first line is parsed here."""
    raw = _readable(cache)
    if raw is None:
        raise Damaged("no cache of this user's")
    lines = raw.split(b"\n")
    if len(lines) < 2 or lines.pop() != b"":
        raise Damaged("not a catalog cache")
    try:
        record = json.loads(lines[0])
    except (ValueError, RecursionError) as exc:  # nested past any notice: planted
        raise Damaged("not JSON") from exc
    if not isinstance(record, dict) or record.get("key") != key:
        raise Damaged("another key")
    ids, units = record.get("ids"), record.get("units")
    warnings, checksums = record.get("warnings"), record.get("checksums")
    if not (
        _strings(ids)
        and isinstance(units, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in units.items())
        and _strings(warnings)
        and _strings(checksums)
        and len(ids) == len(checksums) == len(lines) - 1
    ):
        raise Damaged("not a catalog cache")
    _check_racy(record, key[-1], files, max_bytes)
    return ids, units, warnings, list(zip(lines[1:], checksums, strict=True))


def _check_racy(record: dict[str, Any], prints: Any, files: list[Path], max_bytes: int) -> None:
    """Damaged when a file too close to the cache's building for its timestamps to be trusted
    no longer has the content it had then."""
    built, digests = record.get("built"), record.get("contents")
    if type(built) is not int or not _strings(digests) or len(digests) != len(files):
        raise Damaged("not a catalog cache")
    for path, print_, digest in zip(files, prints, digests, strict=True):
        if not _racy(print_, built):
            continue
        try:
            now = _content(path, max_bytes)
        except OSError as exc:
            raise Damaged("a notice file cannot be read") from exc
        if now != digest:
            raise Damaged("a notice file changed within its timestamps' grain")


def _strings(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def write(
    cache: Path,
    key: list[Any],
    built: tuple[int, list[str]],
    catalog: tuple[list[Notice], dict[str, str], list[str]],
) -> None:
    """Write the cache of `catalog` (its notices, unit spellings and warnings), valid for the
    `key`, `built` at a time (ns) from files that then held content with those checksums."""
    notices, units, warnings = catalog
    # JSON never holds a raw line break (it is written \n): a notice is one line
    texts = [notice_line(n) for n in notices]
    record = {
        "key": key,
        "ids": [n.id for n in notices],
        "units": units,
        "warnings": warnings,
        "checksums": [_digest(t) for t in texts],
        "built": built[0],
        "contents": built[1],
    }
    data = b"\n".join([json.dumps(record, ensure_ascii=False).encode("utf-8"), *texts]) + b"\n"
    try:
        write_private(cache, data)
    except OSError:
        pass  # a cache that cannot be written only costs time
