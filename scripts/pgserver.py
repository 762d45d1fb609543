#!/usr/bin/env python3
"""Start a throw-away PostgreSQL server on loopback, run a command against it, stop it.

    python scripts/pgserver.py run -- pytest -q

The command sees DATABASE_URL pointing at the new server. The cluster lives in a
temporary folder and is removed afterwards. Runs initdb as the `postgres` user when
started as root (initdb refuses root).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def find_bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name.split(".")[0]),
    )
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    sys.exit("PostgreSQL 15+ server binaries not found: install postgresql (Debian) first.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    """A throw-away cluster on loopback that can be stopped and started again on the same
    port and data (tests of what an application survives use that as a server restart)."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="peerlearn-pg-"))
        self.data, self.sockets = self.root / "data", self.root / "sockets"
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self.port = free_port()
        self.log = self.root / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin_dir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale",
                    "C",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            _as_postgres(
                [
                    str(self.bin_dir / "postgres"),
                    "-D",
                    str(self.data),
                    "-k",
                    str(self.sockets),
                    "-p",
                    str(self.port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                ]
            ),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while (
            subprocess.run(
                [
                    str(self.bin_dir / "pg_isready"),
                    "-q",
                    "-U",
                    "postgres",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                ],
                check=False,
            ).returncode
            != 0
        ):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        """A fast shutdown (SIGINT): every connection is closed, as in a restart."""
        if self.process is None:
            return
        # To the postmaster itself: runuser (when started as root) does not pass SIGINT on.
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            postmaster = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, database: str) -> str:
        subprocess.run(
            [
                str(self.bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                database,
            ],
            check=True,
        )
        return self.url(database)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresServer]:
    """A running PostgresServer, removed afterwards."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@contextlib.contextmanager
def postgres_server(database: str = "peerlearn") -> Iterator[str]:
    with postgres_cluster() as server:
        yield server.create_database(database)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run a command with DATABASE_URL set to a fresh server")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    with postgres_server() as url:
        print(f"PostgreSQL ready at {url}", flush=True)
        return subprocess.call(command, env={**os.environ, "DATABASE_URL": url})


if __name__ == "__main__":
    sys.exit(main())
