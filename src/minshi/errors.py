"""The errors minshi raises, and the exit codes they map to (DESIGN.md, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FOUND = 1  # the run worked and --fail-on found what it was asked about
    BAD_INPUT = 2  # bad usage or bad input: nothing was written
    STORE = 3  # the store or a file could not be read or written


class MinshiError(Exception):
    """Base of every error shown to the user as one clear line."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # further lines (every validation problem, every bad row) shown after the first
        self.details: list[str] = details or []


class InputError(MinshiError):
    """Bad usage or bad input: unknown task, unit, metric, date; an invalid value."""


class DataFileError(MinshiError):
    """A notice data file (or an imported file) is invalid."""


class StoreError(MinshiError):
    """The progress store could not be read or written."""

    exit_code = ExitCode.STORE


class FileAccessError(MinshiError):
    """A file could not be read or written (permissions, missing folder, disk full)."""

    exit_code = ExitCode.STORE
