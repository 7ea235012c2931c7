"""Where the notices of a location are: the file itself, or the YAML files of a folder."""

from __future__ import annotations

import os
from pathlib import Path

from minshi.errors import DataFileError, FileAccessError

MAX_FILE_BYTES = 5 * 1024 * 1024  # a notice is a few dozen KB; anything this large is not one
NOTICE_SUFFIXES = (".yaml", ".yml")


def notice_files(location: Path) -> list[Path]:
    """The notice files at `location`: the file itself, or the YAML files of a folder.

    A link in the folder that leads out of it is refused unread: a notice folder is the
    office's, and a link to another file (/etc/passwd) would have that file's lines shown in
    the error that says it is no notice."""
    if location.is_dir():
        try:
            with os.scandir(location) as listing:
                found = sorted(
                    (e for e in listing if os.path.splitext(e.name)[1] in NOTICE_SUFFIXES),
                    key=lambda e: e.name,
                )
        except OSError as e:
            raise FileAccessError(f"{location}: cannot read the folder: {e.strerror}") from e
        folder = os.path.realpath(location)
        paths = []
        for entry in found:
            path = location / entry.name
            paths.append(path)
            real = os.path.realpath(path) if entry.is_symlink() else folder
            if os.path.commonpath([folder, real]) != folder:
                raise DataFileError(
                    f"{path}: a link to {real}, outside the folder {location}; put the notice "
                    "file itself in the folder"
                )
            if not entry.is_file():  # a notice that silently went missing would be worse
                raise DataFileError(
                    f"{path}: not a regular file (a pipe, a device, a folder or a broken link)"
                )
        if not found:
            raise DataFileError(f"{location}: no notice files (*.yaml) in this folder")
        return paths
    if not location.exists():
        raise DataFileError(f"{location}: no such file or folder")
    return [location]
