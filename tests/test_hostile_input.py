"""Hostile input, as a user or an attacker gives it to the installed command: where output goes
(devices, pipes, planted links), the cache and the office's configuration, numbers, CSV and
spreadsheet files, files that are not files, secrets in a store's address, huge numbers, text
that would act on its reader, a store that is not there, and the ways a run is cut short.

Every case runs `python -m minshi` as a process, with a timeout (a hang fails, it does not
block), and checks what a user notices: the exit code (2 bad input, 3 a file or the store), one
line `minshi: error: …` and no traceback, and that a refusal wrote nothing (the journal's
checksum, the files around). `pytest tests/test_hostile_input.py -s` prints the figures.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from minshi.store import journal_checksum, open_store
from tests.conftest import run_minshi
from tests.pgserver import PostgresServer, free_port
from tests.test_cache import NAME, plant, rewrite, sealed, the_cache

TIMEOUT = 60  # seconds: far beyond any of these runs; a hang fails the test instead of blocking

# (class, outcome) of every case tried, printed at the end of the module
CASES: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    yield
    if CASES:
        tried = sum(CASES.values())
        refused = sum(n for (_, outcome), n in CASES.items() if outcome == "refused")
        print(
            f"\nhostile input: {tried} cases tried, {refused} refused, {tried - refused} "
            "accepted as written or normalised, 0 lost"
        )
        for klass in sorted({k for k, _ in CASES}):
            counts = {o: n for (k, o), n in CASES.items() if k == klass}
            print(f"  {klass}: {counts}")


def minshi(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    return run_minshi(*args, env=env, timeout=TIMEOUT, **kw)


def refused(result: subprocess.CompletedProcess[str], code: int, klass: str) -> str:
    """The one line of a refusal with exit `code`, which wrote nothing to stdout."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("minshi: error: "), result.stderr
    assert result.stdout == ""
    CASES[klass, "refused"] += 1
    return first


def accepted(result: subprocess.CompletedProcess[str], klass: str) -> None:
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    CASES[klass, "accepted"] += 1


def journal(db: Path) -> str:
    """The journal's checksum: what a refusal must leave as it was."""
    with open_store(db, create=False) as store:
        return journal_checksum(store.log())


@pytest.fixture
def reported(isolated: Path) -> Path:
    """Two reports in the store (tasks 16 and 19, the latter done and verified); the store."""
    for args in (
        ("16", "--value", "40", "--date", "2024-06-30", "--note", "已开工40个"),
        ("19", "--done", "--date", "2024-11-20", "--note", "江南水厂稳定运行"),
    ):
        assert minshi("progress", "update", *args).returncode == 0
    assert minshi("progress", "verify", "2", "--by", "督查室").returncode == 0
    return isolated / "progress.db"


@pytest.fixture
def evidence(reported: Path, isolated: Path) -> bytes:
    """Task 19 closed with one document (evidence 1); its content."""
    content = b"%PDF-1.7\n" + bytes(range(256)) * 4
    (isolated / "验收报告.pdf").write_bytes(content)
    closed = minshi("close", "19", "--date", "2024-11-30", "--evidence", "验收报告.pdf")
    assert closed.returncode == 0, closed.stderr
    return content


# ---------------------------------------------------------------------------------------------
# 1. -o never replaces what is not a regular file, and never follows a planted link

# every command that writes a file, with what a device or pipe receives from it
WRITERS = {
    "report": ("report", "--as-of", "2024-06-30", "-f", "csv", "-o"),
    "report xlsx": ("report", "--as-of", "2024-06-30", "-f", "xlsx", "-o"),
    "progress export": ("progress", "export", "-o"),
    "evidence get": ("evidence", "get", "1", "--overwrite", "-o"),
    "import-notice": ("import-notice", "NOTICE", "--overwrite", "-o"),
}


def _writer(name: str, isolated: Path) -> tuple[str, ...]:
    notice = Path(__file__).parent / "fixtures" / "import" / "wanzhou_2024_notice.txt"
    return tuple(str(notice) if a == "NOTICE" else a for a in WRITERS[name])


class Reader(threading.Thread):
    """What is written into a named pipe: read as it comes, so the writer never waits."""

    def __init__(self, fifo: Path) -> None:
        super().__init__(daemon=True)
        self.fifo, self.data = fifo, b""

    def run(self) -> None:
        with self.fifo.open("rb") as f:
            self.data = f.read()


@pytest.mark.usefixtures("evidence")
@pytest.mark.parametrize("name", WRITERS)
def test_output_to_dev_null_is_written_into_never_replaced(name: str, isolated: Path) -> None:
    before = os.stat("/dev/null")
    result = minshi(*_writer(name, isolated), "/dev/null")
    accepted(result, "1 -o")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino


@pytest.mark.usefixtures("evidence")
@pytest.mark.parametrize("name", WRITERS)
def test_output_to_a_named_pipe_with_a_reader_goes_into_the_pipe(
    name: str, isolated: Path, evidence: bytes
) -> None:
    fifo = isolated / "out.fifo"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    reader.start()
    result = minshi(*_writer(name, isolated), str(fifo))
    reader.join(TIMEOUT)
    accepted(result, "1 -o")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe, not a file in its place
    if name == "evidence get":
        assert reader.data == evidence
    elif name == "report xlsx":
        assert reader.data.startswith(b"PK")
    else:
        assert len(reader.data) > 100


def test_the_fill_in_sheet_goes_into_a_pipe_named_xlsx(isolated: Path) -> None:
    fifo = isolated / "区城市管理局.xlsx"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    reader.start()
    result = minshi(
        "progress", "template", "--lead", "区城市管理局", "-o", str(fifo), "--overwrite"
    )
    reader.join(TIMEOUT)
    accepted(result, "1 -o")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and reader.data.startswith(b"PK")


@pytest.mark.usefixtures("evidence")
@pytest.mark.parametrize("name", WRITERS)
def test_a_pipe_nobody_reads_is_refused_at_once(name: str, isolated: Path) -> None:
    fifo = isolated / "nobody.fifo"
    os.mkfifo(fifo)
    line = refused(minshi(*_writer(name, isolated), str(fifo)), 3, "1 -o")
    assert line == f"minshi: error: cannot write {fifo}: nothing reads from this pipe"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_dev_stdout_reaches_standard_output(reported: Path) -> None:
    result = minshi("report", "--as-of", "2024-06-30", "-f", "csv", "-o", "/dev/stdout")
    accepted(result, "1 -o")
    assert result.stdout.startswith("\ufeff序号,类别,项目名称")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_socket_is_not_written_and_stays(isolated: Path) -> None:
    path = isolated / "report.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        line = refused(minshi("report", "-f", "text", "-o", str(path)), 3, "1 -o")
    assert line == f"minshi: error: cannot write {path}: it is a socket, not a file"
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def _plant(folder: Path, name: str, victim: Path) -> None:
    """Symlinks to `victim` under every name a temporary file beside `name` could be given by
    a program that names it predictably: the name with the next few hundred process ids."""
    last = int(Path("/proc/sys/kernel/ns_last_pid").read_text())
    for pid in range(last, last + 400):
        for planted in (f".{name}.{pid}.partial", f".{name}.{pid}.tmp", f"{name}.{pid}"):
            (folder / planted).symlink_to(victim)
    for planted in (f"{name}.tmp", f"{name}.partial", f".{name}.tmp", f"{name}-journal"):
        (folder / planted).symlink_to(victim)


@pytest.mark.usefixtures("evidence")
@pytest.mark.parametrize("name", [*WRITERS, "db backup", "progress template"])
def test_a_planted_symlink_beside_the_output_is_never_followed(
    name: str, isolated: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = isolated / "out"
    out.mkdir()
    suffix = {"report": "csv", "progress export": "csv", "evidence get": "pdf"}
    suffix |= {"import-notice": "yaml", "db backup": "db"}
    target = out / f"result.{suffix.get(name, 'xlsx')}"
    _plant(out, target.name, victim)
    if name == "db backup":
        result = minshi("db", "backup", str(target))
    elif name == "progress template":
        result = minshi("progress", "template", "--lead", "区城市管理局", "-o", str(target))
    else:
        result = minshi(*_writer(name, isolated), str(target))
    accepted(result, "1 -o")
    assert victim.read_text() == "precious\n"
    assert target.is_file() and not target.is_symlink() and target.stat().st_size > 0
    # nothing left beside it but the planted links
    assert {p.name for p in out.iterdir() if not p.is_symlink()} == {target.name}


@pytest.mark.usefixtures("reported")
def test_a_symlink_in_place_of_the_output_is_neither_followed_nor_replaced(
    isolated: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = isolated / "r.csv"
    link.symlink_to(victim)
    refused = minshi("report", "--as-of", "2024-06-30", "-o", str(link))
    assert refused.returncode == 2 and "symbolic link" in refused.stderr
    assert victim.read_text() == "precious\n" and link.is_symlink()
    dangling = isolated / "d.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    assert minshi("report", "-o", str(dangling)).returncode == 2
    assert not (tmp_path / "nowhere.csv").exists() and dangling.is_symlink()


def test_the_shells_own_output_by_its_name_is_written_as_opened(tmp_path: Path) -> None:
    """`-o /dev/stdout >> file` (or a link to /proc/self/fd/1): written where the shell points,
    appended when it appends, and /dev/stdout stays what it is."""
    out = tmp_path / "out.csv"
    out.write_text("before\n", encoding="utf-8")
    link = tmp_path / "s"
    link.symlink_to("/proc/self/fd/1")
    for name in ("/dev/stdout", str(link)):
        with out.open("a", encoding="utf-8") as appended:
            done = subprocess.run(
                [sys.executable, "-m", "minshi", "report", "--as-of", "2024-06-30", "-o", name,
                 "-f", "csv"], stdout=appended, stderr=subprocess.PIPE, text=True, check=False,
            )  # fmt: skip
        assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("before\n") and text.count("序号") == 2
    assert os.path.islink("/dev/stdout") and link.is_symlink()


@pytest.mark.usefixtures("reported")
@pytest.mark.parametrize("kind", ["dangling symlink", "symlink to a file", "fifo", "dev null"])
def test_a_backup_never_goes_where_something_is(kind: str, isolated: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.db"
    dest = isolated / "backup.db"
    if kind == "dangling symlink":
        dest.symlink_to(victim)
    elif kind == "symlink to a file":
        victim.write_text("precious\n")
        dest.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(dest)
    else:
        dest = Path("/dev/null")
    line = refused(minshi("db", "backup", str(dest)), 2, "1 -o")
    assert line == f"minshi: error: {dest} already exists; choose a new file name"
    if kind == "dangling symlink":
        assert not victim.exists()
    elif kind == "symlink to a file":
        assert victim.read_text() == "precious\n"
    elif kind == "fifo":
        assert stat.S_ISFIFO(os.lstat(dest).st_mode)
    else:
        assert stat.S_ISCHR(os.stat(dest).st_mode)


# ---------------------------------------------------------------------------------------------
# 11. A store the user names must be there to be read; only the default store may be missing

READERS = [
    ("list",),
    ("report", "--as-of", "2024-06-30"),
    ("db", "check"),
    ("progress", "log"),
    ("show", "16"),
    ("overdue", "--as-of", "2025-01-15"),
    ("progress", "export"),
    ("progress", "template", "--lead", "区城市管理局", "-o", "t.xlsx"),
    ("evidence", "get", "1", "-o", "e.pdf"),
]


@pytest.mark.parametrize("how", ["MINSHI_DB", "--db", "minshi.toml"])
@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_reading_a_named_store_that_is_not_there_says_so_and_creates_nothing(
    args: tuple[str, ...], how: str, isolated: Path, tmp_path: Path
) -> None:
    nope = tmp_path / "nope" / "progress.db"
    nope.parent.mkdir()
    env = {"MINSHI_DB": str(nope)}
    argv = args
    if how == "--db":
        env, argv = {"MINSHI_DB": ""}, ("--db", str(nope), *args)
    elif how == "minshi.toml":
        (isolated / "minshi.toml").write_text(f'db = "{nope}"\n', encoding="utf-8")
        env = {"MINSHI_DB": ""}
    line = refused(minshi(*argv, env=env, cwd=isolated), 3, "11 named store")
    source = str(isolated / "minshi.toml") if how == "minshi.toml" else how
    assert line == (
        f"minshi: error: there is no store at {nope} (from {source}); correct the path, or "
        "create it with `minshi db migrate` or a first report"
    )
    assert list(nope.parent.iterdir()) == []
    assert not (isolated / "t.xlsx").exists() and not (isolated / "e.pdf").exists()


def test_the_default_store_may_be_missing_until_the_first_report(isolated: Path) -> None:
    env = {"MINSHI_DB": ""}
    for args in READERS[:6]:
        accepted(minshi(*args, env=env), "11 named store")
    assert not list((isolated / "xdg-data").rglob("progress.db"))
    accepted(minshi("progress", "update", "16", "--value", "1", env=env), "11 named store")
    assert list((isolated / "xdg-data").rglob("progress.db"))


def test_a_dry_run_import_into_a_named_store_not_yet_made_checks_and_creates_nothing(
    isolated: Path, tmp_path: Path
) -> None:
    nope = tmp_path / "progress.db"
    (isolated / "6月.csv").write_text("task,value,date\n16,40,2024-06-30\n", encoding="utf-8")
    result = minshi("progress", "import", "6月.csv", "--dry-run", env={"MINSHI_DB": str(nope)})
    accepted(result, "11 named store")
    assert not nope.exists()


# ---------------------------------------------------------------------------------------------
# 3. The notice cache is data: a damaged, foreign, shared or planted one is ignored, rebuilt


def _cached_name(isolated: Path) -> str:
    result = minshi("show", "16", "-f", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return str(json.loads(result.stdout)["name"])


CACHE_ATTACKS = {
    "group-writable": lambda cache, elsewhere: cache.chmod(0o620),
    "world-writable": lambda cache, elsewhere: cache.chmod(0o606),
    "another user's": lambda cache, elsewhere: os.chown(cache, 65534, 65534),
    "a symlink to a planted file": lambda cache, elsewhere: (
        cache.rename(elsewhere),
        cache.symlink_to(elsewhere),
    ),
    "a named pipe": lambda cache, elsewhere: (cache.unlink(), os.mkfifo(cache)),
    "a folder": lambda cache, elsewhere: (cache.unlink(), cache.mkdir()),
    "70 MB": lambda cache, elsewhere: os.truncate(cache, 70 * 1024 * 1024),
    "a huge number": lambda cache, elsewhere: rewrite(cache, _huge_number),
}


def _huge_number(record: dict[str, Any]) -> None:
    """A target of 10^999999999 with a checksum that matches: believing it would hang the run
    that prints it."""
    for entry in record["notices"]:
        text = entry[1].replace('"95"', '"1e999999999"', 1)
        entry[:] = sealed(text)


@pytest.mark.parametrize("attack", CACHE_ATTACKS)
def test_a_cache_that_may_not_be_believed_is_ignored_and_rebuilt(
    attack: str, isolated: Path, tmp_path: Path
) -> None:
    assert _cached_name(isolated) == NAME
    cache = the_cache(isolated)
    plant(cache)  # the forged name, with checksums that match
    CACHE_ATTACKS[attack](cache, tmp_path / "planted.json")
    for _ in range(2):  # the planted one ignored; then the one written anew (or none) read
        assert _cached_name(isolated) == NAME  # not the planted one, and no hang
    CASES["3 cache", "refused"] += 1
    if attack != "a folder":  # rebuilt: a regular file of this user's, for this user only
        info = os.lstat(cache)
        assert stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
        assert stat.S_IMODE(info.st_mode) == 0o600


def test_a_cache_planted_in_a_shared_cache_folder_is_not_read(isolated: Path) -> None:
    assert _cached_name(isolated) == NAME
    cache = the_cache(isolated)
    cache.parent.chmod(0o1777)  # like /tmp: anyone may put a file there
    plant(cache)
    os.chown(cache, 65534, 65534)  # as another user would leave it
    assert _cached_name(isolated) == NAME
    assert os.lstat(cache).st_uid == os.getuid()
    CASES["3 cache", "refused"] += 1


def test_a_pickle_in_place_of_the_cache_never_runs(isolated: Path) -> None:
    assert _cached_name(isolated) == NAME
    marker = isolated / "ran"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    the_cache(isolated).write_bytes(payload)
    the_cache(isolated).chmod(0o600)
    assert _cached_name(isolated) == NAME
    assert not marker.exists()
    CASES["3 cache", "refused"] += 1


# ---------------------------------------------------------------------------------------------
# 6. Files whose rows and columns do not fit are refused, naming the line or the cell


def _csv(isolated: Path, text: str) -> Path:
    path = isolated / "rows.csv"
    path.write_text(text, encoding="utf-8")
    return path


CSV_MISFITS = {
    "more cells than the header": (
        "task,value,date,note\n16,40,2024-06-30,已开工,40个\n",
        "line 2: 5 cells under a header of 4",
    ),
    "more cells after a note over three lines": (
        'task,value,date,note\n16,40,2024-06-30,"一\n二\n三"\n16,41,2024-07-30,a,b\n',
        "line 5: 5 cells under a header of 4",
    ),
    "a cell under a column with no name": (
        "task,,value,date\n16,x,40,2024-06-30\n",
        "line 2: a value in column 2, which the header leaves unnamed",
    ),
    "a cell under a trailing empty name": (
        "task,value,date,\n16,40,2024-06-30,已开工\n",
        "line 2: a value in column 4, which the header leaves unnamed",
    ),
}


@pytest.mark.parametrize("case", CSV_MISFITS)
def test_a_csv_row_that_does_not_fit_its_header_is_refused_by_its_line(
    case: str, isolated: Path
) -> None:
    text, detail = CSV_MISFITS[case]
    db = isolated / "progress.db"
    before = journal(db)
    result = minshi("progress", "import", str(_csv(isolated, text)))
    line = refused(result, 2, "6 rows and columns")
    assert "with more cells than the header names" in line and "nothing was imported" in line
    assert result.stderr.splitlines()[1] == f"  {detail}"
    assert journal(db) == before


@pytest.mark.parametrize(
    "header",
    [
        "task,value,date,value",
        "task,value,date,VALUE",
        "task,value,date, value ",
        "task,task,value,date",
    ],
)
def test_a_csv_header_naming_a_column_twice_is_refused(header: str, isolated: Path) -> None:
    path = _csv(isolated, f"{header}\n16,40,2024-06-30,41\n")
    line = refused(minshi("progress", "import", str(path)), 2, "6 rows and columns")
    assert line.endswith(f"named twice: {'task' if header.startswith('task,task') else 'value'}")


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "进度填报"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["notice", "task", "metric", "value", "date", "note", "invested"]
UNCOMPUTED = {
    "value": (
        [["", 16, "", "=38+2", "2024-06-30", "已开工", None]],
        ["进度填报!D2: a formula (=38+2)"],
    ),
    "date": ([["", 16, "", 40, "=TODAY()", "已开工", None]], ["进度填报!E2: a formula (=TODAY())"]),
    "note": ([["", 16, "", 40, "2024-06-30", "=A1", None]], ["进度填报!F2: a formula (=A1)"]),
    "invested": ([["", 16, "", 40, "2024-06-30", "x", "=1/0"]], ["进度填报!G2: a formula (=1/0)"]),
    "a row of formulas only": (
        [["", "=16", "", "=40", "=DATE(2024,6,30)", "", None]],
        ["进度填报!B2: a formula (=16)", "进度填报!D2: a formula (=40)", "进度填报!E2: a formula"],
    ),
}


@pytest.mark.parametrize("case", UNCOMPUTED)
def test_a_formula_nobody_computed_is_refused_naming_its_cell(case: str, isolated: Path) -> None:
    """openpyxl, like any script, saves a formula without its value: read as it stands, the
    cell would be empty and the report would silently lose it (or take today's date)."""
    rows, cells = UNCOMPUTED[case]
    path = _workbook(isolated / "sheet.xlsx", [HEADER, *rows])
    db = isolated / "progress.db"
    before = journal(db)
    result = minshi("progress", "import", str(path))
    line = refused(result, 2, "6 rows and columns")
    assert line.startswith(f"minshi: error: {path}: ") and line.endswith("nothing was imported")
    details = result.stderr.splitlines()[1:]
    assert len(details) == len(cells)
    for detail, cell in zip(details, cells, strict=True):
        assert detail.startswith(f"  {cell}") and "no computed value" in detail
    assert journal(db) == before


def test_a_cell_beyond_the_header_of_a_sheet_is_named(isolated: Path) -> None:
    path = _workbook(
        isolated / "sheet.xlsx", [HEADER, ["", 16, "", 40, "2024-06-30", "x", 1, "多"]]
    )
    result = minshi("progress", "import", str(path))
    refused(result, 2, "6 rows and columns")
    assert result.stderr.splitlines()[1] == "  进度填报!H2: 8 cells under a header of 7"


def test_a_sheet_saved_by_a_spreadsheet_program_imports_its_computed_values(
    isolated: Path, tmp_path: Path
) -> None:
    from tests.test_template import convert

    ok = _workbook(tmp_path / "ok.xlsx", [HEADER, ["", 16, "", "=38+2", "2024-06-30", "x", "=2*3"]])
    error = _workbook(
        tmp_path / "error.xlsx", [HEADER, ["", 16, "", 40, "2024-06-30", "x", "=1/0"]]
    )
    saved = tmp_path / "saved"
    saved.mkdir()
    profile = tmp_path / "lo-profile"
    ok, error = convert(ok, "xlsx", saved, profile), convert(error, "xlsx", saved, profile)
    result = minshi("progress", "import", str(error))
    refused(result, 2, "6 rows and columns")
    assert result.stderr.splitlines()[1] == (
        "  进度填报!G2: the formula's result is an error (#DIV/0!); correct the cell"
    )
    accepted(minshi("progress", "import", str(ok)), "6 rows and columns")
    (entry,) = json.loads(minshi("progress", "log", "-f", "json").stdout)
    assert (entry["value"], entry["invested"]) == (40, 6)


# ---------------------------------------------------------------------------------------------
# 7. What is not a regular file is refused at once, never waited on; sizes have a cap

NOT_FILES = ["/dev/zero", "/dev/null", "/dev/urandom", "fifo", "fifo.csv", "fifo.xlsx", "folder"]
READS = {
    "progress import": ("progress", "import"),
    "progress import --dry-run": ("progress", "import", "--dry-run"),
    "import-notice": ("import-notice",),
    "validate": ("validate",),
    "close --evidence": ("close", "19", "--date", "2024-11-30", "--evidence"),
}


@pytest.mark.usefixtures("reported")
@pytest.mark.parametrize("what", NOT_FILES)
@pytest.mark.parametrize("command", READS)
def test_what_is_not_a_file_is_refused_at_once(command: str, what: str, isolated: Path) -> None:
    path = Path(what) if what.startswith("/") else isolated / what
    if what.startswith("fifo"):
        os.mkfifo(path)  # nobody will ever write to it
    elif what == "folder":
        path.mkdir()
    db = isolated / "progress.db"
    before = journal(db)
    argv = [*READS[command], str(path)]
    if command == "progress import --dry-run":
        argv = [*READS["progress import"], str(path), "--dry-run"]
    line = refused(minshi(*argv), 2, "7 not a file")
    assert line.startswith(f"minshi: error: {path}")
    if command == "validate" and what == "folder":
        assert line.endswith("no notice files (*.yaml) in this folder")  # a notice folder
    else:
        assert "not a regular file" in line or "is a folder" in line
    assert journal(db) == before


@pytest.mark.parametrize("where", ["fifo.yaml", "folder/fifo.yaml", "folder/zero.yaml"])
def test_notice_data_that_is_not_a_file_is_refused_at_once(where: str, isolated: Path) -> None:
    """Beside a sound notice in its folder too: a notice silently left out would be worse."""
    path = isolated / where
    if where.startswith("folder/"):
        path.parent.mkdir()
        shutil.copy(isolated / "targets_2024.yaml", path.parent / "a.yaml")
    if "zero" in where:
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    data = path.parent if where.startswith("folder/") else path
    line = refused(minshi("list", env={"MINSHI_DATA": str(data)}), 2, "7 not a file")
    assert line.startswith(f"minshi: error: {path}: ")


@pytest.mark.parametrize(
    ("command", "size", "message"),
    [
        (("progress", "import"), 51 << 20, "larger than 50 MB; this is not a progress CSV file"),
        (("import-notice",), 21 << 20, "21 MB is too large to be a notice (at most 20 MB)"),
        (("validate",), 6 << 20, "6 MB is far too large for a notice file (limit 5 MB)"),
    ],
)
def test_a_file_over_its_cap_is_refused_with_the_cap(
    command: tuple[str, ...], size: int, message: str, isolated: Path
) -> None:
    path = isolated / "huge.txt"
    with path.open("wb") as f:
        f.truncate(size)  # sparse: the size says it all, nothing need be read
    line = refused(minshi(*command, str(path)), 2, "7 not a file")
    assert line == f"minshi: error: {path}: {message}"


# ---------------------------------------------------------------------------------------------
# 8. (files) A link in the notice folder to another file never shows that file's lines


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc/shadow", "secrets.yaml"])
def test_a_link_out_of_the_notice_folder_is_refused_unread(
    target: str, isolated: Path, tmp_path: Path
) -> None:
    folder = isolated / "notices"
    folder.mkdir()
    shutil.copy(isolated / "targets_2024.yaml", folder / "a.yaml")
    secret = Path(target) if target.startswith("/") else tmp_path / target
    if not target.startswith("/"):
        secret.write_text("db_password: hunter2\nroot:x:0:0:root:/root:/bin/bash\n")
    (folder / "b.yaml").symlink_to(secret)
    for command in (("list",), ("validate",)):
        result = minshi(*command, env={"MINSHI_DATA": str(folder)})
        line = refused(result, 2, "8 secrets")
        assert line == (
            f"minshi: error: {folder / 'b.yaml'}: a link to {os.path.realpath(secret)}, outside "
            f"the folder {folder}; put the notice file itself in the folder"
        )
        assert "hunter2" not in result.stderr and "root:" not in result.stderr


@pytest.mark.parametrize(
    "content",
    ["db_password: hunter2\n", "root:x:0:0:root:/root:/bin/bash\nPASSWORD: hunter2\n"],
    ids=["a mapping", "not yaml"],
)
def test_a_file_that_is_no_notice_is_refused_without_its_content(
    content: str, isolated: Path
) -> None:
    path = isolated / "secrets.yaml"
    path.write_text(content)
    result = minshi("validate", str(path))
    refused(result, 2, "8 secrets")
    assert "hunter2" not in result.stderr and "db_password" not in result.stderr


# ---------------------------------------------------------------------------------------------
# 9. Input that once met "unexpected …": one line, exit 2; a file that cannot be read, exit 3

TEXT = (Path(__file__).parent.parent / "data" / "targets_2024.yaml").read_text(encoding="utf-8")
HUGE_IN_YAML = {
    "a 5,000-digit target": ("target: 95,", "target: " + "9" * 5000 + ","),
    "a 5,000-digit target in quotes": ("target: 95,", 'target: "' + "9" * 5000 + '",'),
    "a 5,000-digit task id": ("id: 16", "id: " + "9" * 5000),
    "a 5,000-digit task id in quotes": ("id: 16", 'id: "' + "9" * 5000 + '"'),
    "a 20-digit task id": ("id: 16", "id: 99999999999999999999"),
    "a target of 10^999999": ("target: 95,", "target: 1e999999,"),
    "a target of 10^-999999": ("target: 95,", "target: 1e-999999,"),
    "a target of 41 digits": ("target: 95,", "target: 1" + "0" * 40 + ","),
    "30 decimals a float would round": ("target: 95,", "target: 95." + "0" * 29 + "1,"),
    "a baseline of 10^999": ("target: 95,", "target: 95, baseline: 1e999,"),
}


@pytest.mark.parametrize("case", HUGE_IN_YAML)
def test_a_number_no_notice_holds_is_one_line_naming_its_line(case: str, isolated: Path) -> None:
    old, new = HUGE_IN_YAML[case]
    path = isolated / "huge.yaml"
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    line_no = TEXT.count("\n", 0, TEXT.index(old)) + 1
    for run in (minshi("validate", str(path)), minshi("list", env={"MINSHI_DATA": str(path)})):
        line = refused(run, 2, "9 unexpected")
        assert line.startswith(f"minshi: error: {path}:{line_no}: ")
        assert len(line) < 300 and "unexpected" not in line


BAD_ARGUMENTS = [
    (("progress", "undo", "9223372036854775808"), "there is no entry 9223372036854775808"),
    (("progress", "undo", "9" * 40), "there is no entry"),
    (("progress", "log", "--limit", "99999999999999999999"), None),
    (("show", "9223372036854775808"), "'9223372036854775808' is not a task number (e.g. 16)"),
    (("evidence", "get", "9223372036854775808", "-o", "x.pdf"), "there is no evidence"),
    (("progress", "return", "9223372036854775808", "--reason", "x"), "an entry id is"),
    (("--db", "postgresql://[::1", "list"), "is not a valid address"),
    (("--db", "postgresql://u@h:99999/db", "list"), "is not a valid address"),
    (("report", "--as-of", "99999-01-01"), "is not a real date"),
]


@pytest.mark.usefixtures("reported")
@pytest.mark.parametrize(
    ("args", "says"), BAD_ARGUMENTS, ids=lambda a: " ".join(a) if isinstance(a, tuple) else ""
)
def test_an_argument_out_of_every_range_is_one_line(
    args: tuple[str, ...], says: str | None, isolated: Path
) -> None:
    result = minshi(*args)
    if says is None:  # a limit beyond the journal is no limit at all
        accepted(result, "9 unexpected")
        return
    line = refused(result, 2, "9 unexpected")
    assert says in line and "unexpected" not in line
    assert not (isolated / "x.pdf").exists()


def _as_nobody(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """minshi run by the user nobody (root reads any file whatever its mode)."""
    import sys

    return subprocess.run(
        [
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            sys.executable,
            "-m",
            "minshi",
            *args,
        ],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@pytest.fixture
def nobodys_folder() -> Iterator[Path]:
    """A folder the user nobody may use (pytest's own tmp folder is root's only)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="minshi-nobody-"))
    os.chown(folder, 65534, 65534)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    "command",
    [
        ("progress", "import", "locked.csv", "--dry-run"),
        ("progress", "import", "locked.xlsx", "--dry-run"),
        ("import-notice", "locked.txt"),
        ("validate", "locked.yaml"),
        ("list",),
    ],
    ids=" ".join,
)
def test_a_file_that_cannot_be_read_is_exit_3(
    command: tuple[str, ...], nobodys_folder: Path
) -> None:
    for name in ("locked.csv", "locked.xlsx", "locked.txt", "locked.yaml"):
        (nobodys_folder / name).write_text("task,value,date\n16,40,2024-06-30\n")
        (nobodys_folder / name).chmod(0o000)  # root's: nobody may not read it
    env = {
        "HOME": str(nobodys_folder),
        "MINSHI_DB": "",
        "XDG_DATA_HOME": str(nobodys_folder / "data"),
        "MINSHI_CACHE": str(nobodys_folder / "cache"),
        "MINSHI_DATA": str(nobodys_folder / "locked.yaml") if command == ("list",) else "",
    }
    result = _as_nobody(*command, cwd=nobodys_folder, env=env)
    line = refused(result, 3, "9 unexpected")
    assert line.endswith(": cannot read: Permission denied")


# ---------------------------------------------------------------------------------------------
# 8. (addresses) A password in a store's address is never shown, however it is written


def _secret_addresses() -> dict[str, str]:
    port = free_port()  # nothing listens there
    at = f"127.0.0.1:{port}/minshi"
    return {
        "in the query": f"postgresql://clerk@{at}?password=s3cret",
        "in the query, named in capitals": f"postgresql://clerk@{at}?sslmode=disable&PassWord=s3cret",
        "in the query, its = encoded": f"postgresql://clerk@{at}?password%3Ds3cret",
        "in options": f"postgresql://clerk@{at}?options=-c%20password%3Ds3cret",
        "holding an @": f"postgresql://clerk:p@s3cret@{at}",
        "holding an @ and in the query": f"postgresql://clerk:p@s3cret@{at}?password=s3cret",
        "holding a /": f"postgresql://clerk:s3c/ret@{at}",
        "before an unclosed [": "postgresql://clerk:s3cret@[::1",
        "before a port that is no port": "postgresql://clerk:s3cret@127.0.0.1:99999/minshi",
        "with the scheme in capitals": f"POSTGRESQL://clerk:s3cret@{at}",
        "percent-encoded": f"postgresql://clerk:s3%40cret@{at}",
        "a keyword string": "host=127.0.0.1 password=s3cret dbname=minshi",
        "a keyword string, quoted": "host=127.0.0.1 password='s3 cret' dbname=minshi",
    }


SECRET_COMMANDS = [
    ("list",),
    ("config",),
    ("db", "check"),
    ("progress", "update", "16", "--value", "1"),
]


@pytest.mark.parametrize("how", list(_secret_addresses()))
def test_a_password_in_the_store_address_is_never_shown(how: str, isolated: Path) -> None:
    address = _secret_addresses()[how]
    for command in SECRET_COMMANDS:
        for argv, env in (
            (command, {"MINSHI_DB": address}),
            (("--db", address, *command), {}),
        ):
            result = minshi(*argv, env=env)
            shown = result.stdout + result.stderr
            for fragment in ("s3cret", "s3c/ret", "s3%40cret", "s3@cret", "s3 cret", "p@s3"):
                assert fragment not in shown, (argv, shown)
            assert "Traceback" not in shown
            if command == ("config",):
                accepted(result, "8 secrets")
                assert "***" in result.stdout
            else:
                assert result.returncode in (2, 3), shown
                refused(result, result.returncode, "8 secrets")
    assert [p.name for p in isolated.iterdir() if "=" in p.name or "s3" in p.name] == []


@pytest.mark.postgres
def test_a_server_store_named_with_its_password_never_shows_it(
    postgres_server: PostgresServer, isolated: Path
) -> None:
    database = postgres_server.new_database()
    url = postgres_server.url(database) + "?password=s3cret"
    env = {"MINSHI_DB": url}
    outputs = [
        minshi("db", "migrate", env=env),
        minshi("progress", "update", "16", "--value", "40", "--date", "2024-06-30", env=env),
        minshi("config", env=env),
        minshi("db", "check", env=env),
        minshi("db", "backup", str(isolated / "copy.db"), env=env),
    ]
    for result in outputs:
        accepted(result, "8 secrets")
        assert "s3cret" not in result.stdout + result.stderr
    assert "password=***" in outputs[0].stdout


@pytest.mark.postgres
def test_a_backup_of_a_server_store_never_follows_a_planted_link(
    postgres_server: PostgresServer, isolated: Path, tmp_path: Path
) -> None:
    env = {"MINSHI_DB": postgres_server.url(postgres_server.new_database())}
    assert minshi("db", "migrate", env=env).returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = isolated / "out"
    out.mkdir()
    _plant(out, "copy.db", victim)
    accepted(minshi("db", "backup", str(out / "copy.db"), env=env), "1 -o")
    assert victim.read_text() == "precious\n"
    assert {p.name for p in out.iterdir() if not p.is_symlink()} == {"copy.db"}


# ---------------------------------------------------------------------------------------------
# 4. A minshi.toml that another user owns or may change is refused, never believed


def _config(folder: Path, planted: Path) -> Path:
    path = folder / "minshi.toml"
    path.write_text(f'db = "{planted}"\n', encoding="utf-8")
    path.chmod(0o644)
    return path


CONFIG_ATTACKS = {
    "world-writable": lambda path: path.chmod(0o666),
    "group-writable": lambda path: path.chmod(0o664),
    "another user's": lambda path: os.chown(path, 65534, 65534),
    "another user's link to one of mine": lambda path: (
        path.rename(path.with_name("mine.toml")),
        path.symlink_to(path.with_name("mine.toml")),
        os.lchown(path, 65534, 65534),
    ),
}


@pytest.mark.parametrize("attack", CONFIG_ATTACKS)
@pytest.mark.parametrize("where", ["here", "a parent folder"])
def test_a_configuration_others_may_have_written_is_refused(
    attack: str, where: str, isolated: Path, tmp_path: Path
) -> None:
    planted = tmp_path / "planted.db"
    folder = isolated if where == "here" else tmp_path  # tmp_path holds isolated
    path = _config(folder, planted)
    CONFIG_ATTACKS[attack](path)
    db = isolated / "progress.db"
    before = journal(db)
    for command in (("progress", "update", "16", "--value", "1"), ("list",), ("config",)):
        line = refused(minshi(*command, env={"MINSHI_DB": ""}), 3, "4 configuration")
        assert line.startswith(f"minshi: error: {path}: ")
        assert "others may change it" in line or "belongs to another user (uid 65534)" in line
    assert not planted.exists() and journal(db) == before


def test_a_configuration_of_ones_own_is_believed(isolated: Path, tmp_path: Path) -> None:
    store = tmp_path / "office.db"
    _config(tmp_path, store)
    accepted(
        minshi("progress", "update", "16", "--value", "1", env={"MINSHI_DB": ""}), "4 configuration"
    )
    assert store.exists()


# ---------------------------------------------------------------------------------------------
# 5. Numbers that are not what they look like are refused, on the command line and in files

NOT_NUMBERS = {
    "0e-999999": "is not a number",
    "1e-99999999": "is not a number",
    "1e3": "is not a number",
    "1,2,3": "commas go between groups of three digits",
    "12,34": "commas go between groups of three digits",
    "4 0": "spaces go only between groups of three digits",
    "12 34": "spaces go only between groups of three digits",
    "1.234 5": "spaces go only between groups of three digits",
    "४०": "is not a number",  # Devanagari digits
    "٤٠": "is not a number",  # Arabic-Indic digits
    "𝟒𝟎": "is not a number",  # mathematical bold digits
    "0x28": "is not a number",
    "4_0": "is not a number",
    "9" * 5000: "is far too large",
    "0." + "0" * 40 + "1": "more than 12 digits after the decimal point",
}


@pytest.mark.parametrize("text", NOT_NUMBERS, ids=lambda t: t if len(t) < 20 else f"{len(t)} chars")
@pytest.mark.parametrize("option", ["--value", "--invested", "--allocated"])
def test_a_number_that_is_not_what_it_looks_like_is_refused(
    text: str, option: str, isolated: Path
) -> None:
    db = isolated / "progress.db"
    before = journal(db)
    args = ["progress", "update", "20", "--value", "100", "--date", "2024-06-30"]
    args = [*args, option, text] if option != "--value" else [*args[:3], option, text, *args[5:]]
    line = refused(minshi(*args), 2, "5 numbers")
    assert NOT_NUMBERS[text] in line and len(line) < 300
    assert journal(db) == before


@pytest.mark.parametrize("column", ["value", "invested"])
@pytest.mark.parametrize("text", ["0e-999999", "1,2,3", "4 0", "४०"])
def test_a_number_in_a_file_that_is_not_what_it_looks_like_is_refused(
    text: str, column: str, isolated: Path
) -> None:
    row = {"value": "100", "invested": "1"} | {column: text}
    path = _csv(
        isolated, f"task,value,date,invested\n20,{row['value']},2024-06-30,{row['invested']}\n"
    )
    db = isolated / "progress.db"
    before = journal(db)
    refused(minshi("progress", "import", str(path)), 2, "5 numbers")
    assert journal(db) == before


@pytest.mark.parametrize(
    ("text", "stored"), [("1 200", 1200), ("1,200", 1200), ("１，２００", 1200), ("-0", 0)]
)
def test_a_number_written_as_people_write_it_is_stored_in_its_one_form(
    text: str, stored: int, isolated: Path
) -> None:
    result = minshi("progress", "update", "20", "--value", text, "--date", "2024-06-30")
    accepted(result, "5 numbers")
    assert f"→ {stored} 个" in result.stdout and "-0 个" not in result.stdout
    (entry,) = json.loads(minshi("progress", "log", "-f", "json").stdout)
    assert entry["value"] == stored


def test_the_library_refuses_a_zero_a_million_digits_long(isolated: Path) -> None:
    from datetime import date
    from decimal import Decimal

    from minshi import InputError
    from minshi.store import NewEntry

    db = isolated / "progress.db"
    new = NewEntry(notice="wanzhou-2024", task=16, metric="老旧小区", date=date(2024, 6, 30))
    with open_store(db, create=True) as store:
        for number in ("0E-999999", "0E-13"):
            with pytest.raises(InputError, match="after the decimal point"):
                store.add([new._replace(value=Decimal(number))])
        with pytest.raises(InputError, match="longer than 2000"):
            store.add([new._replace(value=Decimal(1), note="x" * 2001)])
    CASES["5 numbers", "refused"] += 3


# ---------------------------------------------------------------------------------------------
# 9. (more) Far too long a word is one short line; a store that is not a file is exit 3

LONG = "9" * 5000


@pytest.mark.parametrize(
    "args",
    [
        ("progress", "update", "16", "--metric", LONG, "--value", "1"),
        ("progress", "update", LONG, "--value", "1"),
        ("progress", "update", "16", "--value", "1", "--date", LONG),
        ("progress", "update", "16", "--value", "1", "--notice", LONG),
        ("show", LONG),
        ("list", "--lead", LONG),
        ("report", "--as-of", LONG),
    ],
    ids=lambda a: " ".join(a).replace(LONG, "<5,000 digits>"),
)
def test_a_word_far_too_long_is_named_by_its_beginning_and_length(
    args: tuple[str, ...], isolated: Path
) -> None:
    result = minshi(*args)
    line = refused(result, 2, "9 unexpected")
    assert len(result.stderr) < 500 and "(5,0" in line and "characters)" in line


def test_a_terminal_width_far_too_large_is_no_width(isolated: Path) -> None:
    accepted(minshi("list", env={"COLUMNS": LONG}), "9 unexpected")


@pytest.mark.parametrize("what", ["/dev/null", "/dev/zero", "fifo"])
@pytest.mark.parametrize(
    "args", [("list",), ("db", "check"), ("progress", "update", "16", "--value", "1")]
)
def test_a_store_that_is_not_a_file_is_refused_and_nothing_is_put_beside_it(
    what: str, args: tuple[str, ...], isolated: Path
) -> None:
    path = Path(what) if what.startswith("/") else isolated / what
    if what == "fifo":
        os.mkfifo(path)

    def beside() -> set[str]:  # the store's journal (-journal, -wal) would be named after it
        return {p.name for p in path.parent.iterdir() if p.name.startswith(path.name)}

    before = beside()
    line = refused(minshi(*args, env={"MINSHI_DB": str(path)}), 3, "7 not a file")
    assert line.endswith(f"the store {path} is not a regular file (a device, a pipe or a socket)")
    assert beside() == before  # no /dev/null-journal


def test_a_password_in_a_fragment_is_not_shown(isolated: Path) -> None:
    address = f"postgresql://clerk@127.0.0.1:{free_port()}/minshi#password=s3cret"
    for command in (("list",), ("config",)):
        result = minshi("--db", address, *command)
        assert "s3cret" not in result.stdout + result.stderr
        assert "#***" in result.stdout + result.stderr
    CASES["8 secrets", "refused"] += 1


# ---------------------------------------------------------------------------------------------
# 10. What a file or a pipe carries is never obeyed: control characters, Markdown, formulas

CONTROL_NOTE = "a\x1b]0;pwn\x07b\x1b[31mred\x9b31m\u202eevil\r!"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r!")


@pytest.fixture
def controlled(isolated: Path) -> Path:
    for args in (
        ("16", "--value", "40", "--date", "2024-06-30", "--note", CONTROL_NOTE, "--by", "x y"),
        ("20", "--metric", "其芳小学", "--date", "2024-06-30", "--stage", "\x1b[2J主体"),
    ):
        assert minshi("progress", "update", *args).returncode == 0
    return isolated


@pytest.mark.parametrize("name", ["x\x1by", "   ", "\u200b", "a\nb", "a\u2028b", "\ufeff张"])
def test_a_name_that_does_not_show_is_refused(name: str, isolated: Path) -> None:
    result = minshi("progress", "update", "16", "--value", "40", "--date", "2024-06-30",
                    "--by", name)  # fmt: skip
    assert "blank or holds characters that do not show" in refused(result, 2, "12 smaller")
    assert minshi("progress", "log", "-f", "json").stdout.strip() == "[]"


CARRIERS = {
    "report -o r.csv": (("report", "--as-of", "2024-07-01", "-f", "csv", "-o", "out"), "out"),
    "report csv to a pipe": (("report", "--as-of", "2024-07-01", "-f", "csv"), None),
    "progress log csv to a pipe": (("progress", "log", "-f", "csv"), None),
    "progress export to a pipe": (("progress", "export"), None),
    "progress export -o": (("progress", "export", "-o", "out"), "out"),
    "show csv": (("show", "16", "-f", "csv"), None),
    "progress log json": (("progress", "log", "-f", "json"), None),
    "report json": (("report", "--as-of", "2024-07-01", "-f", "json"), None),
    "report markdown": (("report", "--as-of", "2024-07-01", "-f", "markdown"), None),
}


@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_file_or_a_pipe_never_carries_a_raw_control_character(
    carrier: str, controlled: Path
) -> None:
    args, out = CARRIERS[carrier]
    result = minshi(*args)
    accepted(result, "10 output")
    text = (controlled / out).read_text(encoding="utf-8-sig") if out else result.stdout
    for ch in RAW:
        assert ch not in text, (ch, text[:500])
    if carrier == "progress log json":  # the data itself is kept whole, only written escaped
        assert CONTROL_NOTE in [e["note"] for e in json.loads(text)]


MARKDOWN_NOTES = {
    "[x](javascript:alert(1))": ("[x](javascript:", "\\[x\\](javascript:alert(1))"),
    "**粗体** _斜体_ `代码` ~~删除~~": ("**粗体**", "\\*\\*粗体\\*\\*"),
    "<img src=x onerror=alert(1)>": ("<img", "&lt;img"),
}


@pytest.mark.parametrize("note", MARKDOWN_NOTES)
def test_markdown_shows_what_a_note_says_and_never_acts_on_it(note: str, isolated: Path) -> None:
    args = ("16", "--value", "40", "--date", "2024-06-30", "--note", note)
    assert minshi("progress", "update", *args).returncode == 0
    result = minshi("report", "--as-of", "2024-07-01", "-f", "markdown")
    accepted(result, "10 output")
    live, shown = MARKDOWN_NOTES[note]
    assert live not in result.stdout and shown in result.stdout


@pytest.mark.parametrize(
    ("text", "shown"),
    [("# 标题", "\\# 标题"), ("- 一项", "\\- 一项"), ("1. 一", "1\\. 一"), ("> 引", "&gt; 引")],
)
def test_markdown_text_never_starts_a_heading_a_list_or_a_quote(text: str, shown: str) -> None:
    from minshi.render.text import markdown_cell

    assert markdown_cell(text) == shown


@pytest.mark.parametrize("note", ["'=abc", "=1+2", "''=x", "@SUM(A1)", "-2+3", "'plain"])
def test_export_then_import_gives_back_every_note_as_written(
    note: str, isolated: Path, tmp_path: Path
) -> None:
    args = ("16", "--value", "40", "--date", "2024-06-30", "--note", note)
    assert minshi("progress", "update", *args).returncode == 0
    assert minshi("progress", "export", "-o", "e.csv").returncode == 0
    other = tmp_path / "other.db"
    accepted(minshi("progress", "import", "e.csv", env={"MINSHI_DB": str(other)}), "10 output")
    log = minshi("progress", "log", "-f", "json", env={"MINSHI_DB": str(other)})
    assert [e["note"] for e in json.loads(log.stdout)] == [note]


# ---------------------------------------------------------------------------------------------
# 12. Smaller ones: JSON in one line when piped, bounded names, -0, Ctrl-C, closed output


def test_json_piped_or_written_is_one_line(reported: Path, isolated: Path) -> None:
    for args in (
        ("report", "-f", "json"),
        ("list", "-f", "json"),
        ("progress", "log", "-f", "json"),
    ):
        result = minshi(*args)
        accepted(result, "12 smaller")
        assert result.stdout.count("\n") == 1 and result.stdout.endswith("\n")
    accepted(minshi("report", "-f", "json", "-o", "r.json"), "12 smaller")
    assert (isolated / "r.json").read_text(encoding="utf-8").count("\n") == 1


@pytest.mark.usefixtures("reported")
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("progress", "update", "16", "--value", "41", "--by", "x" * 120_000), "the name (by)"),
        (("progress", "update", "16", "--value", "41", "--by", "x" * 101), "the name (by)"),
        (("progress", "update", "20", "--metric", "其芳小学", "--stage", "x" * 3000), "the stage"),
        (("progress", "update", "16", "--value", "41", "--note", "x" * 2001), "the note"),
        (("progress", "verify", "1", "--by", "x" * 101), "the name (by)"),
        (("progress", "return", "1", "--reason", "r", "--by", "x" * 101), "the name (by)"),
        (("progress", "undo", "1", "--by", "x" * 101), "the name (by)"),
    ],
    ids=lambda a: " ".join(a)[:40] if isinstance(a, tuple) else a,
)
def test_a_name_or_a_text_longer_than_its_bound_is_refused_naming_it(
    args: tuple[str, ...], says: str, isolated: Path
) -> None:
    db = isolated / "progress.db"
    before = journal(db)
    line = refused(minshi(*args), 2, "12 smaller")
    assert says in line and "longer than" in line and len(line) < 300
    assert journal(db) == before


@pytest.mark.parametrize(
    "args",
    [("report",), ("report", "-f", "xlsx"), ("progress", "export"), ("list", "-f", "json")],
    ids=" ".join,
)
def test_output_to_a_closed_standard_output_is_exit_3(
    args: tuple[str, ...], isolated: Path
) -> None:
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "minshi", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=lambda: os.close(1),  # noqa: PLW1509 - the one way to start without stdout
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        "minshi: error: standard output is closed: the output could not be written (give -o "
        "FILE, or send it to a file or a pipe)\n"
    )
    CASES["12 smaller", "refused"] += 1


def test_output_to_a_full_device_is_exit_3(isolated: Path) -> None:
    import sys

    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "minshi", "report"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=TIMEOUT,
        )
    assert result.returncode == 3 and "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    CASES["12 smaller", "refused"] += 1


@pytest.mark.postgres
def test_ctrl_c_while_waiting_for_another_writer_says_so_and_writes_nothing(
    postgres_server: PostgresServer, isolated: Path
) -> None:
    import signal
    import sys

    import psycopg

    from minshi.store.postgres_schema import WRITE_LOCK

    url = postgres_server.url(postgres_server.new_database())
    env = {**os.environ, "MINSHI_DB": url, "MINSHI_BUSY_TIMEOUT": str(TIMEOUT * 2)}
    assert minshi("db", "migrate", env={"MINSHI_DB": url}).returncode == 0
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK])  # another writer, at work
        update = subprocess.Popen(
            [sys.executable, "-m", "minshi", "progress", "update", "16", "--value", "40"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            while holder.execute(waiting).fetchone() == (0,):  # until it waits for the lock
                assert update.poll() is None, update.communicate()
            update.send_signal(signal.SIGINT)
            out, err = update.communicate(timeout=TIMEOUT)
        finally:
            update.kill()
    assert (update.returncode, out, err) == (130, "", "minshi: interrupted\n")
    assert json.loads(minshi("progress", "log", "-f", "json", env={"MINSHI_DB": url}).stdout) == []
    CASES["12 smaller", "refused"] += 1
