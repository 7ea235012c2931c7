"""Every test runs against its own copy of the bundled notice and its own empty store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.pgserver import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "targets_2024.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty SQLite store, made once: each test gets a copy."""
    from minshi.store import open_store

    path = tmp_path_factory.mktemp("empty-store") / "progress.db"
    store = open_store(path, create=True)
    store.migrate()
    store.close()
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_store: Path) -> Iterator[Path]:
    """MINSHI_DATA, MINSHI_DB and the cache point into tmp_path; the user's files are never seen.

    The store MINSHI_DB names exists, empty, as after `minshi db migrate`: a store the user
    names must exist to be read (only the default store may be missing before the first report).
    """
    home = tmp_path / "env"
    home.mkdir()
    data = home / "targets_2024.yaml"
    shutil.copy(BUNDLED, data)
    shutil.copy(empty_store, home / "progress.db")
    monkeypatch.setenv("MINSHI_DATA", str(data))
    monkeypatch.setenv("MINSHI_DB", str(home / "progress.db"))
    monkeypatch.setenv("MINSHI_CACHE", str(home / "cache"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(home)
    yield home


@pytest.fixture
def data_file(isolated: Path) -> Path:
    return isolated / "targets_2024.yaml"


@pytest.fixture
def db_file(isolated: Path) -> Path:
    return isolated / "progress.db"


Invoke = Callable[..., Result]


@pytest.fixture
def cli() -> Invoke:
    """Run minshi in-process, like a user would type it: cli("list", "--lead", "区城市管理局")."""
    from minshi.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def python(code: str, *args: str) -> subprocess.Popen[str]:
    """A Python process running `code` with this checkout's minshi, started in the background
    (the writers and readers of the concurrency and load tests)."""
    src = str(ROOT / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def python_script(path: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    """Run a Python script with this checkout's minshi importable, as a user's script runs."""
    src = str(ROOT / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        env=env,
        **kw,  # type: ignore[arg-type]
    )


def run_minshi(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    """Run minshi as a real process (for concurrency, signals and terminals)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "minshi", *args],
        capture_output=True,
        text=True,
        env=full_env,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL cluster, started once for every module that asks for it."""
    # not under pytest's tmp folder: that is private to root, and the server runs as another user
    root = Path(tempfile.mkdtemp(prefix="minshi-pg-"))
    server = PostgresServer(root)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty store of each backend lives."""
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.url(server.new_database())
    return str(tmp_path / "journal" / "progress.db")
