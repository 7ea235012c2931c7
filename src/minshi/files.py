"""Writing the files people keep (reports, templates, exports, drafts): whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from minshi.errors import FileAccessError, InputError


def write_file(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write all of `data` to `path` through a temporary file renamed into place, so that a
    half-written file never replaces a good one. With `replace=False` an existing file is never
    overwritten, not even one that appears while this one is being written."""
    if path.is_dir():
        raise FileAccessError(f"cannot write {path}: it is a folder")
    if not replace and path.exists():
        raise InputError(f"{path} already exists; add --force to replace it")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except FileExistsError:
        raise InputError(f"{path} already exists; add --force to replace it") from None
    except OSError as e:
        reason = f"no folder {path.parent}" if isinstance(e, FileNotFoundError) else e.strerror
        raise FileAccessError(f"cannot write {path}: {reason or e}") from e
    finally:
        tmp.unlink(missing_ok=True)


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails if the name is taken: no overwrite, even in a race
    except FileExistsError:
        raise
    except OSError:  # a drive without hard links (FAT, some network shares)
        with path.open("xb") as f:
            f.write(tmp.read_bytes())
