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
def test_a_symlink_in_place_of_the_output_is_replaced_not_written_through(
    isolated: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = isolated / "r.csv"
    link.symlink_to(victim)
    accepted(minshi("report", "--as-of", "2024-06-30", "-o", str(link)), "1 -o")
    assert victim.read_text() == "precious\n"
    assert not link.is_symlink() and link.read_text(encoding="utf-8-sig").startswith("序号")


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
