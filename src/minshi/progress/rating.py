"""满意度测评: recording how a task was rated, and the ratings as of a date with their grades.

A rating is the office's record (on a server store only its roles write one), checked whole
before anything is written: the task exists, the votes can be (`minshi.rating.check_votes`),
the date is a real day not in the future.
"""

from datetime import date
from decimal import Decimal

from minshi.catalog import Catalog
from minshi.errors import InputError
from minshi.models import NoticeHead, Task
from minshi.progress.record import login
from minshi.quantity import parse_value
from minshi.rating import Grade, GradeRule, check_votes, grade
from minshi.store import Rating, Store
from minshi.tuples import NamedTuple

_VOTE_WORDS = ("票", "人", "人次")  # 42票, 42人: how a count of votes is written


class RatedTask(NamedTuple):
    """A task with the rating that counts for it and the grade that gives."""

    notice: NoticeHead
    task: Task
    rating: Rating
    grade: Grade


def rate(
    catalog: Catalog,
    store: Store,
    ref: str,
    *,
    satisfied: str,
    basic: str,
    unsatisfied: str,
    percent: bool = False,
    day: date | None = None,
    by: str | None = None,
    note: str = "",
    notice: str | None = None,
    rule: GradeRule = GradeRule(),
) -> RatedTask:
    """Record a rating of the task `ref` (counts of votes, or percentages with `percent`)."""
    found_notice, task = catalog.find_task(ref, notice)
    if not task.voted:
        raise InputError(
            f"task {task.id} {task.name} was not chosen by vote (票决): the deputies rate the "
            "tasks they voted; if it was voted, mark it `voted: true` in the notice"
        )
    figures = {"--satisfied": satisfied, "--basic": basic, "--unsatisfied": unsatisfied}
    numbers = [_figure(text, option, percent) for option, text in figures.items()]
    votes = check_votes(*numbers, percent=percent)
    when = day or date.today()
    if when > date.today():
        raise InputError(f"the rating's date {when} is in the future")
    start = found_notice.notice.period.start
    if when < start:
        raise InputError(
            f"the rating's date {when} is before the notice's year (it starts on {start})"
        )
    rating = store.rate(found_notice.id, task.id, votes, day=when, by=by or login(), note=note)
    return RatedTask(found_notice, task, rating, grade(votes, rule))


def ratings_as_of(
    catalog: Catalog,
    store: Store,
    as_of: date,
    *,
    notice: str | None = None,
    lead: str | None = None,
    rule: GradeRule = GradeRule(),
) -> list[RatedTask]:
    """The tasks rated by `as_of` (led by `lead`, when given), in the notices' order."""
    chosen = catalog.select(notice=notice, lead=lead)
    counted = store.ratings(as_of=as_of, notice=notice and catalog.notice(notice).id)
    return [
        RatedTask(n, task, rating, grade(rating.votes, rule))
        for n, task in chosen
        if (rating := counted.get((n.id, task.id))) is not None
    ]


def _figure(text: str, option: str, percent: bool) -> Decimal:
    cleaned = text.strip()
    if cleaned.startswith(("-", "−", "－")):
        raise InputError(f"{option} cannot be negative ({text})")
    if not percent:
        for word in sorted(_VOTE_WORDS, key=len, reverse=True):
            if cleaned.endswith(word) and cleaned != word:
                cleaned = cleaned[: -len(word)]
                break
    return parse_value(cleaned, option, unit="%" if percent else None)
