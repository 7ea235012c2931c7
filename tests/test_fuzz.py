"""Fuzzing: random command lines, mutated notice files and mutated progress files.

Whatever comes in, minshi answers with a documented exit code (0, 1, 2 or 3), never a traceback,
exit 1 only where `--fail-on…` was asked for, no terminal control characters from the input in
its messages, and a refused command leaves the journal exactly as it was (the checksum of
`minshi progress export`, and of every entry with its id, time and retractions).

`pytest tests/test_fuzz.py -s` prints how many cases ran and how long they took. Each test sets
its own number of examples (together over 1,000); MINSHI_FUZZ_SCALE=10 runs ten times as many.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minshi.catalog import load
from minshi.store import journal_checksum, open_store
from tests.conftest import BUNDLED, Invoke

# hypothesis's report of a failing example touches mypy_extensions.TypedDict, whose deprecation
# warning (an error under this project's settings) would hide the report behind an INTERNALERROR
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)

SCALE = float(os.environ.get("MINSHI_FUZZ_SCALE", "1"))
CATALOG = load(BUNDLED, use_cache=False)
TEXT = BUNDLED.read_text(encoding="utf-8")
LINES = TEXT.splitlines(keepends=True)

# test name → cases, seconds and exit codes, printed at the end of the module
CASES: dict[str, list[float]] = {}
EXITS: dict[str, Counter[int]] = {}


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        # one store per test, shared by its examples: a refused command is compared with the
        # journal just before it, so what earlier examples wrote does not matter
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
        database=None,
    )


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    yield
    if CASES:
        total = sum(int(n) for n, _ in CASES.values())
        seconds = sum(s for _, s in CASES.values())
        print(f"\nfuzz: {total} cases in {seconds:.1f} s")
        for name, (n, s) in CASES.items():
            exits = ", ".join(f"exit {code}: {k}" for code, k in sorted(EXITS[name].items()))
            print(f"  {int(n):5d} cases  {s:5.1f} s  {name} ({exits})")


def counted(name: str, start: float, exit_code: int) -> None:
    n, s = CASES.get(name, [0, 0.0])
    CASES[name] = [n + 1, s + time.perf_counter() - start]
    EXITS.setdefault(name, Counter())[exit_code] += 1


class Journal:
    """What the journal holds: `progress export` (what a clerk sees) and every entry.

    A test's examples share its store, so the state after one example is the state before the
    next: it is read once per example."""

    _last: dict[Path, tuple[str, str]] = {}

    def __init__(self, cli: Invoke, db: Path) -> None:
        self.cli, self.db = cli, db

    def before(self) -> tuple[str, str]:
        return self._last.get(self.db) or self.state()

    def after(self) -> tuple[str, str]:
        self._last[self.db] = self.state()
        return self._last[self.db]

    def state(self) -> tuple[str, str]:
        export = self.cli("progress", "export")
        assert export.exit_code == 0, export.stderr
        store = open_store(self.db, create=False)
        try:
            entries = journal_checksum(store.log())
        finally:
            store.close()
        return hashlib.sha256(export.stdout.encode()).hexdigest(), entries


# ---------------------------------------------------------------------------------------------
# Strategies for what a user might type

NOT_NUL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
junk = st.text(NOT_NUL, max_size=16)  # anything a shell can pass (argv holds no NUL)
# bytes that are not UTF-8 reach Python as lone surrogates (a terminal set to GBK, say)
not_utf8 = st.binary(min_size=1, max_size=6).map(lambda b: b.decode("utf-8", "surrogateescape"))
hostile_text = st.sampled_from(
    [
        '=HYPERLINK("http://evil.example","点击")',
        "+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\x1b[31m红色\x1b[0m",
        "\x1b]0;title\x07",
        "响铃\x07",
        "回车\r覆盖",
        "<script>alert(1)</script>",
        "| a | b |",
        "'quoted'",
        '"',
        "\\",
        "\u202eRTL",
        "𠀀𪚥",
        "",
        " ",
    ]
)


def any_of(*good: object) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([str(g) for g in good]), junk, not_utf8, hostile_text)


UNITS = CATALOG.all_unit_spellings()
METRICS = sorted({m.key for _, t in CATALOG.tasks() for m in t.metrics})
tasks = st.one_of(
    st.integers(-2, 24).map(str),
    any_of("16", "wanzhou-2024/16", "other-2024/16", "16.0", " 16 ", "１６", "0x10", "/16", "16/"),
)
values = st.one_of(
    st.integers(-5, 10**7).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    any_of(
        "1,200", "1.2万", "0.5亿", "40%", "４０", "nan", "-0", "1e400", "1e-400", "1_000", "95个"
    ),
)
days = st.one_of(
    st.dates(date(2023, 6, 1), date(2026, 12, 31)).map(date.isoformat),
    any_of("2024-02-30", "2024/06/30", "2024.6.30", "2024-13-01", "0001-01-01", "9999-12-31"),
)
units = st.one_of(st.sampled_from(UNITS), any_of("区", "局", "区委", "区城管", "城市管理"))
metrics = st.one_of(st.sampled_from(METRICS), st.integers(-1, 9).map(str), any_of("老旧小区"))
formats = any_of("table", "json", "csv", "markdown", "JSON", "Markdown", "xlsx", "html", "text")
statuses = any_of("overdue", "behind,far_behind", "done，ahead", "on_track,", "late")
# every command checks --notice against the catalog, so any text may come
notices = st.one_of(any_of("wanzhou-2024", "wanzhou-2025"), junk, hostile_text)


def opt(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


def flag(name: str) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[], [name]])


def command(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    return st.tuples(*parts).map(lambda ps: [arg for p in ps for arg in p])


def fixed(*args: str) -> st.SearchStrategy[list[str]]:
    return st.just(list(args))


TODAY = date.today()
PERIOD_START = CATALOG.notices[0].notice.period.start
TASK_LIST = [t for _, t in CATALOG.tasks()]
notes = st.one_of(hostile_text, st.text(NOT_NUL, max_size=40), not_utf8)


@st.composite
def nearly_valid_update(draw: st.DrawFn) -> list[str]:
    """An update that would be accepted, with none, one or two of its parts replaced by
    something else: random input rarely gets that far on its own."""
    task = draw(st.sampled_from(TASK_LIST))
    metric = draw(st.sampled_from(task.metrics))
    day = draw(st.dates(PERIOD_START, TODAY)).isoformat()
    parts: dict[str, list[str]] = {
        "task": [str(task.id)],
        "metric": ["--metric", draw(st.sampled_from([metric.key, metric.name]))],
        "date": ["--date", day],
        "note": draw(opt("--note", notes)),
        "by": draw(opt("--by", st.one_of(st.just("张三"), notes))),
    }
    if metric.kind == "milestone":
        parts["what"] = draw(
            st.sampled_from(
                [["--done"], ["--stage", "主体完工"], ["--percent", "60"], ["--stage", "\x1b[2J"]]
            )
        )
    else:
        limit = int(metric.target or 100)
        parts["what"] = ["--value", str(draw(st.integers(0, max(1, limit))))]
    parts["invested"] = draw(opt("--invested", st.integers(0, 5000).map(str)))
    for key in draw(st.lists(st.sampled_from(sorted(parts)), max_size=2, unique=True)):
        replacement = draw(st.one_of(values, days, tasks, metrics, notes))
        parts[key] = [*parts[key][:-1], replacement] if parts[key] else [replacement]
    return ["progress", "update", *(arg for key in sorted(parts) for arg in parts[key])]


command_lines = st.one_of(
    nearly_valid_update(),
    nearly_valid_update(),
    command(
        fixed("progress", "update"),
        tasks.map(lambda t: [t]),
        opt("--value", values),
        opt("--metric", metrics),
        opt("--date", days),
        opt("--note", notes),
        opt("--stage", any_of("主体完工")),
        opt("--percent", values),
        opt("--invested", values),
        opt("--by", any_of("张三")),
        opt("--notice", notices),
        flag("--done"),
        flag("--force"),
    ),
    command(
        fixed("list"),
        st.sampled_from(["--lead", "--coop", "--unit"]).flatmap(lambda name: opt(name, units)),
        opt("--category", any_of("市级", "区级", "省级")),
        opt("--search", any_of("老旧小区", "")),
        opt("--status", statuses),
        opt("--as-of", days),
        opt("-f", formats),
    ),
    command(fixed("show"), tasks.map(lambda t: [t]), opt("--as-of", days), opt("-f", formats)),
    command(
        st.sampled_from([["overdue"], ["incomplete"]]),
        opt("--as-of", days),
        opt("--lead", units),
        opt("--unit", units),
        opt("--notice", notices),
        opt("-f", formats),
        flag("--fail-on-any"),
    ),
    command(
        fixed("units"), opt("--sort", any_of("name", "lead", "coop", "total")), opt("-f", formats)
    ),
    command(
        fixed("progress", "log"),
        st.one_of(st.just([]), tasks.map(lambda t: [t])),
        opt("--since", days),
        opt("--until", days),
        opt("--limit", any_of("1", "0", "-1", "3")),
        opt("--lead", units),
        opt("--notice", notices),
        opt("-f", formats),
    ),
    command(
        fixed("progress", "undo"),
        st.one_of(st.just([]), any_of("1", "2", "0", "-1", "99999999999999999999")),
        flag("--dry-run"),
    ),
    command(fixed("progress", "export"), opt("--notice", notices)),
    command(
        fixed("report"),
        opt("--as-of", days),
        opt("--lead", units),
        opt("-f", any_of("text", "markdown", "json", "csv", "html")),
        opt("--fail-on", statuses),
        opt("--stale-days", any_of("1", "0", "35", "-3")),
    ),
    # anything at all after the program name
    st.lists(st.one_of(junk, not_utf8, hostile_text), max_size=4),
)

CONTROL = ("\x1b", "\x07", "\r", "\x9b")


def check_outcome(args: list[str], result: object) -> None:
    exit_code = result.exit_code  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert exit_code in (0, 1, 2, 3), (args, exit_code, stderr)
    assert "Traceback" not in stderr, (args, stderr)
    if exit_code == 1:
        assert {"--fail-on-any", "--fail-on"} & set(args), (args, stderr)
    for ch in CONTROL:
        assert ch not in stderr, (args, stderr)


@fuzz(600)
@given(args=command_lines)
def test_any_command_line(cli: Invoke, db_file: Path, args: list[str]) -> None:
    start = time.perf_counter()
    journal = Journal(cli, db_file)
    before = journal.before()
    result = cli(*args)
    check_outcome(args, result)
    after = journal.after()
    if result.exit_code != 0:
        assert after == before, (args, result.stderr)
    is_table = "-f" not in args or "table" in args
    if is_table and args[:1] != ["report"] and args[:2] != ["progress", "export"]:
        for ch in CONTROL:
            assert ch not in result.stdout, (args, result.stdout)
    counted("command lines", start, result.exit_code)


# ---------------------------------------------------------------------------------------------
# Mutated notice files


@st.composite
def mutated_notice(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(["delete", "duplicate", "replace", "swap", "insert", "edit", "indent"])
        )
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "replace":
            lines[i] = lines[draw(st.integers(0, len(lines) - 1))]
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            lines.insert(i, draw(st.one_of(hostile_text, st.text(NOT_NUL, max_size=30))) + "\n")
        elif kind == "edit":
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            cut = draw(st.integers(0, 5))
            lines[i] = line[:at] + draw(st.text(NOT_NUL, max_size=5)) + line[at + cut :]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "\t", "  " * 3])) + lines[i].lstrip(" ")
        if not lines:
            break
    raw = bytearray("".join(lines).encode("utf-8"))
    if raw and draw(st.booleans()):  # random bytes somewhere: broken encoding, binary
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at : at + 1] = draw(st.binary(min_size=0, max_size=4))
    return bytes(raw)


@fuzz(300)
@given(content=mutated_notice())
def test_mutated_notice_file(cli: Invoke, tmp_path: Path, content: bytes) -> None:
    start = time.perf_counter()
    path = tmp_path / "notice.yaml"
    path.write_bytes(content)
    checked = cli("validate", str(path))
    check_outcome(["validate"], checked)
    assert checked.exit_code in (0, 2), checked.stderr
    listed = cli("--data", str(path), "list", "-f", "json")
    check_outcome(["list"], listed)
    # validate and every other command agree on whether the file is usable
    assert (checked.exit_code == 0) == (listed.exit_code == 0), (checked.stderr, listed.stderr)
    if checked.exit_code != 0:
        # the refusal names the file (and the line, when there is one inside it)
        first = checked.stderr.splitlines()[0]
        assert first.startswith(f"minshi: error: {path}"), first
        assert listed.stderr.splitlines()[0] == first
        assert listed.stdout == ""
    counted("mutated notice files", start, checked.exit_code)


# ---------------------------------------------------------------------------------------------
# Mutated progress files


GOOD_ROWS = [
    ["wanzhou-2024", "16", "老旧小区", "40", "2024-06-30", "已开工40个"],
    ["", "5", "", "1", "2024-06-30", ""],
    ["wanzhou-2024", "20", "其芳小学", "", "2024-07-01", "主体完工"],
]


@st.composite
def mutated_progress_csv(draw: st.DrawFn) -> bytes:
    header = ["notice", "task", "metric", "value", "date", "note"]
    rows = [list(r) for r in GOOD_ROWS]
    if draw(st.booleans()):
        header = header + ["done"]
        rows = [r + [""] for r in rows]
        rows[2][-1] = "是"
    table = [header, *rows]
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(table) - 1))
        kind = draw(st.sampled_from(["cell", "cell", "drop", "copy", "cut", "column"]))
        if kind == "cell" and table[r]:
            c = draw(st.integers(0, len(table[r]) - 1))
            table[r][c] = draw(
                st.one_of(values, days, tasks, metrics, hostile_text, st.text(NOT_NUL, max_size=20))
            )
        elif kind == "drop" and len(table) > 1:
            del table[r]
        elif kind == "copy":
            table.insert(r, list(table[r]))
        elif kind == "cut" and table[r]:
            del table[r][draw(st.integers(0, len(table[r]) - 1)) :]
        elif kind == "column":
            for row in table:
                row.append(draw(st.one_of(st.just(""), hostile_text)))
    buf = io.StringIO()
    csv.writer(buf).writerows(table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    raw = bytearray(buf.getvalue().encode(encoding, "replace"))
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at : at + 1] = draw(st.binary(min_size=0, max_size=3))
    return bytes(raw)


@fuzz(300)
@given(content=mutated_progress_csv(), dry_run=st.booleans())
def test_mutated_progress_file(
    cli: Invoke, tmp_path: Path, db_file: Path, content: bytes, dry_run: bool
) -> None:
    start = time.perf_counter()
    journal = Journal(cli, db_file)
    before = journal.before()
    path = tmp_path / "progress.csv"
    path.write_bytes(content)
    args = ["progress", "import", str(path), *(["--dry-run"] if dry_run else [])]
    result = cli(*args)
    check_outcome(args, result)
    after = journal.after()
    if result.exit_code != 0 or dry_run:
        assert after == before, (result.stdout, result.stderr)
    else:
        assert result.stdout.startswith("imported "), result.stdout
    counted("mutated progress files", start, result.exit_code)


@pytest.mark.parametrize("command", ["log", "export"])
def test_a_notice_id_that_is_not_utf8_is_refused(cli: Invoke, command: str) -> None:
    assert cli("progress", "update", "16", "--value", "1", "--date", "2024-03-01").exit_code == 0
    result = cli("progress", command, "--notice", b"\xff".decode("utf-8", "surrogateescape"))
    check_outcome(["progress", command], result)
    assert result.exit_code == 2


def _saved(book: object) -> bytes:
    """The workbook's file, the same bytes every time (openpyxl stamps the time of saving), so
    that hypothesis can replay a case exactly."""
    import re
    import zipfile

    buf = io.BytesIO()
    book.save(buf)  # type: ignore[attr-defined]
    fixed = io.BytesIO()
    with zipfile.ZipFile(buf) as source, zipfile.ZipFile(fixed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-06-30T00:00:00Z", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 6, 30, 0, 0, 0))
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


@st.composite
def mutated_progress_workbook(draw: st.DrawFn) -> bytes:
    """A sheet headed with the CSV columns, cells of any type (numbers, dates, yes/no, formulas),
    sometimes with the file's bytes damaged."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    header = ["notice", "task", "metric", "value", "date", "note", "done"]
    rows: list[list[object]] = [
        ["wanzhou-2024", 16, "老旧小区", 40, date(2024, 6, 30), "已开工", None],
        ["", "5", "", "1", "2024-06-30", "", ""],
        ["wanzhou-2024", 20, "其芳小学", None, "2024-07-01", "", "是"],
    ]
    cell_values = st.one_of(
        values,
        days,
        tasks,
        metrics,
        hostile_text,
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(date(1900, 3, 1), date(2100, 1, 1)),
        st.booleans(),
        st.none(),
        st.sampled_from(["=1+1", "=A1", '=HYPERLINK("http://x")', "=1/0", "#N/A"]),
    )
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(header) - 1))
        rows[r][c] = draw(cell_values)
    if draw(st.booleans()):
        header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["", "值", "task"]))

    def storable(value: object) -> object:
        """The value as a spreadsheet can hold it: UTF-8, without the controls XML forbids."""
        if not isinstance(value, str):
            return value
        return ILLEGAL_CHARACTERS_RE.sub("", value.encode("utf-8", "replace").decode("utf-8"))

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append([storable(v) for v in row])
    raw = bytearray(_saved(book))
    if draw(st.integers(0, 3)) == 0:
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at : at + 1] = draw(st.binary(min_size=0, max_size=3))
    return bytes(raw)


@fuzz(200)
@given(content=mutated_progress_workbook())
def test_mutated_progress_workbook(
    cli: Invoke, tmp_path: Path, db_file: Path, content: bytes
) -> None:
    start = time.perf_counter()
    journal = Journal(cli, db_file)
    before = journal.before()
    path = tmp_path / "progress.xlsx"
    path.write_bytes(content)
    args = ["progress", "import", str(path)]
    result = cli(*args)
    check_outcome(args, result)
    after = journal.after()
    if result.exit_code != 0:
        assert after == before, (result.stdout, result.stderr)
    else:
        assert result.stdout.startswith("imported "), result.stdout
    counted("mutated progress workbooks", start, result.exit_code)
