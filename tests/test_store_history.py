"""Store.follow_up on every backend: the snapshot, and which reports stand as of a date, read in one
moment; what they said read by id afterwards, as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from minshi.status import Reading
from minshi.store import NewEntry, Store, open_store

NOTICE = "wanzhou-2024"


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    opened = open_store(store_location, create=True)
    yield opened
    opened.close()


def report(task: int, metric: str, day: str, **fields: object) -> NewEntry:
    return NewEntry(NOTICE, task, metric, date.fromisoformat(day), by="t", **fields)  # type: ignore[arg-type]


def test_the_reports_standing_as_of_a_date(store: Store) -> None:
    store.add(
        [
            report(16, "老旧小区", "2024-03-31", value=Decimal(10)),  # 1
            report(16, "老旧小区", "2024-04-30", value=Decimal(20)),  # 2, taken back below
            report(16, "老旧小区", "2024-05-31", value=Decimal(30), note="已开工30个"),  # 3
            report(16, "老旧小区", "2024-07-31", value=Decimal(50)),  # 4: after the date
            report(16, "改造面积", "2024-05-01", value=Decimal("1500.5")),  # 5
            report(20, "其芳小学", "2024-06-01", stage="主体完工", percent=Decimal(60)),  # 6
            report(18, "农网线路", "2024-05-01", value=Decimal(3)),  # 7: another task
        ]
    )
    store.retract(2, by="t")
    as_of = date(2024, 6, 30)
    latest, noted, funded, _, history = store.follow_up(as_of, tasks={16, 20})
    assert {k: e.id for k, e in latest.items()} == {
        (NOTICE, 16, "老旧小区"): 3,
        (NOTICE, 16, "改造面积"): 5,
        (NOTICE, 20, "其芳小学"): 6,
    }
    assert {k: e.id for k, e in noted.items()} == {(NOTICE, 16, "老旧小区"): 3}
    assert funded == {}
    parks = history.get((NOTICE, 16, "老旧小区"))
    assert parks is not None and len(parks) == 2  # 1 and 3: 2 taken back, 4 later
    assert [parks.id_of(i) for i in range(2)] == [1, 3]
    assert parks.count_until(date(2024, 4, 30)) == 1
    assert parks.count_until(date(2024, 3, 30)) == 0
    assert parks[0] == Reading(value=Decimal(10), date=date(2024, 3, 31))
    school = history.get((NOTICE, 20, "其芳小学"))
    assert school is not None
    assert school[0] == Reading(stage="主体完工", percent=Decimal(60), date=date(2024, 6, 1))
    assert history.get((NOTICE, 18, "农网线路")) is None


def test_only_the_tasks_needing_it(store: Store) -> None:
    store.add([report(16, "老旧小区", "2024-03-31", value=Decimal(10))])
    store.add([report(18, "农网线路", "2024-05-01", value=Decimal(3))])
    seen = []

    def needing(latest: object, noted: object, funded: object, other: object) -> set[int]:
        seen.append(latest)
        return {18}

    latest, _, _, _, history = store.follow_up(date(2024, 6, 30), tasks={16, 18}, needing=needing)
    assert len(seen) == 1 and len(latest) == 2
    assert history.get((NOTICE, 16, "老旧小区")) is None
    lines = history.get((NOTICE, 18, "农网线路"))
    assert lines is not None and lines[0].value == 3


def test_what_a_report_said_is_read_after_the_moment_as_it_was(store: Store) -> None:
    store.add(
        [
            report(16, "老旧小区", d, value=Decimal(v))
            for d, v in (("2024-03-31", 10), ("2024-04-30", 20))
        ]
    )
    *_, history = store.follow_up(date(2024, 6, 30))
    store.retract(1, by="t")  # later than the moment: the history still holds it
    store.add([report(16, "老旧小区", "2024-04-01", value=Decimal(15))])
    parks = history.get((NOTICE, 16, "老旧小区"))
    assert parks is not None and [parks[i].value for i in range(len(parks))] == [10, 20]


def test_an_empty_or_missing_store(store_location: str) -> None:
    with open_store(store_location, create=False) as missing:
        latest, noted, funded, _, history = missing.follow_up(date(2024, 6, 30))
        assert (latest, noted, funded, len(history)) == ({}, {}, {}, 0)
