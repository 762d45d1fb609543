"""Shared parts of the web benchmarks: throw-away databases, gunicorn, wrk, the report.

Nothing here imports Django: each database gets its own child processes (seeding and
gunicorn) whose environment names it, so one run can measure SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from peerlearn.cli import gunicorn_command  # no Django import: safe before settings exist

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
WRK_SCRIPT = BENCHMARKS / "_harness_wrk.lua"


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int
    bad_status: int
    server_cpu_ms: float = 0.0  # gunicorn CPU time per request, filled in by the caller


def _load_pgserver() -> Any:
    spec = importlib.util.spec_from_file_location("pgserver", ROOT / "scripts" / "pgserver.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def throwaway_environment(
    database: str, *, postgres_socket: bool = False
) -> Iterator[dict[str, str]]:
    """A fresh data folder, and a fresh database of the given kind, for one run.

    PostgreSQL is reached over loopback TCP, or with `postgres_socket` over the Unix
    socket the throw-away server also listens on (as a one-machine install would)."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"peerlearn-bench-{database}-"))
    env = {
        **os.environ,
        "PEERLEARN_DATA_DIR": str(data_dir),
        "PEERLEARN_SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "PEERLEARN_LOG_LEVEL": "WARNING",
        # peerlearn's settings plus the baseline page (benchmarks/_bench_settings.py).
        "DJANGO_SETTINGS_MODULE": "_bench_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(BENCHMARKS), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    env.pop("DATABASE_URL", None)
    try:
        if database == "postgres":
            with _load_pgserver().postgres_server("peerlearn_bench") as url:
                if postgres_socket:
                    url += "?host=" + _socket_folder(url)
                yield {**env, "DATABASE_URL": url}
        else:
            yield env
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _socket_folder(url: str) -> str:
    """The folder of the throw-away server's Unix socket (scripts/pgserver.py makes it)."""
    port = urlsplit(url).port
    found = glob.glob(f"{tempfile.gettempdir()}/peerlearn-pg-*/sockets/.s.PGSQL.{port}")
    if len(found) != 1:
        raise SystemExit(f"cannot tell the socket of the PostgreSQL server on port {port}")
    return str(Path(found[0]).parent)


def seed(env: dict[str, str]) -> dict[str, Any]:
    """Migrate and generate the organisation; returns what _harness_seed.py made."""
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "_harness_seed.py")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if completed.returncode != 0:
        raise SystemExit(f"seeding failed:\n{completed.stdout}\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base_url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers (not the database's)."""
        return process_tree_cpu_seconds(self.pid)

    def worker_cpu_seconds(self) -> dict[int, float]:
        """CPU time used so far by each worker process, by process id."""
        return {pid: process_tree_cpu_seconds(pid) for pid in child_pids(self.pid)}


def child_pids(parent: int) -> list[int]:
    found = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat_path.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat_path.parent.name))
    return sorted(found)


def process_tree_cpu_seconds(root: int) -> float:
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # Fields after the ")" that ends the command name: state, ppid, ... utime, stime.
            fields = stat_path.read_text().rsplit(")", 1)[1].split()
            pid = int(stat_path.parent.name)
            parents[pid] = int(fields[1])
            times[pid] = int(fields[11]) + int(fields[12])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int) -> Iterator[Server]:
    """`peerlearn serve`'s gunicorn command on loopback."""
    port = free_port()
    log_path = Path(env["PEERLEARN_DATA_DIR"]) / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            gunicorn_command("127.0.0.1", port, workers, threads),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base_url, server, log_path)
            yield Server(base_url, server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log_path.read_text()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 30 s:\n{log_path.read_text()}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_page(url: str, cookie: str, must_contain: str) -> int:
    """Fetch once without following redirects: a 302 to the login page would be a fake win."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with opener.open(request, timeout=10) as response:
            body = response.read().decode()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}, not 200") from None
    if status != 200 or must_contain not in body:
        raise SystemExit(f"{url} answered {status} without {must_contain!r}")
    return len(body.encode())


def wrk(url: str, cookie: str, *, seconds: int, connections: int, threads: int) -> WrkResult:
    completed = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(WRK_SCRIPT),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    match = re.search(r"^PEERLEARN_RESULT (\{.*\})$", completed.stdout, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(match.group(1))
    return WrkResult(
        rps=data["rps"],
        p50_ms=data["p50_ms"],
        p95_ms=data["p95_ms"],
        p99_ms=data["p99_ms"],
        requests=data["requests"],
        errors=data["errors"],
        bad_status=data["bad_status"],
    )


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    wrk_version = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[0:1]
    return (
        f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, "
        f"Python {platform.python_version()}, {' '.join(wrk_version).split(' Copyright')[0]}"
    )


RESULTS_START = "<!-- web-pages-results:start -->"
RESULTS_END = "<!-- web-pages-results:end -->"


def replace_results(document: str, heading: str, results: str) -> str:
    """Put results between the markers in the `## heading` section, keeping the prose."""
    block = f"{RESULTS_START}\n{results.strip()}\n{RESULTS_END}"
    if RESULTS_START in document and RESULTS_END in document:
        before = document.split(RESULTS_START, 1)[0]
        after = document.split(RESULTS_END, 1)[1]
        return before + block + after
    return document.rstrip("\n") + f"\n\n## {heading}\n\n{block}\n"
