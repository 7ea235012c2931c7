"""Reading the files people give and writing the files people keep, safely.

Reading (`read_regular`): only a regular file, and at most a limit; a pipe, device or socket is
refused before it is opened (opening some devices does something, and a pipe with no writer
would wait for ever), and again if one was put in its place meanwhile.

Writing (reports, sheets, exports, drafts): whole or not at all. A regular file is written
through a temporary file beside it, created with an unpredictable name and O_EXCL (a planted file
or symlink of that name is never followed), then renamed into place, so a half-written file never
replaces a good one. What is not a regular file (/dev/null, /dev/stdout, a named pipe) is written
into, never replaced. A file written by another program (a database backup) is made in a private
folder beside its place, then linked into place.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from minshi.errors import FileAccessError, InputError


class NotRegularFile(OSError):
    """A pipe, device, socket or folder where a file was expected."""


class TooLarge(OSError):
    """A file larger than the limit its reader sets; `size` when its size said so."""

    def __init__(self, size: int | None) -> None:
        super().__init__(errno.EFBIG, "too large")
        self.size = size


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    IsADirectoryError for a folder, NotRegularFile for a pipe, device or socket (never opened),
    TooLarge past the limit, and the OSError of the system otherwise (FileNotFoundError,
    PermissionError …)."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
    if info.st_size > limit:
        raise TooLarge(info.st_size)
    # O_NONBLOCK: should a pipe have been put in its place since, opening it does not wait
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as f:
            # read(n) allocates n bytes: ask for what is there, and more only if it grew
            data = f.read(min(limit, info.st_size) + 1)
            if len(data) > info.st_size:
                data += f.read(limit + 1 - len(data))  # never past the limit
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(None)
    if info.st_size == 0 and data:  # /proc, /sys: made up as it is read, no file to keep
        raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
    return data


def write_file(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write all of `data` to `path`. With `replace=False` an existing file is never
    overwritten, not even one that appears while this one is being written."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise FileAccessError(f"cannot write {path}: {_reason(e, path)}") from e
    fd = _own_descriptor(path)
    if fd is not None:  # -o /dev/stdout: what the shell opened, written as it was opened
        _write_to_descriptor(fd, path, data)
        return
    if os.path.islink(path) and (st is None or stat.S_ISREG(st.st_mode)):
        # neither replaced (/dev/stdout is a link too) nor followed (a link planted beside the
        # output would have minshi overwrite a file of the planter's choosing)
        raise InputError(
            f"{path} is a symbolic link (to {os.readlink(path)}): minshi does not write through "
            "links; name the file itself"
        )
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise FileAccessError(f"cannot write {path}: it is a folder")
    if st is not None and not replace:
        raise InputError(f"{path} already exists; add --overwrite to replace it")
    if st is not None and stat.S_ISSOCK(st.st_mode):
        raise FileAccessError(f"cannot write {path}: it is a socket, not a file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_into(path, data)
        return
    try:
        tmp = _temporary(path, data, mode=0o666 & ~_umask())
        try:
            if replace:
                os.replace(tmp, path)
            else:
                place_new(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except FileExistsError:
        raise InputError(f"{path} already exists; add --overwrite to replace it") from None
    except OSError as e:
        raise FileAccessError(f"cannot write {path}: {_reason(e, path)}") from e


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, readable and writable by this user only (its folder is
    created, for this user only, when missing). OSError when it cannot be written."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = _temporary(path, data, mode=0o600)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _temporary(path: Path, data: bytes, *, mode: int) -> Path:
    """A new file beside `path` holding `data`: unpredictable name, created exclusively."""
    import tempfile  # only when something is written

    # mkstemp: O_EXCL | O_NOFOLLOW, 0600, a random name
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)  # the file itself, not whatever the name is now
        if not hasattr(os, "fchmod"):  # pragma: no cover - Windows
            os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


_DESCRIPTOR = re.compile(r"/(?:proc/self|dev)/fd/([0-9]+)")


def _own_descriptor(path: Path) -> int | None:
    """N when `path` is, or links (in a few steps) to, /dev/fd/N or /proc/self/fd/N."""
    text = str(path)
    for _ in range(8):
        found = _DESCRIPTOR.fullmatch(text)
        if found:
            return int(found[1])
        if not os.path.islink(text):
            return None
        target = os.readlink(text)
        text = os.path.join(os.path.dirname(text), target) if not target.startswith("/") else target
    return None


def _write_to_descriptor(fd: int, path: Path, data: bytes) -> None:
    """All of `data` to an open descriptor; a reader that left early is not an error."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:
        return  # `-o /dev/stdout | head`: the reader has what it wanted
    except OSError as e:
        raise FileAccessError(f"cannot write {path}: {_reason(e, path)}") from e


def _write_into(path: Path, data: bytes) -> None:
    """Write into a device or named pipe; a pipe nobody reads is refused rather than waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        reason = "nothing reads from this pipe" if e.errno == 6 else _reason(e, path)  # ENXIO
        raise FileAccessError(f"cannot write {path}: {reason}") from e
    try:
        os.set_blocking(fd, True)
        _write_to_descriptor(fd, path, data)
    finally:
        os.close(fd)


@contextmanager
def private_folder_beside(path: Path) -> Iterator[Path]:
    """A new folder beside `path` that only this user may enter (an unpredictable name), for
    a program that writes a file by its name; removed with what is left in it afterwards."""
    import tempfile  # only when something is written

    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield folder
    finally:
        for leftover in folder.iterdir():
            leftover.unlink(missing_ok=True)
        folder.rmdir()


def place_new(tmp: Path, path: Path) -> None:
    """Put the finished file `tmp` at `path` too, which must not exist (FileExistsError if it
    does, even when it appeared meanwhile or is a dangling symlink)."""
    try:
        os.link(tmp, path)  # fails if the name is taken: no overwrite, even in a race
    except FileExistsError:
        raise
    except OSError:  # a drive without hard links (FAT, some network shares)
        with path.open("xb") as f:
            f.write(tmp.read_bytes())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(e: OSError, path: Path) -> str:
    if isinstance(e, FileNotFoundError):
        return f"no folder {path.parent}"
    return e.strerror or str(e)


# What a spreadsheet (Excel, WPS, LibreOffice) would run as a formula when a CSV cell starts with
# it, also behind apostrophes, which `neutralize_formula` adds and importing takes off again.
FORMULA_LIKE = re.compile(r"'*[=+\-@\t\r]")


def neutralize_formula(text: str) -> str:
    """Text a spreadsheet shows as text: an apostrophe before what it would take for a formula
    (`=HYPERLINK(…)`, `+1`, `@SUM`); `'=abc` gets one more, so that it reads back as written."""
    return "'" + text if FORMULA_LIKE.match(text) else text


def escape_controls(text: str, keep: str = "\n") -> str:
    """Control characters (an escape sequence, the bell, a carriage return, a C1 code, a bidi
    override) written out as \\x1b or \\u202e: shown by whatever reads them, never obeyed
    (a terminal that a CSV file or a pipe is shown on). The characters in `keep` stay."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch not in keep and unicodedata.category(ch) in _HIDDEN:
            code = ord(ch)
            out.append(
                f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                else f"\\U{code:08x}"
            )  # fmt: skip
        else:
            out.append(ch)
    return "".join(out)


# control and format characters (zero-width, bidi, soft hyphen, tags), line and paragraph
# separators: invisible, or acted on, where the text is shown
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp"})


def csv_cell(text: str) -> str:
    """Text as a CSV file carries it: no control character a terminal would obey, no formula a
    spreadsheet would run (line breaks and tabs kept; a Windows line break read as one)."""
    return neutralize_formula(escape_controls(text.replace("\r\n", "\n"), keep="\n\t"))


def unneutralize(text: str) -> str:
    """`neutralize_formula` undone: the apostrophe it added taken off again."""
    return text[1:] if text[:1] == "'" and FORMULA_LIKE.match(text) else text
