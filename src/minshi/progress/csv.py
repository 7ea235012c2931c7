"""Progress as CSV: the rows `progress import` reads, the columns `progress export` writes.

A file is read whole and refused whole: what does not fit the columns (a row with more cells
than the header, a column named twice) is named by its line rather than cut or guessed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from minshi.errors import DataFileError, FileAccessError, InputError
from minshi.files import (
    NotRegularFile,
    TooLarge,
    csv_cell,
    read_regular,
    unneutralize,
)
from minshi.progress.check import Submission
from minshi.store import ProgressEntry
from minshi.store.entries import decimal_text

COLUMNS = ("notice", "task", "metric", "value", "date", "note")
OPTIONAL_COLUMNS = ("done", "stage", "percent", "invested", "by", "allocated", "paid")
MAX_FILE_BYTES = 50 * 1024 * 1024  # a year of a province's reports is a few MB


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes: a pipe (which could keep it waiting
    for ever), a device or a huge file is refused (InputError); an unreadable one is
    FileAccessError."""
    try:
        return read_regular(path, limit)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not {what}") from None
    except NotRegularFile:
        raise InputError(f"{path}: not a regular file (a pipe or a device); give {what}") from None
    except TooLarge:
        raise InputError(
            f"{path}: larger than {limit // 1024 // 1024} MB; this is not {what}"
        ) from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror or e}") from e


def read_csv(path: Path) -> list[Submission]:
    """The rows of a progress CSV (UTF-8, with or without BOM; GBK as saved by older Excel)."""
    raw = read_bounded(path, MAX_FILE_BYTES, "a progress CSV file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DataFileError(f"{path}: not a text file")
    if "\x00" in text:
        raise DataFileError(f"{path}: not a CSV file (binary content)")
    # strict: a quote left open or text after a closing quote is an error, not a note that
    # swallows the rows after it or a cell quietly rewritten
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    starts: list[int] = []  # the line each row starts on: a quoted note may span lines
    starts_at = 1
    try:
        for row in reader:
            starts.append(starts_at)
            rows.append(row)
            starts_at = reader.line_num + 1
    except csv.Error as e:
        raise DataFileError(f"{path}:{reader.line_num}: not a valid CSV file: {e}") from e
    return submissions_from_rows(
        rows, str(path), lambda n: f"line {starts[n - 1]}", unnamed_columns=False
    )


def submissions_from_rows(
    rows: Sequence[Sequence[object]],
    source: str,
    where: Callable[[int], str] | None = None,
    *,
    unnamed_columns: bool = True,
) -> list[Submission]:
    """Submissions from a header row and data rows; `where(n)` names row n (1-based).

    A cell beyond the header's last column is refused, and without `unnamed_columns` (a CSV
    file) one under a column the header leaves without a name too: its value would be lost.
    (A fill-in sheet has columns for people, named only in the row above the CSV names.)"""
    name_of = where or (lambda n: f"row {n}")
    if not rows:
        raise DataFileError(f"{source}: the file is empty")
    header = [str(h or "").strip().lower().lstrip("\ufeff") for h in rows[0]]
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    unknown = [h for h in header if h and h not in known]
    missing = [c for c in ("task", "value", "date") if c not in header]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if unknown or missing or twice:
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if unknown:
            detail.append(f"unknown {', '.join(unknown)}")
        if twice:
            detail.append(f"named twice: {', '.join(twice)}")
        raise DataFileError(
            f"{source}: the header must be {','.join(COLUMNS)} (optional: "
            f"{','.join(OPTIONAL_COLUMNS)}); {'; '.join(detail)}"
        )
    submissions, overlong = [], []
    unnamed = [] if unnamed_columns else [i for i, h in enumerate(header) if not h]
    for n, row in enumerate(rows[1:], start=2):
        extra = [_cell(v) for v in row[len(header) :]]
        if any(v.strip() for v in extra):
            overlong.append(f"{name_of(n)}: {len(row)} cells under a header of {len(header)}")
            continue
        lost = [i + 1 for i in unnamed if i < len(row) and _cell(row[i]).strip()]
        if lost:
            overlong.append(
                f"{name_of(n)}: a value in column {lost[0]}, which the header leaves unnamed"
            )
            continue
        cells = {h: _cell(v) for h, v in zip(header, row, strict=False) if h}
        if not any(v.strip() for v in cells.values()):
            continue  # blank lines are not reports
        submissions.append(
            Submission(
                task=cells.get("task", ""),
                metric=cells.get("metric") or None,
                value=cells.get("value"),
                date=cells.get("date"),
                note=cells.get("note", ""),
                notice=cells.get("notice") or None,
                done=cells.get("done"),
                stage=cells.get("stage"),
                percent=cells.get("percent"),
                invested=cells.get("invested"),
                by=cells.get("by"),
                where=name_of(n),
                allocated=cells.get("allocated"),
                paid=cells.get("paid"),
            )
        )
    if overlong:
        n = len(overlong)
        raise DataFileError(
            f"{source}: {n} row{'s' if n > 1 else ''} with more cells than the header names"
            f"{' (a comma inside a note must be within quotes)' if not unnamed_columns else ''};"
            " nothing was imported",
            details=overlong,
        )
    return submissions


def _cell(value: object) -> str:
    """A cell as text, the apostrophe that export puts before a formula-like text taken off."""
    return unneutralize("" if value is None else str(value))


def export_csv(entries: Iterable[ProgressEntry], basis: str = "reported") -> str:
    """The journal's standing entries (not taken back, not returned; on the verified basis,
    verified only), oldest first, as an importable CSV."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *OPTIONAL_COLUMNS])

    def num(value: Decimal | None) -> str:
        return "" if value is None else decimal_text(value.normalize()) or ""

    for e in entries:
        if not e.counts or (basis == "verified" and e.state != "verified"):
            continue
        writer.writerow(
            [
                e.notice,
                e.task,
                e.metric,
                num(e.value),
                e.date.isoformat(),
                csv_cell(e.note),
                "" if e.done is None else ("yes" if e.done else "no"),
                csv_cell(e.stage or ""),
                num(e.percent),
                num(e.invested),
                csv_cell(e.by),
                num(e.allocated),
                num(e.paid),
            ]
        )
    return buf.getvalue()
