"""The journal's entries: what a store is given (`NewEntry`) and what it keeps (`ProgressEntry`).

The rules every store applies to an entry, whatever its backend, are here: what no store may
hold (`validate_entry`), the one exact form of its numbers (`decimal_text`), and the checksum by
which two stores are shown to hold the same journal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from minshi.errors import InputError, StoreError
from minshi.quantity import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS
from minshi.tuples import NamedTuple

SeriesKey = tuple[str, int, str]  # (notice, task, metric key)


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


class RowReader(NamedTuple):
    """How a backend turns its stored fields into Python values; each converter raises Damaged
    for a field it cannot read back."""

    day: Callable[[Any], date]
    moment: Callable[[Any], datetime]
    number: Callable[[Any], Decimal | None]


def entry_from_row(row: Sequence[Any], read: RowReader) -> ProgressEntry:
    """The entry a row holds, in the column order every backend selects (`id … written_as`,
    then the id of the entry's retraction, then the office's review of it)."""
    (id_, notice, task, metric, day, recorded_at, value, done, stage, percent, invested,
     note, by, retracts, written_as, allocated, paid, retracted_by, decision, reviewed_by,
     reviewed_at, reason) = row  # fmt: skip
    number, moment = read.number, read.moment
    return tuple.__new__(  # in the order of ProgressEntry's fields: a journal is read by the row
        ProgressEntry,
        (
            int(id_),
            notice,
            task,
            metric,
            read.day(day),
            moment(recorded_at),
            number(value),
            None if done is None else bool(done),
            stage,
            number(percent),
            number(invested),
            note,
            by,
            None if retracts is None else int(retracts),
            None if retracted_by is None else int(retracted_by),
            written_as or "",
            decision or "reported",
            reviewed_by or "",
            None if reviewed_at is None else moment(reviewed_at),
            reason or "",
            number(allocated),
            number(paid),
        ),
    )


MONEY: tuple[str, ...] = ("invested", "allocated", "paid")  # 万元, cumulative, for the task
MONEY_AND_FIGURES: tuple[str, ...] = ("value", "percent", *MONEY)


def money(entry: NewEntry | ProgressEntry) -> tuple[Decimal | None, ...]:
    """The amounts an entry reports: invested (完成投资), allocated (到位), paid (支付)."""
    return (entry.invested, entry.allocated, entry.paid)


MAX_TEXT = 2000  # characters of a note or a stage
MAX_NAME = 100  # characters of a name of who reported or checked (`by`)


class NewEntry(NamedTuple):
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
    allocated: Decimal | None = None  # 万元 of the task's funds allocated (到位), cumulative
    paid: Decimal | None = None  # 万元 paid out (支付), cumulative


class ProgressEntry(NamedTuple):
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
    written_as: str = ""  # the database role that wrote it (a server store), else ""
    # the office's check (审核): reported (as written), verified, or returned (退回)
    state: str = "reported"
    reviewed_by: str = ""  # who verified or returned it
    reviewed_at: datetime | None = None
    reason: str = ""  # why it was returned (or the note of its verification)
    allocated: Decimal | None = None  # 万元 allocated (到位), cumulative
    paid: Decimal | None = None  # 万元 paid out (支付), cumulative

    @property
    def key(self) -> SeriesKey:
        return (self.notice, self.task, self.metric)

    @property
    def is_retraction(self) -> bool:
        return self.retracts is not None

    @property
    def is_retracted(self) -> bool:
        return self.retracted_by is not None

    @property
    def counts(self) -> bool:
        """Whether it may count for its metric: not a retraction, not retracted, not returned."""
        return self.retracts is None and self.retracted_by is None and self.state != "returned"


Decision = Literal["verified", "returned"]


class Review(NamedTuple):
    """The office's check of one entry (审核通过 or 退回), recorded once and never changed."""

    id: int
    entry: int
    decision: str  # "verified" or "returned"
    reason: str
    recorded_at: datetime
    by: str
    written_as: str = ""


class Evidence(NamedTuple):
    """A document kept with a closure (佐证材料): its name, size and SHA-256."""

    id: int
    closure: int
    name: str
    sha256: str
    bytes: int


class Closure(NamedTuple):
    """The office closing a task (销号), or taking that back (reopen)."""

    id: int
    notice: str
    task: int
    action: str  # "close" or "reopen"
    date: date
    note: str
    recorded_at: datetime
    by: str
    written_as: str = ""
    evidence: list[Evidence] = []


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
    for name in MONEY_AND_FIGURES:
        number = getattr(entry, name)
        if number is None:
            continue
        if not isinstance(number, Decimal) or not number.is_finite():
            raise bad(f"{name} must be a finite decimal number, not {number!r}")
        if number < 0:
            raise bad(f"{name} must not be negative, not {number}")
        exponent = number.as_tuple().exponent  # an int for a finite number
        # 0E-999999 is zero, but kept as written it would be a million characters of text
        if (number != 0 and number.adjusted() >= MAX_INTEGER_DIGITS) or (
            isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS
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
    check_name(entry.by, bad)
    for name in ("stage", "note"):
        if len(getattr(entry, name) or "") > MAX_TEXT:
            raise bad(f"the {name} is longer than {MAX_TEXT} characters")
    reported = (entry.value, entry.done, entry.stage, entry.percent, *money(entry))
    if all(x is None for x in reported) and not entry.note:
        raise bad("it reports nothing: no value, milestone state, stage, percent, amount or note")


def check_name(name: str, bad: Callable[[str], InputError] = InputError) -> None:
    """Refuse a name of who reported or checked (`by`) no person has: longer than MAX_NAME,
    blank, or holding characters that do not show (line breaks, control or zero-width ones)."""
    if not isinstance(name, str):
        return
    if len(name) > MAX_NAME:
        raise bad(
            f"the name (by) is longer than {MAX_NAME} characters: give a person's or a unit's name"
        )
    if (name and not name.strip()) or not name.isprintable():
        raise bad(
            "the name (by) is blank or holds characters that do not show: give a person's or a "
            "unit's name"
        )


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
        allocated=canonical_decimal(new.allocated),
        paid=canonical_decimal(new.paid),
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
        allocated=e.allocated,
        paid=e.paid,
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
    import hashlib  # OpenSSL: only a copy or a check of a journal needs it

    digest = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.id):
        fields: tuple[object, ...] = (
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
        if e.allocated is not None or e.paid is not None:
            fields += (decimal_text(e.allocated), decimal_text(e.paid))
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
    check_name(by)
    if len(note) > MAX_TEXT:
        raise InputError(f"the note is longer than {MAX_TEXT} characters")


def awaiting_correction(entries: Iterable[ProgressEntry]) -> list[ProgressEntry]:
    """The returned entries among `entries` with no later report of the same metric standing:
    what units must still correct, oldest first."""
    entries = list(entries)
    later: dict[SeriesKey, int] = {}
    for e in entries:
        if e.counts:
            later[e.key] = max(later.get(e.key, 0), e.id)
    back = [e for e in entries if e.state == "returned" and later.get(e.key, 0) < e.id]
    return sorted(back, key=lambda e: e.id)
