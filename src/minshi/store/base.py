"""The progress journal's entries and the interface every store implements.

The journal is append-only: an entry is never changed or erased. Undoing an entry writes a
retraction (a row whose `retracts` names it); reports as of a date D use, per metric, the latest
entry dated ≤ D that is neither a retraction nor retracted, so a past report can be reproduced.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol

from minshi.errors import InputError, StoreError

SeriesKey = tuple[str, int, str]  # (notice, task, metric key)
Having = Literal["note", "invested"]
# the condition each `having` adds to the search for the latest entry (the same in every backend)
HAVING_SQL: dict[str, str] = {
    "note": "AND {alias}.note <> ''",
    "invested": "AND {alias}.invested IS NOT NULL",
}


class Damaged(ValueError):
    """A stored field that cannot be read back; `what` names it: "a damaged number '1..2'"."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def damaged_entry(location: str, entry_id: object, damage: Damaged) -> StoreError:
    """What a reader is told about an entry that cannot be read back: which, where, what next."""
    return StoreError(
        f"entry {entry_id} in {location} holds {damage.what}:"
        " restore the store from a backup, or run `minshi db check` to list every damaged entry"
    )


@dataclass(frozen=True, slots=True)
class RowReader:
    """How a backend turns its stored fields into Python values; each converter raises Damaged
    for a field it cannot read back."""

    day: Callable[[Any], date]
    moment: Callable[[Any], datetime]
    number: Callable[[Any], Decimal | None]


def entry_from_row(row: Sequence[Any], read: RowReader) -> ProgressEntry:
    """The entry a row holds, in the column order every backend selects (`id … retracts`,
    then the id of the entry's retraction)."""
    (id_, notice, task, metric, day, recorded_at, value, done, stage, percent, invested,
     note, by, retracts, retracted_by) = row  # fmt: skip
    return ProgressEntry(
        id=int(id_),
        notice=notice,
        task=task,
        metric=metric,
        date=read.day(day),
        recorded_at=read.moment(recorded_at),
        value=read.number(value),
        done=None if done is None else bool(done),
        stage=stage,
        percent=read.number(percent),
        invested=read.number(invested),
        note=note,
        by=by,
        retracts=None if retracts is None else int(retracts),
        retracted_by=None if retracted_by is None else int(retracted_by),
    )


def bad_retractions_sql(entry: str) -> str:
    """Rows (retraction id, retracted id, what is wrong) for `check`, over the table `entry`."""
    return f"""
        SELECT r.id, r.retracts,
               CASE WHEN t.id IS NULL THEN 'missing'
                    WHEN t.retracts IS NOT NULL THEN 'retraction'
                    ELSE 'metric' END
        FROM {entry} r LEFT JOIN {entry} t ON t.id = r.retracts
        WHERE r.retracts IS NOT NULL AND (
            t.id IS NULL OR t.retracts IS NOT NULL OR t.notice <> r.notice
            OR t.task <> r.task OR t.metric <> r.metric)
    """


def bad_retraction(retraction: int, retracted: int, kind: str) -> str:
    """A line of `check`'s report for one row of `bad_retractions_sql`."""
    which = {"missing": "does not exist", "retraction": "is itself a retraction"}
    return f"entry {retraction} retracts entry {retracted}, which " + which.get(
        kind, "belongs to another metric"
    )


def series_problems_sql(entry: str, series: str) -> str:
    """How many metrics with entries are missing from the series table (for `check`)."""
    return (
        f"SELECT count(*) FROM (SELECT notice, task, metric FROM {entry}"
        f" WHERE retracts IS NULL EXCEPT SELECT notice, task, metric FROM {series}) m"
    )


def unreadable_entries(
    rows: Iterable[Sequence[Any]], parse: Callable[[Sequence[Any]], ProgressEntry]
) -> list[str]:
    """`check`'s lines for the rows that cannot be read back or break the entry rules."""
    problems = []
    for row in rows:
        try:
            entry = parse(row)
            if not entry.is_retraction:
                validate_entry(as_new_entry(entry))
        except Damaged as exc:
            problems.append(f"entry {row[0]} cannot be read: it holds {exc.what}")
        except InputError as exc:
            problems.append(f"entry {row[0]} cannot be read: {exc.message}")
    return problems


def latest_sql(template: str, having: Having | None, where: Sequence[str]) -> str:
    """A backend's latest-entry query (entry alias x, series alias s), narrowed by `having`
    and by the series conditions `where` (which let the database use its keys)."""
    return template.replace(
        "{having}", HAVING_SQL[having].format(alias="x") if having else ""
    ).replace("{where}", " AND ".join(where) or "TRUE")


# bounds that keep every number exact in every backend (and catch absurd input)
MAX_INTEGER_DIGITS = 30
MAX_FRACTION_DIGITS = 12


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A progress report to be added to the journal."""

    notice: str
    task: int
    metric: str  # metric key
    date: date  # the "as of" date of the value
    value: Decimal | None = None  # cumulative value (quantity) or measured rate (percent)
    done: bool | None = None  # milestone state
    stage: str | None = None  # milestone stage text
    percent: Decimal | None = None  # milestone 形象进度 %
    invested: Decimal | None = None  # 万元, cumulative
    note: str = ""  # 进展情况
    by: str = ""  # who recorded it


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    """An entry as stored: a report, or the retraction of one (`retracts` set)."""

    id: int
    notice: str
    task: int
    metric: str
    date: date
    recorded_at: datetime  # UTC, timezone-aware
    value: Decimal | None = None
    done: bool | None = None
    stage: str | None = None
    percent: Decimal | None = None
    invested: Decimal | None = None
    note: str = ""
    by: str = ""
    retracts: int | None = None  # id of the entry this one retracts
    retracted_by: int | None = None  # id of the retraction of this entry, if any

    @property
    def key(self) -> SeriesKey:
        return (self.notice, self.task, self.metric)

    @property
    def is_retraction(self) -> bool:
        return self.retracts is not None

    @property
    def is_retracted(self) -> bool:
        return self.retracted_by is not None


class Store(Protocol):
    """The progress journal. Every write is one transaction: all of it is stored, or nothing."""

    location: str  # human-readable: a path, or a URL without its password

    def add(self, entries: Sequence[NewEntry]) -> list[ProgressEntry]:
        """Append entries in one transaction and return them as stored."""
        ...

    def retract(self, entry_id: int, *, by: str, note: str = "") -> ProgressEntry:
        """Record the retraction of an entry; InputError if unknown or already retracted."""
        ...

    def latest(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        having: Having | None = None,
        tasks: Collection[int] | None = None,
    ) -> dict[SeriesKey, ProgressEntry]:
        """Per (notice, task, metric): the entry counting as of `as_of`; with `having`, the
        newest such entry that carries a note (进展情况) or an invested amount. `notice` and
        `tasks` limit it to those series (reading only what will be shown)."""
        ...

    def snapshot(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
    ) -> tuple[
        dict[SeriesKey, ProgressEntry],
        dict[SeriesKey, ProgressEntry],
        dict[SeriesKey, ProgressEntry],
    ]:
        """`latest` plain, with `having="note"` and with `having="invested"`, all three read in
        one read transaction: a note or an amount never comes from an entry newer than the
        value shown beside it, however many writers are at work."""
        ...

    def log(
        self,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        include_retracted: bool = True,
    ) -> list[ProgressEntry]:
        """Entries newest first (by id), filtered by notice, task and "as of" date."""
        ...

    def last_entry(self, *, by: str | None = None) -> ProgressEntry | None:
        """The newest entry that is not a retraction and not retracted."""
        ...

    def get(self, entry_id: int) -> ProgressEntry | None: ...

    def count(self) -> int:
        """Number of rows in the journal, retractions included."""
        ...

    def check(self) -> list[str]:
        """Integrity problems, one line each; [] when the store is sound."""
        ...

    def load(self, entries: Sequence[ProgressEntry]) -> None:
        """Write a whole journal, ids and times kept, into this empty store (one transaction)."""
        ...

    def migrate(self) -> int:
        """Create the store if needed, bring its schema up to date; the schema version."""
        ...

    def backup(self, dest: Path) -> None:
        """Write a consistent copy of the store to `dest` (which must not exist yet)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...


def validate_entry(entry: NewEntry, position: int | None = None) -> None:
    """Refuse what no store may hold, whatever the notice says (InputError)."""
    where = f"entry {position + 1}: " if position is not None else ""

    def bad(reason: str) -> InputError:
        return InputError(f"{where}{reason}")

    if not isinstance(entry.notice, str) or not entry.notice.strip():
        raise bad("the notice id is empty")
    if "\x00" in entry.notice or "\x00" in str(entry.metric):
        raise bad("the notice id or metric key contains a NUL character")
    if isinstance(entry.task, bool) or not isinstance(entry.task, int) or entry.task < 1:
        raise bad(f"task must be a positive whole number, not {entry.task!r}")
    if not isinstance(entry.metric, str) or not entry.metric.strip():
        raise bad("the metric key is empty")
    if type(entry.date) is not date:  # a datetime is a date too: refuse it, dates are days
        raise bad(f"the date must be a calendar date, not {entry.date!r}")
    for name in ("value", "percent", "invested"):
        number = getattr(entry, name)
        if number is None:
            continue
        if not isinstance(number, Decimal) or not number.is_finite():
            raise bad(f"{name} must be a finite decimal number, not {number!r}")
        if number < 0:
            raise bad(f"{name} must not be negative, not {number}")
        exponent = number.as_tuple().exponent  # an int for a finite number
        if number != 0 and (
            number.adjusted() >= MAX_INTEGER_DIGITS
            or (isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS)
        ):
            raise bad(
                f"{name} {number} has too many digits (at most {MAX_INTEGER_DIGITS} before "
                f"and {MAX_FRACTION_DIGITS} after the decimal point)"
            )
    if entry.percent is not None and entry.percent > 100:
        raise bad(f"percent must be between 0 and 100, not {entry.percent}")
    if entry.done is not None and not isinstance(entry.done, bool):
        raise bad(f"done must be true or false, not {entry.done!r}")
    for name in ("stage", "note", "by"):
        text = getattr(entry, name)
        if text is not None and not isinstance(text, str):
            raise bad(f"{name} must be text, not {text!r}")
        if text is not None and "\x00" in text:
            raise bad(f"{name} contains a NUL character")
    reported = (entry.value, entry.done, entry.stage, entry.percent, entry.invested)
    if all(x is None for x in reported) and not entry.note:
        raise bad("it reports nothing: no value, milestone state, stage, percent, amount or note")


def stored_entry(new: NewEntry, entry_id: int, recorded_at: datetime) -> ProgressEntry:
    """`new` as the journal keeps it: numbered, timed, and its numbers in canonical form."""
    return ProgressEntry(
        id=entry_id,
        notice=new.notice,
        task=new.task,
        metric=new.metric,
        date=new.date,
        recorded_at=recorded_at,
        value=canonical_decimal(new.value),
        done=new.done,
        stage=new.stage,
        percent=canonical_decimal(new.percent),
        invested=canonical_decimal(new.invested),
        note=new.note,
        by=new.by,
    )


def as_new_entry(e: ProgressEntry) -> NewEntry:
    return NewEntry(
        notice=e.notice,
        task=e.task,
        metric=e.metric,
        date=e.date,
        value=e.value,
        done=e.done,
        stage=e.stage,
        percent=e.percent,
        invested=e.invested,
        note=e.note,
        by=e.by,
    )


def check_loadable(entries: Sequence[ProgressEntry]) -> None:
    """Refuse a journal to be copied that no store could have written (InputError)."""
    seen: dict[int, ProgressEntry] = {}
    retracted: set[int] = set()
    last_id = 0
    for e in entries:
        if isinstance(e.id, bool) or not isinstance(e.id, int) or e.id <= last_id:
            raise InputError(f"entry {e.id} is out of order in the journal to copy")
        last_id = e.id
        if e.recorded_at.tzinfo is None:
            raise InputError(f"entry {e.id} has a recording time without a time zone")
        if e.retracts is None:
            validate_entry(as_new_entry(e))
        else:
            target = seen.get(e.retracts)
            if (
                target is None
                or target.retracts is not None
                or e.retracts in retracted
                or target.key != e.key
            ):
                raise InputError(f"entry {e.id} retracts entry {e.retracts}, which it cannot")
            retracted.add(e.retracts)
        seen[e.id] = e


def decimal_text(number: Decimal | None) -> str | None:
    """A Decimal as plain text (no exponent, no negative zero), e.g. 1E+3 → "1000", 40.0 → "40.0".

    This is the form every store keeps, so a value reads back equal and printed the same
    whatever the backend.
    """
    if number is None:
        return None
    text = format(number, "f")
    return text[1:] if text.startswith("-") and number == 0 else text


def canonical_decimal(number: Decimal | None) -> Decimal | None:
    """The Decimal a store gives back for `number` (see `decimal_text`)."""
    text = decimal_text(number)
    return None if text is None else Decimal(text)


def journal_checksum(entries: Iterable[ProgressEntry]) -> str:
    """SHA-256 over the content of entries (ids, values, who, when), in id order.

    Two stores holding the same journal give the same checksum whatever their backend.
    """
    import hashlib

    digest = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.id):
        fields = (
            e.id,
            e.notice,
            e.task,
            e.metric,
            e.date.isoformat(),
            e.recorded_at.isoformat(timespec="microseconds"),
            decimal_text(e.value),
            e.done,
            e.stage,
            decimal_text(e.percent),
            decimal_text(e.invested),
            e.note,
            e.by,
            e.retracts,
        )
        digest.update(repr(fields).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def refuse_retraction(target: ProgressEntry | None, entry_id: int, location: str) -> None:
    """InputError unless `target` (the entry `entry_id`) may be retracted."""
    if target is None:
        raise InputError(f"there is no entry {entry_id} in the store {location}")
    if target.retracts is not None:
        raise InputError(
            f"entry {entry_id} is itself the retraction of entry {target.retracts}"
            " and cannot be retracted"
        )
    if target.retracted_by is not None:
        raise InputError(f"entry {entry_id} was already retracted (by entry {target.retracted_by})")


def check_retraction_args(entry_id: int, by: str, note: str) -> None:
    if isinstance(entry_id, bool) or not isinstance(entry_id, int) or entry_id < 1:
        raise InputError(f"an entry id is a positive whole number, not {entry_id!r}")
    for name, text in (("by", by), ("note", note)):
        if not isinstance(text, str) or "\x00" in text:
            raise InputError(f"{name} must be text without NUL characters")
