"""满意度测评 kept beside the journal: each rating of a task is a record of its own, written once.

A task rated again (a second round, or a slip put right) keeps both: the newest as of a date
counts (by date, then by the order they were recorded). Whether the votes can be is the rules'
judgement (`minshi.rating.check_votes`), made before anything is written.
"""

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from minshi.errors import InputError
from minshi.rating import Votes
from minshi.store.entries import check_name, decimal_text
from minshi.store.journal import Cursor, Journal, _chosen
from minshi.tuples import NamedTuple

MAX_NOTE = 2000  # characters

_RATING_COLUMNS = (
    "id, notice, task, date, satisfied, basic, unsatisfied, percent, note, recorded_at,"
    " recorded_by, written_as"
)
_RATING_INSERT = f"INSERT INTO {{rating}} ({_RATING_COLUMNS}) VALUES ({', '.join('?' * 12)})"
_RATING_SELECT = f"SELECT {_RATING_COLUMNS} FROM {{rating}}"


class Rating(NamedTuple):
    """One 满意度测评 of a task, as the store keeps it."""

    id: int
    notice: str
    task: int
    date: date
    satisfied: Decimal
    basic: Decimal
    unsatisfied: Decimal
    percent: bool  # the figures are percentages, not counts of votes
    note: str
    recorded_at: datetime
    by: str
    written_as: str = ""

    @property
    def votes(self) -> Votes:
        return Votes(self.satisfied, self.basic, self.unsatisfied, self.percent)


class Ratings(Journal):
    """The journal with the ratings of its tasks."""

    def rate(
        self, notice: str, task: int, votes: Votes, *, day: date, by: str, note: str = ""
    ) -> Rating:
        """Record a rating of a task (checked votes: see `minshi.rating.check_votes`)."""
        for what, text in (("by", by), ("note", note)):
            if not isinstance(text, str) or "\x00" in text or len(text) > MAX_NOTE:
                raise InputError(f"the {what} must be text of at most {MAX_NOTE} characters")
        check_name(by)
        with self._write() as cur:
            self._refuse_unwritable_rating(cur)
            cur.execute(self._sql("SELECT coalesce(max(id), 0) + 1 FROM {rating}"))
            rating_id, now = int(cur.fetchone()[0]), self._clock(cur)
            cur.execute(
                self._sql(_RATING_INSERT),
                self._rating_row(
                    Rating(rating_id, notice, task, day, *votes[:3], votes.percent, note, now, by)
                ),
            )
            cur.execute(self._sql(_RATING_SELECT + " WHERE id = ?"), [rating_id])
            return self._rating_of(cur.fetchone())

    def ratings(
        self,
        *,
        as_of: date | None = None,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
    ) -> dict[tuple[str, int], Rating]:
        """The rating that counts for each task rated (up to `as_of`, when given)."""
        counted: dict[tuple[str, int], Rating] = {}
        for r in self.all_ratings(notice=notice, tasks=tasks):
            if as_of is None or r.date <= as_of:
                counted[(r.notice, r.task)] = r  # in (date, id) order: the newest stays
        return counted

    def all_ratings(
        self, *, notice: str | None = None, tasks: Collection[int] | None = None
    ) -> list[Rating]:
        """Every rating recorded, oldest (by date, then id) first."""
        if (tasks is not None and not tasks) or not self._exists():
            return []
        where, params = _chosen(notice, tasks)
        sql = _RATING_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        with self._read() as cur:
            cur.execute(self._sql(sql + " ORDER BY date, id"), params)
            return [self._rating_of(row) for row in cur.fetchall()]

    # -- inside ------------------------------------------------------------------------------

    def _refuse_unwritable_rating(self, cur: Cursor) -> None:  # noqa: B027
        """InputError where this connection may not record ratings (a server with roles)."""

    def _rating_row(self, r: Rating) -> tuple[Any, ...]:
        numbers = (self._number(r.satisfied), self._number(r.basic), self._number(r.unsatisfied))
        return (r.id, r.notice, r.task, self._day(r.date), *numbers, r.percent, r.note,
                self._moment(r.recorded_at), r.by, r.written_as)  # fmt: skip

    def _number(self, number: Decimal) -> Any:
        return decimal_text(number)

    def _moment(self, value: Any) -> Any:
        return value

    def _rating_of(self, row: Any) -> Rating:
        id_, notice, task, day, satisfied, basic, unsatisfied, percent, note, at, by, role = row
        s, b, u = (self.reader.number(n) or Decimal(0) for n in (satisfied, basic, unsatisfied))
        return Rating(int(id_), notice, int(task), self.reader.day(day), s, b, u, bool(percent),
                      note, self.reader.moment(at), by, role or "")  # fmt: skip
