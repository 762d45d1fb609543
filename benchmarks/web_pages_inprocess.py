#!/usr/bin/env python3
"""The signed-in pages' CPU per request in process: Django's WSGI handler in a loop.

    .venv/bin/python benchmarks/web_pages_inprocess.py [--src LABEL=DIR ...]

For each source tree (default: this checkout's src/; give others, e.g. a `git archive`
of another branch, to compare them one after the other on the same machine): a
throw-away SQLite database seeded as benchmarks/web_pages.py seeds it
(_harness_seed.py: 10,000 members, a programme, an analysed repository of 5,000 files),
then in a child process that imports that tree: each page requested through
`WSGIHandler` with the signed-in member's cookies, 3 warm-up requests, then the best of
3 batches of 10 requests by process CPU time, and its queries counted on one request.
No server, no sockets: what is left is Django's and the page's own work, the figure the
gunicorn run's "server CPU ms/request" reads with the server's overhead added.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

PAGES = ("layout", "dashboard", "team", "members", "sessions", "series", "session", "repository")
BATCHES = 3
PER_BATCH = 10
WARM_UP = 3


def measure_here(made: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Run in the child: the figures per page for the tree this process imports."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    import peerlearn

    handler = WSGIHandler()
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={made['session_key']}; "
        f"{settings.CSRF_COOKIE_NAME}={made['csrf_secret']}"
    )

    def get(path: str) -> int:
        status: list[str] = []
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        body = handler(environ, lambda s, headers, exc_info=None: status.append(s))
        try:
            size = sum(len(chunk) for chunk in body)
        finally:
            getattr(body, "close", lambda: None)()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path} answered {status[0]}")
        return size

    figures: dict[str, dict[str, float]] = {}
    for name in PAGES:
        path = made["paths"][name]
        for _ in range(WARM_UP):
            get(path)
        executed: list[str] = []

        def count(run: Any, sql: str, *rest: Any, seen: list[str] = executed) -> Any:
            seen.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            size = get(path)
        best = min(_batch(get, path) for _ in range(BATCHES))
        figures[name] = {"queries": len(executed), "cpu_ms": best, "bytes": size}
    figures["_"] = {"source": peerlearn.__file__}  # type: ignore[dict-item]
    return figures


def _batch(get: Any, path: str) -> float:
    started = time.process_time()
    for _ in range(PER_BATCH):
        get(path)
    return (time.process_time() - started) * 1000 / PER_BATCH


def measure(label: str, src: Path) -> dict[str, dict[str, float]]:
    from _harness import BENCHMARKS, seed, throwaway_environment

    with throwaway_environment("sqlite") as env:
        env["PYTHONPATH"] = os.pathsep.join([str(src), str(BENCHMARKS)])
        print(f"[{label}] seeding from {src}", flush=True)
        made = seed(env)
        print(f"[{label}] measuring", flush=True)
        completed = subprocess.run(
            [sys.executable, __file__, "--child"],
            input=json.dumps(made),
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
    if completed.returncode != 0:
        raise SystemExit(f"[{label}] failed:\n{completed.stdout}\n{completed.stderr}")
    figures: dict[str, dict[str, float]] = json.loads(completed.stdout.strip().splitlines()[-1])
    source = str(figures.pop("_")["source"])
    if not source.startswith(str(src)):
        raise SystemExit(f"[{label}] imported {source}, not the tree under {src}")
    return figures


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    labels = list(results)
    head = "| page | " + " | ".join(
        f"{kind} {label}" for kind in ("queries", "CPU ms", "x layout") for label in labels
    )
    lines = [head + " |", "| --- |" + " ---: |" * (3 * len(labels))]
    for page in PAGES:
        cells = [str(int(results[label][page]["queries"])) for label in labels]
        cells += [f"{results[label][page]['cpu_ms']:.2f}" for label in labels]
        cells += [
            f"{results[label][page]['cpu_ms'] / results[label]['layout']['cpu_ms']:.1f}"
            for label in labels
        ]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--src",
        action="append",
        metavar="LABEL=DIR",
        help="a source tree to measure (its src/ folder); repeat to compare several",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_here(json.loads(sys.stdin.read()))))
        return 0
    here = Path(__file__).resolve().parent.parent / "src"
    sources = [item.partition("=") for item in args.src or [f"this={here}"]]
    print(f"load average {os.getloadavg()}", flush=True)
    results = {label: measure(label, Path(src).resolve()) for label, _, src in sources}
    print(f"load average {os.getloadavg()}", flush=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
