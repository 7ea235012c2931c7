"""Where the notices of a location are: the file itself, or the YAML files of a folder."""

from __future__ import annotations

from pathlib import Path

from minshi.errors import DataFileError

MAX_FILE_BYTES = 5 * 1024 * 1024  # a notice is a few dozen KB; anything this large is not one
NOTICE_SUFFIXES = (".yaml", ".yml")


def notice_files(location: Path) -> list[Path]:
    """The notice files at `location`: the file itself, or the YAML files of a folder."""
    if location.is_dir():
        files = sorted(p for p in location.iterdir() if p.suffix in NOTICE_SUFFIXES and p.is_file())
        if not files:
            raise DataFileError(f"{location}: no notice files (*.yaml) in this folder")
        return files
    if not location.exists():
        raise DataFileError(f"{location}: no such file or folder")
    return [location]
