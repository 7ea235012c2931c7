"""How fast minshi starts and how flat it stays from one district to a province.

    python bench/run.py [--runs 9] [--keep DIR]

Every figure is a whole process, started the way a clerk or cron starts it: wall time from
spawning it to its exit, and its peak resident memory (`ru_maxrss` of that one child, from
`os.wait4`). Each command runs --runs times, interleaved with the others round by round so that
noise from the machine falls on all of them alike, and the median is shown (with the median
CPU time beside it, which a busy machine disturbs less) and the highest peak. A ratio is the
median of the ratios within each round (`paired`): a slow spell of the machine falls on both
commands of a round, where it could move one median and not the other.

Two groups of ratios, each printed with its goal:
- start-up: a command on the bundled notice (and a small journal) against a bare typer app that
  the bench writes itself (two commands, two options, prints), run by the same interpreter in
  the same environment: the floor any typer CLI starts from. The ratio against
  `python -c pass` is printed beside it, for the record;
- province scale: 200 notices (copies of the bundled one with distinct ids, 4,200 tasks) and a
  journal of 100,000 entries imported through `minshi progress import`, against the same
  command on the bundled notice alone.

Children run with bytecode caching on (into the scratch folder, via PYTHONPYCACHEPREFIX), as an
installed package has it, even when the calling shell sets PYTHONDONTWRITEBYTECODE. The catalog
cache is warmed before measuring; the first run after a change of the YAML (cold) is measured
apart. Everything is written under a temporary folder (or --keep DIR), nothing elsewhere.
Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

PROVINCE_NOTICES = 200
JOURNAL_ENTRIES = 100_000
JOURNAL_FILES = 10  # the journal arrives as ten imports, as a year of monthly files would
LEAD = "区城市管理局"
AS_OF = "2024-09-30"
UPDATE_TASK = "16"
MIB = 1024 * 1024
DATA_FORMAT = 2  # of what --keep leaves in its folder


# ---------------------------------------------------------------------------------------------
# Running one process


@dataclass
class Sample:
    seconds: float  # wall time
    cpu: float  # user + system time of the process
    peak_bytes: int


@dataclass(eq=False)  # a command is itself: compared by identity
class Command:
    name: str
    argv: list[str]
    env: dict[str, str]
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def wall(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak(self) -> int:
        return max(s.peak_bytes for s in self.samples)


def paired(a: Command, b: Command) -> float:
    """The median, over the rounds, of a's wall time over b's in the same round (a command
    that failed midway is paired for the rounds it ran)."""
    rounds = zip(a.samples, b.samples, strict=False)
    return statistics.median(x.seconds / y.seconds for x, y in rounds)


# The process is started by a small wrapper (Python without site, about 9 MiB), not by this
# script: a child's ru_maxrss counts the memory of the process it was forked from at the time
# of its exec, so forking from the bench itself (30+ MiB) would hide the real peak.
WRAPPER = """
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
with open(result, "w") as f:
    f.write(f"{seconds!r} {cpu!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(argv: Sequence[str], env: dict[str, str], cwd: Path, out: Path) -> tuple[Sample, int]:
    """Run one process; its wall time, CPU time, own peak RSS, and its exit status."""
    result = out.with_suffix(".result")
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        subprocess.run(
            [sys.executable, "-I", "-S", "-c", WRAPPER, str(result), *argv],
            env=env,
            cwd=cwd,
            stdout=stdout,
            stderr=stderr,
            check=True,
        )
    seconds, cpu, maxrss, code = result.read_text().split()
    return Sample(float(seconds), float(cpu), int(maxrss) * 1024), int(code)  # maxrss: KiB


def run_checked(
    argv: Sequence[str], env: dict[str, str], cwd: Path, *, what: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench: {what} failed (exit {result.returncode}):\n{result.stderr.strip()}")
    return result


# ---------------------------------------------------------------------------------------------
# The data: the bundled notice, a province of 200 copies, journals


def minshi_argv() -> list[str]:
    """The console script beside this interpreter (what users type), else `python -m minshi`."""
    script = Path(sys.executable).with_name("minshi")
    try:
        first = script.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        first = ""
    interpreter = Path(first[2:].strip()) if first.startswith("#!") else None
    if interpreter is not None and interpreter.resolve() == Path(sys.executable).resolve():
        return [str(script)]
    return [sys.executable, "-m", "minshi"]


def base_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINSHI_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["MINSHI_CACHE"] = str(work / "cache")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"
    return env


def bundled_notice(minshi: list[str], env: dict[str, str], work: Path) -> Path:
    result = run_checked([*minshi, "config", "--format", "json"], env, work, what="minshi config")
    for row in json.loads(result.stdout):
        if row["setting"] == "data":
            return Path(row["value"])
    sys.exit("bench: minshi config does not name the notice data")


def make_province(bundled: Path, folder: Path) -> list[str]:
    """200 copies of the bundled notice, each with its own notice.id; their ids."""
    text = bundled.read_text(encoding="utf-8")
    header = re.compile(r"^(notice:\n(?:[ \t]*#.*\n)*  id: )(\S+)$", re.M)
    if len(header.findall(text)) != 1:
        sys.exit(f"bench: cannot find notice.id at the top of {bundled}")
    folder.mkdir(parents=True)
    ids = []
    for n in range(1, PROVINCE_NOTICES + 1):
        notice_id = f"district-{n:03d}-2024"
        renamed = header.sub(lambda m: m.group(1) + notice_id, text)  # noqa: B023 (used at once)
        (folder / f"{notice_id}.yaml").write_text(renamed, encoding="utf-8")
        ids.append(notice_id)
    return ids


@dataclass(frozen=True)
class Series:
    task: int
    key: str
    kind: str
    target: Decimal | None


def reportable_metrics(tasks: list[dict[str, object]]) -> list[Series]:
    """Metrics that take a --value (quantities and rates that are not a sum of parts)."""
    result = []
    for task in tasks:
        metrics: list[dict[str, object]] = task["metrics"]  # type: ignore[assignment]
        parents = {m["parent"] for m in metrics if m["parent"]}
        for m in metrics:
            if m["kind"] == "milestone" or m["key"] in parents:
                continue
            target = None if m["target"] is None else Decimal(str(m["target"]))
            result.append(Series(int(task["id"]), str(m["key"]), str(m["kind"]), target))  # type: ignore[call-overload]
    return result


def value_at(series: Series, step: int, steps: int) -> str:
    """A plausible cumulative value: growing towards the target through the year."""
    share = Decimal(step + 1) / Decimal(steps)
    if series.kind == "percent":
        return str((Decimal(100) * share).quantize(Decimal("0.1")))
    target = series.target if series.target is not None else Decimal(1000)
    return str((target * share).quantize(Decimal(1)))


def day_of(step: int, steps: int) -> str:
    """The `step`-th of `steps` reporting days spread over 2024 (through 31 December)."""
    from datetime import date, timedelta

    offset = (365 * (step + 1)) // steps
    return (date(2024, 1, 1) + timedelta(days=offset)).isoformat()


def write_journal(
    path_for: Callable[[int], Path],
    notices: list[str],
    series: list[Series],
    total: int,
    files: int,
) -> list[Path]:
    """`total` entries spread evenly over every notice's metrics, oldest first, in `files` CSVs."""
    pairs = [(notice, index) for notice in notices for index in range(len(series))]
    steps, extra = divmod(total, len(pairs))
    counts = {pair: steps + (1 if i < extra else 0) for i, pair in enumerate(pairs)}
    rows = sorted(  # (date, notice, index into series, step), oldest first
        (day_of(step, count), notice, index, step)
        for (notice, index), count in counts.items()
        for step in range(count)
    )
    paths = []
    per_file = -(-len(rows) // files)
    for f in range(files):
        path = path_for(f + 1)
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["notice", "task", "metric", "value", "date", "note"])
            for day, notice, index, step in rows[f * per_file : (f + 1) * per_file]:
                s = series[index]
                value = value_at(s, step, counts[(notice, index)])
                writer.writerow([notice, s.task, s.key, value, day, f"截至{day}累计完成"])
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# Printing


def pad(text: str, size: int) -> str:
    """`text` padded to `size` terminal columns (a Chinese character takes two)."""
    import unicodedata

    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, size - columns)


LABEL = 58


def row(
    label: str,
    cmd: Command | None = None,
    ratio: float | None = None,
    goal: str = "",
    ok: bool | None = None,
) -> str:
    text = "  " + pad(label, LABEL)
    if cmd is not None:
        text += f"{cmd.wall * 1000:7.1f} {cmd.cpu * 1000:7.1f} {cmd.peak / MIB:7.1f}"
    else:
        text += " " * 24
    if ratio is not None:
        text += f"  {ratio:5.2f}×"
    elif goal:
        text += " " * 8
    if goal:
        text += f"  {goal:<12}{'PASS' if ok else 'MISS'}"
    return text.rstrip()


# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs per command (≥ 7)")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs on a cold cache")
    parser.add_argument(
        "--keep", metavar="DIR", help="build the data in DIR and keep it; reuse it next time"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7 (the median of fewer is noise)")
    if args.keep:
        work = Path(args.keep).resolve()
        if work.exists() and any(work.iterdir()) and not (work / "ready.json").exists():
            parser.error(f"{work} is not empty and was not made by this script")
    else:
        work = Path(tempfile.mkdtemp(prefix="minshi-bench-"))
    try:
        figures = bench(work, args.runs, args.cold_runs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    return 0 if figures["misses"] == 0 else 1


@dataclass
class Setup:
    minshi: list[str]
    env: dict[str, str]  # no data: for python -c pass and minshi --help
    district: dict[str, str]  # the bundled notice and a year of its monthly reports
    empty: dict[str, str]  # the bundled notice and an empty journal
    province: dict[str, str]  # 200 notices and 100,000 entries
    district_id: str
    province_id: str  # the notice `update` and `report` name at province scale
    imports: list[Sample]


def prepare(work: Path) -> Setup:
    """Build the data in `work`, or reuse what a previous run with --keep built there."""
    minshi = minshi_argv()
    env = base_env(work)
    work.mkdir(parents=True, exist_ok=True)
    bundled = bundled_notice(minshi, env, work)
    district = dict(env, MINSHI_DATA=str(bundled), MINSHI_DB=str(work / "district.db"))
    empty = dict(env, MINSHI_DATA=str(bundled), MINSHI_DB=str(work / "empty.db"))
    province = dict(env, MINSHI_DATA=str(work / "province"), MINSHI_DB=str(work / "province.db"))
    for path in work.glob("empty.db*"):  # empty at every run: `update` measured there adds to it
        path.unlink()
    run_checked([*minshi, "db", "migrate"], empty, work, what="db migrate")
    # read from the empty store: a store named in MINSHI_DB must exist to be read
    tasks = json.loads(
        run_checked([*minshi, "list", "--format", "json"], empty, work, what="list").stdout
    )
    district_id = tasks[0]["notice"]
    ready = work / "ready.json"
    if ready.exists():
        saved = json.loads(ready.read_text(encoding="utf-8"))
        if saved.get("format") == DATA_FORMAT and saved["bundled"] == str(bundled):
            print(f"reusing the data built in {work}")
            return Setup(
                minshi, env, district, empty, province, district_id, saved["province_id"],
                [Sample(*sample) for sample in saved["imports"]],
            )  # fmt: skip
    for leftover in ("province", "district.db", "province.db", "cache"):
        shutil.rmtree(work / leftover, ignore_errors=True)
        for path in work.glob(f"{leftover}*"):
            path.unlink()

    series = reportable_metrics(tasks)
    (monthly,) = write_journal(
        lambda n: work / "district.csv", [district_id], series, 12 * len(series), 1
    )
    run_checked([*minshi, "progress", "import", str(monthly)], district, work, what="import")

    print(f"building {PROVINCE_NOTICES} notices and a journal of {JOURNAL_ENTRIES:,} entries …")
    notice_ids = make_province(bundled, work / "province")
    checked = run_checked([*minshi, "validate"], province, work, what="validate").stdout
    print(f"  {checked.strip()}")
    files = write_journal(
        lambda n: work / f"province-{n:02d}.csv",
        notice_ids,
        series,
        JOURNAL_ENTRIES,
        JOURNAL_FILES,
    )
    imports: list[Sample] = []
    for path in files:
        sample, code = run_once(
            [*minshi, "progress", "import", str(path)], province, work, work / "import.out"
        )
        if code != 0:
            sys.exit(f"bench: import of {path} failed:\n{(work / 'import.err').read_text()}")
        imports.append(sample)
    province_id = notice_ids[len(notice_ids) // 2]
    ready.write_text(
        json.dumps(
            {
                "bundled": str(bundled),
                "province_id": province_id,
                "format": DATA_FORMAT,
                "imports": [[x.seconds, x.cpu, x.peak_bytes] for x in imports],
            }
        ),
        encoding="utf-8",
    )
    return Setup(minshi, env, district, empty, province, district_id, province_id, imports)


BARE_TYPER_APP = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str = typer.Option("x", "--name"), count: int = typer.Option(1, "--count")) -> None:
    print(name * count)


@app.command()
def bye(name: str = typer.Option("x", "--name")) -> None:
    print(name)


app(prog_name="bare")
"""


def bench(work: Path, runs: int, cold_runs: int) -> dict[str, Any]:
    print(
        f"minshi bench · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
        f"{platform.system()} {platform.release()} · load {os.getloadavg()[0]:.1f}"
    )
    s = prepare(work)
    minshi = s.minshi
    print(f"command: {' '.join(minshi)} · scratch: {work}")

    def update(notice: str) -> list[str]:
        return [
            *minshi,
            "progress",
            "update",
            UPDATE_TASK,
            "--notice",
            notice,
            "--value",
            "40",
            "--date",
            "2024-06-30",
            "--note",
            "已开工40个",
            "--by",
            "bench",
        ]

    def report(notice: str) -> list[str]:
        return [*minshi, "report", "--notice", notice, "--as-of", AS_OF, "--format", "json"]

    lead_json = [*minshi, "list", "--lead", LEAD, "--format", "json"]
    bare = Command("python -c pass", [sys.executable, "-c", "pass"], s.env)
    (work / "bare_typer_app.py").write_text(BARE_TYPER_APP, encoding="utf-8")
    typer_app = [sys.executable, str(work / "bare_typer_app.py"), "hello", "--name", "a"]
    floor = Command(
        "bare typer app (hello --name a --count 2)", [*typer_app, "--count", "2"], s.env
    )
    # help and completion are set against the same of the bare app: typer's own work for them
    # (rich for help, the completion protocol) is the floor there
    floor_help = Command("bare typer app --help", [*typer_app[:2], "--help"], s.env)
    floor_tab = Command(
        "bare typer app: TAB after `hello --na`",
        typer_app[:2],
        {**s.env, "_BARE_COMPLETE": "complete_bash", "COMP_WORDS": "bare hello --na",
         "COMP_CWORD": "2"},
    )  # fmt: skip
    list_json = Command(f"list --lead {LEAD} --format json", lead_json, s.district)
    completing = {  # what the shell sets when TAB is pressed after `minshi list --lead 区城`
        **s.district,
        "_MINSHI_COMPLETE": "complete_bash",
        "COMP_WORDS": f"minshi list --lead {LEAD[:2]}",
        "COMP_CWORD": "3",
    }
    startup: list[tuple[Command, float, Command | None]] = [
        # (command, goal against the bare typer app, or against this of it)
        (list_json, 1.25, None),
        (
            Command(f"list --lead {LEAD} (table)", [*minshi, "list", "--lead", LEAD], s.district),
            1.35,
            None,
        ),
        (
            Command(
                "overdue --as-of 2025-01-15 --format json",
                [*minshi, "overdue", "--as-of", "2025-01-15", "--format", "json"],
                s.district,
            ),
            1.25,
            None,
        ),
        (
            Command(
                "show 16 --format json", [*minshi, "show", "16", "--format", "json"], s.district
            ),
            1.25,
            None,
        ),
        (Command(f"progress update {UPDATE_TASK}", update(s.district_id), s.district), 1.5, None),
        (Command("--help", [*minshi, "--help"], s.env), 1.25, floor_help),
        (Command(f"TAB after `list --lead {LEAD[:2]}`", [*minshi], completing), 1.25, floor_tab),
    ]
    scale = [  # (one notice, province, goal)
        (list_json, Command(list_json.name, lead_json, s.province), 3.0),
        (
            Command(f"progress update {UPDATE_TASK} --notice ID", update(s.district_id), s.empty),
            Command("", update(s.province_id), s.province),
            1.5,
        ),
        (
            Command(
                f"report --notice ID --as-of {AS_OF} --format json",
                report(s.district_id),
                s.district,
            ),
            Command("", report(s.province_id), s.province),
            6.0,
        ),
    ]
    _, code = run_once([*minshi, "report", "--help"], s.env, work, work / "help.out")
    report_available = code == 0
    if not report_available:
        scale = scale[:2]
    commands = [bare, floor, floor_help, floor_tab, *(c for c, _, _ in startup)]
    commands += [c for one, many, _ in scale for c in (one, many) if c is not list_json]

    for cmd in commands:  # warm up: bytecode, catalog cache, page cache
        _, code = run_once(cmd.argv, cmd.env, work, work / "warm.out")
        if code != 0:
            cmd.error = first_line(work / "warm.err")
    check_outputs(lead_json, s, work)

    print(f"measuring {len(commands)} commands × {runs} interleaved runs …")
    for round_ in range(runs):
        shift = round_ % len(commands)
        for cmd in commands[shift:] + commands[:shift]:
            if cmd.error:
                continue
            sample, code = run_once(cmd.argv, cmd.env, work, work / "run.out")
            if code != 0:
                cmd.error = first_line(work / "run.err")
                continue
            cmd.samples.append(sample)
    cold = cold_figures(lead_json, s, work, cold_runs)

    figures: dict[str, Any] = {"runs": runs, "load": os.getloadavg()[0], "figures": []}
    misses = 0

    def show(label: str, cmd: Command, against: Command | None = None, goal: float = 0) -> None:
        nonlocal misses
        if cmd.error or not cmd.samples:
            print("  " + pad(label, LABEL) + f"failed: {cmd.error}")
            misses += 1
            return
        figure = {
            "figure": label,
            "wall_ms": round(cmd.wall * 1000, 1),
            "cpu_ms": round(cmd.cpu * 1000, 1),
            "peak_mib": round(cmd.peak / MIB, 1),
        }
        if against is None or not against.samples:
            print(row(label, cmd))
        else:
            ratio = paired(cmd, against)
            misses += ratio > goal
            print(row(label, cmd, ratio, f"≤ {goal:g}×", ratio <= goal))
            figure.update(ratio=round(ratio, 2), goal=goal, ok=ratio <= goal)
        figures["figures"].append(figure)

    print()
    print(
        f"{runs} runs each (load {os.getloadavg()[0]:.1f}); wall and cpu: median, peak: highest;"
        " ratios: median of each round's"
    )
    print("  " + pad("", LABEL) + "wall ms  cpu ms  peak MiB  ratio  goal")
    show("python -c pass", bare)
    show(floor.name, floor)
    if floor.samples and bare.samples:
        print(
            "  "
            + pad("  … against python -c pass (for the record)", LABEL)
            + " " * 24
            + f"  {paired(floor, bare):5.2f}×"
        )
    show(floor_help.name, floor_help)
    show(floor_tab.name, floor_tab)
    print("start-up, against the bare typer app (and python -c pass, for the record):")
    for cmd, goal, against in startup:
        show(cmd.name + (" (against the bare app's)" if against else ""), cmd,
             against or floor, goal)  # fmt: skip
        if cmd.samples and bare.samples:
            figures["figures"][-1]["ratio_python"] = round(paired(cmd, bare), 2)
            print(
                "  "
                + pad("  … against python -c pass", LABEL)
                + " " * 24
                + f"  {paired(cmd, bare):5.2f}×"
            )
    everyday = max((c.peak for c, _, _ in startup if c.samples), default=0)
    fits = everyday < 40 * MIB
    misses += not fits
    print(
        "  "
        + pad("peak memory of these everyday commands", LABEL)
        + f"{'':>16}{everyday / MIB:7.1f}  {'':7}  < 40 MiB     {'PASS' if fits else 'MISS'}"
    )
    figures["everyday_peak_mib"] = round(everyday / MIB, 1)
    print(
        f"province scale ({PROVINCE_NOTICES} notices, 4,200 tasks, {JOURNAL_ENTRIES:,} entries), "
        "against one notice:"
    )
    province_peak = 0
    for one, many, goal in scale:
        show(one.name + (" (empty journal)" if one.env is s.empty else ""), one)
        show(f"  … {PROVINCE_NOTICES} notices, against one", many, one, goal)
        if many.samples:
            province_peak = max(province_peak, many.peak)
    if not report_available:
        print(
            "  "
            + pad(f"report --notice ID --as-of {AS_OF} --format json", LABEL)
            + "n/a (report not available)"
        )
    ok = province_peak < 200 * MIB
    misses += not ok
    print(
        "  "
        + pad("peak memory at province scale", LABEL)
        + f"{'':>16}{province_peak / MIB:7.1f}  {'':7}  < 200 MiB    {'PASS' if ok else 'MISS'}"
    )
    figures["province_peak_mib"] = round(province_peak / MIB, 1)
    rows = f"{JOURNAL_ENTRIES // JOURNAL_FILES:,}"
    print(
        "  "
        + pad(f"progress import of {rows} rows (median of {len(s.imports)}, when built)", LABEL)
        + f"{statistics.median(x.seconds for x in s.imports) * 1000:7.1f}"
        + f" {statistics.median(x.cpu for x in s.imports) * 1000:7.1f}"
        + f" {max(x.peak_bytes for x in s.imports) / MIB:7.1f}"
    )
    print(f"cold: the first run after the notice data changed (median of {cold_runs}):")
    for label, cmd in cold:
        show(label, cmd)
    print()
    print("every figure within its goal" if not misses else f"{misses} figures miss their goal")
    figures["misses"] = misses
    return figures


def first_line(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[0] if lines else "(no message)"


def check_outputs(lead_json: list[str], s: Setup, work: Path) -> None:
    """The province lists every copy of what the district lists: the bench measures real work."""
    one = json.loads(run_checked(lead_json, s.district, work, what="list").stdout)
    many = json.loads(run_checked(lead_json, s.province, work, what="list").stdout)
    if not one or len(many) != PROVINCE_NOTICES * len(one):
        sys.exit(f"bench: list gave {len(one)} tasks for one notice, {len(many)} for the province")
    reported = [sum(1 for t in tasks if t["last_reported"]) for tasks in (one, many)]
    if not reported[0] or reported[1] != PROVINCE_NOTICES * reported[0]:
        sys.exit(f"bench: tasks with reports: {reported[0]} of one notice, {reported[1]} in all")


def cold_figures(
    lead_json: list[str], s: Setup, work: Path, runs: int
) -> list[tuple[str, Command]]:
    """list on a cold cache: what the first run after editing the YAML costs."""
    cache = Path(s.env["MINSHI_CACHE"])
    result = []
    for label, env in (("one notice", s.district), (f"{PROVINCE_NOTICES} notices", s.province)):
        cmd = Command(f"list --lead … --format json, {label}", lead_json, env)
        for _ in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            sample, code = run_once(lead_json, env, work, work / "cold.out")
            if code != 0:
                cmd.error = first_line(work / "cold.err")
                break
            cmd.samples.append(sample)
        result.append((cmd.name, cmd))
    shutil.rmtree(cache, ignore_errors=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
