"""Load: eight clerks' processes recording 200 updates each through the command line, at once,
while a reader keeps listing: nothing lost, nothing failed, every read consistent.

Each writer is its own OS process and runs `minshi progress update` 200 times through the CLI
entry (typer's test runner, in a loop) rather than 200 process starts: 1,600 starts take about
3 minutes on two cores, the same writes through 8 processes a fraction of that; what is tested
(separate processes, separate connections, one SQLite file, the default busy timeout) is the same.

`pytest tests/test_load.py -s` prints the figures.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from minshi.catalog import load
from minshi.store import open_store
from tests.conftest import BUNDLED, python

pytestmark = pytest.mark.slow

WRITERS, UPDATES = 8, 200
AS_OF = "2025-01-15"  # after the deadline: every metric is done or overdue

WRITER = """
import json, os, sys, time
from typer.testing import CliRunner
from minshi.cli import app

task, writer, count, go, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:]
runner = CliRunner()
while not os.path.exists(go):  # start together
    time.sleep(0.005)
failures = []
start = time.perf_counter()
for n in range(count):
    result = runner.invoke(app, [
        "progress", "update", task, "--value", str(n), "--date", "2024-06-30",
        "--note", f"writer {writer} update {n}", "--by", f"w{writer}", "--force"])
    if result.exit_code != 0 or result.exception is not None:
        failures.append([n, result.exit_code, result.stderr[-500:], repr(result.exception)])
with open(out, "w") as f:
    json.dump({"failures": failures, "seconds": time.perf_counter() - start}, f)
"""

READER = """
import json, os, sys, time
from typer.testing import CliRunner
from minshi.cli import app
from minshi.status import task_status

go, stop, out, as_of = sys.argv[1:5]
tasks, metrics = json.loads(sys.argv[5]), int(sys.argv[6])
runner = CliRunner()
problems, reads = [], {"list": 0, "overdue": 0, "report": 0}
seen = {t: -1 for t in tasks}  # each writer's value, as last read: it may only grow
overdue_before = None  # values only grow, so what is overdue may only shrink

def read(kind, *args):
    result = runner.invoke(app, [kind, "--as-of", as_of, "--format", "json", *args])
    reads[kind] += 1
    if result.exit_code != 0 or result.stderr or result.exception is not None:
        problems.append(f"{kind}: exit {result.exit_code}: {result.stderr[-300:]}")
        return None
    try:
        return json.loads(result.stdout)
    except ValueError as e:
        problems.append(f"{kind}: not JSON: {e}")
        return None

while not os.path.exists(go):
    time.sleep(0.005)
last = False
while not last:
    last = os.path.exists(stop)  # one more round once the writers are done
    listed = read("list")
    if listed is not None:
        if len(listed) != 21 or sum(len(t["metrics"]) for t in listed) != metrics:
            problems.append(f"list: {len(listed)} tasks")
        for task in listed:
            rolled = task_status(m["status"] for m in task["metrics"])
            if task["status"] != rolled:
                problems.append(f"task {task['id']} is {task['status']}, its metrics say {rolled}")
            if str(task["id"]) in seen:
                actual = task["metrics"][0]["actual"]
                actual = -1 if actual is None else actual
                if actual < seen[str(task["id"])]:
                    problems.append(f"task {task['id']} went back from {seen[str(task['id'])]}")
                seen[str(task["id"])] = actual
    overdue = read("overdue")
    if overdue is not None:
        if any(r["status"] != "overdue" for r in overdue):
            problems.append("overdue: a row that is not overdue")
        if overdue_before is not None and len(overdue) > overdue_before:
            problems.append(f"overdue: {overdue_before} rows, then {len(overdue)}")
        overdue_before = len(overdue)
    report = read("report")
    if report is not None:  # counts add up, and each note belongs to the figure beside it
        rows = [t for c in report["categories"] for t in c["tasks"]]
        if len(rows) != 21 or sum(report["counts"].values()) != 21:
            problems.append(f"report: {len(rows)} tasks, counts {report['counts']}")
        if sum(c["subtotal"]["tasks"] for c in report["categories"]) != report["total"]["tasks"]:
            problems.append("report: the subtotals do not add up to the total")
        for t in rows:
            note = t.get("note") or ""
            value = t["metrics"][0]["actual"]
            if note.startswith("writer ") and int(note.split()[-1]) != value:
                problems.append(f"report: task {t['id']} shows {note!r} beside {value}")
with open(out, "w") as f:
    json.dump({"problems": problems, "reads": reads, "final": seen, "overdue": overdue_before}, f)
"""


def writer_tasks() -> list[str]:
    """Eight tasks whose first metric is a quantity reported directly (not a sum of parts)."""
    catalog = load(BUNDLED, use_cache=False)
    chosen = []
    for _, task in catalog.tasks():
        primary = task.primary
        if primary.kind == "quantity" and not any(m.parent == primary.key for m in task.metrics):
            chosen.append(str(task.id))
    assert len(chosen) >= WRITERS
    return chosen[:WRITERS]


def test_eight_writers_and_a_reader_lose_nothing(isolated: Path, db_file: Path) -> None:
    tasks = writer_tasks()
    metrics = sum(len(t.metrics) for _, t in load(BUNDLED, use_cache=False).tasks())
    go, stop = isolated / "go", isolated / "stop"
    reader_out = isolated / "reader.json"
    reader = python(
        READER, str(go), str(stop), str(reader_out), AS_OF, json.dumps(tasks), str(metrics)
    )
    outs = [isolated / f"writer-{w}.json" for w in range(WRITERS)]
    writers = [
        python(WRITER, tasks[w], str(w), str(UPDATES), str(go), str(outs[w]))
        for w in range(WRITERS)
    ]
    start = time.perf_counter()
    go.touch()
    ended = [(p.communicate(timeout=600)[1], p.returncode) for p in writers]
    writing = time.perf_counter() - start
    stop.touch()
    reader_err = reader.communicate(timeout=600)[1]
    wall = time.perf_counter() - start

    assert ended == [("", 0)] * WRITERS
    assert (reader_err, reader.returncode) == ("", 0)
    results = [json.loads(out.read_text()) for out in outs]
    failed = [f for r in results for f in r["failures"]]
    reads = json.loads(reader_out.read_text())

    store = open_store(db_file, create=False)
    entries = store.log()
    latest = store.latest(date(2024, 12, 31))
    problems = store.integrity_problems()
    store.close()
    refused = {(w, f[0]) for w, r in enumerate(results) for f in r["failures"]}
    acknowledged = {(w, n) for w in range(WRITERS) for n in range(UPDATES)} - refused
    recorded = {(int(e.by[1:]), int(e.note.rsplit(" ", 1)[1])) for e in entries}
    lost = len(acknowledged - recorded)  # reported as saved, but not in the journal
    extra = len(recorded - acknowledged)  # reported as refused, but written all the same

    print(
        f"\nload: {WRITERS} writer processes × {UPDATES} updates = {WRITERS * UPDATES} updates "
        f"in {writing:.1f} s ({WRITERS * UPDATES / writing:.0f}/s), failed: {len(failed)}, "
        f"lost: {lost}, written though refused: {extra}; 1 reader process: "
        f"{reads['reads']['list']} list + {reads['reads']['overdue']} overdue + "
        f"{reads['reads']['report']} report reads, "
        f"inconsistent: {len(reads['problems'])}; "
        f"wall {wall:.1f} s"
    )
    assert failed == []
    assert reads["problems"] == []
    assert lost == 0 and extra == 0
    assert len(entries) == WRITERS * UPDATES  # and nothing extra
    assert sorted(e.id for e in entries) == list(range(1, WRITERS * UPDATES + 1))
    for w in range(WRITERS):
        mine = sorted((e for e in entries if e.by == f"w{w}"), key=lambda e: e.id)
        # in the order the writer made them
        assert [e.note for e in mine] == [f"writer {w} update {n}" for n in range(UPDATES)]
    assert {str(key[1]): entry.value for key, entry in latest.items()} == dict.fromkeys(
        tasks, UPDATES - 1
    )
    assert reads["final"] == dict.fromkeys(tasks, UPDATES - 1)  # the last read saw every write
    assert reads["reads"]["list"] > 1 and reads["reads"]["overdue"] > 1
    assert reads["reads"]["report"] > 1
    assert problems == []
