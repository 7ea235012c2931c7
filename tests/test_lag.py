"""Months behind in a row (`lag_months`) and the forecast, against a recomputation by brute force:
for random journals of the plan notice (tests/fixtures/plan_2024.yaml: a planned schedule, a
split target, a `<=` target, a rate, a milestone with stages), the metric's status at every
month-end evaluated afresh, and the forecast from every report of the metric."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minshi import open_catalog, open_store, tasks_as_of
from minshi.followup import LAGGING
from minshi.schedule import forecast, month_ends
from minshi.status import goal_value
from minshi.store import NewEntry
from tests.test_schedule import PLAN

NOTICE = "plan-2024"
# (task, metric, the values a clerk might report)
SERIES = [
    (1, "公园", st.integers(0, 120)),
    (2, "小巷", st.integers(0, 120)),
    (4, "农业农村委承担", st.integers(0, 50_000)),
    (4, "供销社承担", st.integers(0, 25_000)),
    (5, "投诉", st.integers(100, 1200)),
    (5, "知晓率", st.integers(0, 100)),
    (3, "实验小学", st.sampled_from(["开工", "主体完工", "竣工验收", "done", "60"])),
]
START = date(2024, 1, 1)


@st.composite
def journals(draw: st.DrawFn) -> tuple[list[NewEntry], list[int], date]:
    entries = []
    for _ in range(draw(st.integers(0, 25))):
        task, key, values = draw(st.sampled_from(SERIES))
        day = START + timedelta(days=draw(st.integers(0, 420)))
        value = draw(values)
        if task == 3:
            said = {"done": {"done": True}, "60": {"percent": Decimal(60)}}
            fields = said.get(str(value), {"stage": value})
        else:
            fields = {"value": Decimal(value)}
        entries.append(NewEntry(NOTICE, task, key, day, by="t", **fields))  # type: ignore[arg-type]
    retracted = draw(st.lists(st.integers(1, max(len(entries), 1)), max_size=3, unique=True))
    as_of = START + timedelta(days=draw(st.integers(0, 700)))  # into the year after
    return entries, [i for i in retracted if i <= len(entries)], as_of


def points(entries: list[NewEntry], gone: set[int], task: int, keys: list[str], as_of: date):  # type: ignore[no-untyped-def]
    """Every value the metric took (a sum: at each report of a part), by brute force."""
    standing = [
        (e.date, n, e)
        for n, e in enumerate(entries, start=1)
        if n not in gone and e.task == task and e.metric in keys and e.date <= as_of
    ]
    standing.sort(key=lambda x: (x[0], x[1]))
    latest: dict[str, NewEntry] = {}
    result = []
    for day, _, e in standing:
        latest[e.metric] = e
        if task == 3:
            value = Decimal(100) if e.done else e.percent
        else:
            value = sum((x.value for x in latest.values() if x.value is not None), Decimal(0))
        if value is not None:
            result.append((day, value))
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journals())
def test_lag_months_and_forecast_by_brute_force(
    journal: tuple[list[NewEntry], list[int], date],
) -> None:
    entries, retracted, as_of = journal
    catalog = open_catalog(PLAN)
    notice = catalog.notice(NOTICE)
    with tempfile.TemporaryDirectory() as folder:
        with open_store(Path(folder) / "p.db", create=True) as store:
            store.add(entries)  # ids 1, 2, … in order
            for entry_id in retracted:
                store.retract(entry_id, by="t")
            now = {v.task.id: v for v in tasks_as_of(catalog, store, as_of)}
            ends = month_ends(max(notice.notice.period.start, notice.notice.issued), as_of)
            then = {end: {v.task.id: v for v in tasks_as_of(catalog, store, end)} for end in ends}
    for task_id, view in now.items():
        for mv in view.metrics:
            key = mv.metric.key
            lag = 0
            if mv.state.status in LAGGING:
                for end in reversed(ends):
                    if then[end][task_id].metric(key).state.status not in LAGGING:
                        break
                    lag += 1
            assert mv.outlook.lag_months == lag, (task_id, key)
            parts = [m.key for m in view.task.metrics if m.parent == key] or [key]
            expected = None
            if mv.state.status != "done":
                expected = forecast(
                    points(entries, set(retracted), task_id, parts, as_of),
                    as_of=as_of,
                    deadline=mv.state.deadline,
                    goal=goal_value(mv.metric, mv.state.target, notice.notice.bands),
                    downward=mv.metric.comparator == "<=",
                    ceiling=Decimal(100) if mv.metric.kind != "quantity" else None,
                )
            assert mv.outlook.forecast == expected, (task_id, key)
