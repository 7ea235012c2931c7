"""The standing reports of the series a command shows, as of a date (`Store.follow_up`): what the
months behind in a row and the forecasts are computed from.

Which reports stand, with their ids and dates, is read in the same moment as the snapshot (from the
index alone). What a report said is read only when it is wanted, many at once (`History.load`): an
entry is never changed, so reading it later gives what it said then, and most of a year's reports
are never looked at.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable
from datetime import date
from typing import Any

from minshi.status import Reading
from minshi.store.entries import ProgressEntry, SeriesKey

Loader = Callable[[Collection[int]], dict[int, Reading]]


class History:
    """Per series, its standing reports as of a date, oldest first: ids and stored dates in two
    flat lists, each series a stretch of them."""

    __slots__ = ("_series", "_ids", "_dates", "_probe", "_load", "_readings", "_probes")

    def __init__(
        self,
        series: dict[SeriesKey, tuple[int, int]],  # where each series' stretch starts and ends
        ids: list[int],
        dates: list[Any],  # as the store keeps them
        probe: Callable[[date], Any],  # a date as the store keeps it, to compare with
        load: Loader,
    ) -> None:
        self._series, self._ids, self._dates = series, ids, dates
        self._probe, self._load = probe, load
        self._readings: dict[int, Reading] = {}
        self._probes: dict[date, Any] = {}

    def get(self, key: SeriesKey) -> Reports | None:
        found = self._series.get(key)
        return None if found is None else Reports(self, *found)

    def __len__(self) -> int:
        return len(self._series)

    def know(self, entries: Iterable[ProgressEntry]) -> None:
        """Reports already read (the snapshot's), so that they are not read again."""
        for e in entries:
            self._readings[e.id] = Reading(e.value, bool(e.done), e.stage, e.percent, e.date)

    def load(self, ids: Iterable[int]) -> None:
        """Read the reports `ids` that are not read yet, all at once."""
        wanted = {i for i in ids if i not in self._readings}
        if wanted:
            self._readings.update(self._load(wanted))

    def reading(self, entry_id: int) -> Reading:
        if entry_id not in self._readings:
            self.load([entry_id])
        return self._readings[entry_id]

    def count_until(self, start: int, end: int, day: date) -> int:
        """How many reports of the stretch start..end are dated on or before `day`."""
        probe = self._probes.get(day)
        if probe is None:
            probe = self._probes[day] = self._probe(day)
        return bisect_right(self._dates, probe, start, end) - start

    def id_at(self, position: int) -> int:
        return self._ids[position]


class Reports:
    """One series' standing reports, oldest first: `reports[i]` is what the i-th said."""

    __slots__ = ("_history", "_start", "_end")

    def __init__(self, history: History, start: int, end: int) -> None:
        self._history, self._start, self._end = history, start, end

    def __len__(self) -> int:
        return self._end - self._start

    def __bool__(self) -> bool:
        return self._end > self._start

    def count_until(self, day: date) -> int:
        """How many of the reports are dated on or before `day`."""
        return self._history.count_until(self._start, self._end, day)

    def id_of(self, index: int) -> int:
        """The entry id of the `index`-th report."""
        return self._history.id_at(self._start + index)

    def __getitem__(self, index: int) -> Reading:
        return self._history.reading(self.id_of(index))
