"""A throwaway PostgreSQL cluster for the tests: one per session, on a free localhost port.

Started by the `postgres_server` fixture (tests/conftest.py); with pytest-xdist each worker is a
session of its own, with its own cluster, folder and port. `scripts/test.sh` installs the server;
where it is missing, a test needing it fails saying so (it is never skipped).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest


class PostgresServer:
    """A throwaway PostgreSQL cluster on a free localhost port, for this test session."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.user = "postgres"  # the cluster's superuser
        self.databases = 0
        # PostgreSQL refuses to run as root: run it as an unprivileged OS user
        self.os_user = None
        if os.geteuid() == 0:
            import pwd

            names = {p.pw_name for p in pwd.getpwall()}
            self.os_user = "postgres" if "postgres" in names else "nobody"
            shutil.chown(root, self.os_user)

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.os_user is not None:
            command = ["runuser", "-u", self.os_user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        data = self.root / "data"
        self.run(
            "initdb",
            "-D",
            str(data),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        log = self.root / "log"
        # The port was free when chosen, but another process (another xdist worker starting its
        # own cluster, say) may bind it first: then the server starts again on another one.
        for attempt in range(1, 6):
            logged = log.stat().st_size if log.exists() else 0
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
                " -c fsync=off -c full_page_writes=off -c max_connections=60"
            )
            try:
                self.run(
                    "pg_ctl",
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                return
            except RuntimeError:
                taken = False
                if log.exists():
                    with log.open("rb") as f:
                        f.seek(logged)
                        taken = b"could not bind" in f.read()
                if not taken or attempt == 5:
                    raise
                self.port = free_port()

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{database}"

    def sql(
        self, statement: str, database: str = "postgres", params: object = None
    ) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(statement, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def new_database(self) -> str:
        self.databases += 1
        name = f"journal_{self.databases}"
        self.sql(f"CREATE DATABASE {name}")
        return name


def postgres_bindir() -> Path:
    for initdb in sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    ):
        return initdb.parent
    found = shutil.which("initdb")
    if found is None:
        pytest.fail("PostgreSQL's server is not installed: bash scripts/test.sh installs it")
    return Path(found).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
