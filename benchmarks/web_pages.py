#!/usr/bin/env python3
"""Web page benchmark: every signed-in page, rendered on every request, under gunicorn.

    .venv/bin/python benchmarks/web_pages.py [--database sqlite|postgres|both]

For each database: a throw-away data folder and database, migrations, an organisation of
10,000 members in 500 teams whose first team has a programme (series, sessions, RSVPs,
an analysed repository of 5,000 files), `peerlearn serve`'s gunicorn command on
127.0.0.1 with one extra page (the signed-in empty layout, the baseline; see
_bench_urls.py), a member signed in, then wrk against the layout and each page in
interleaved rounds. Targets (issue 9): p95 <= 50 ms at 8 connections, and server CPU
per request at most 3 x the layout's, measured in the same run. The figures replace the
results block of the "Web pages" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    ROOT,
    WrkResult,
    check_page,
    gunicorn,
    machine_description,
    replace_results,
    seed,
    throwaway_environment,
    wrk,
)

# A run counts when each worker used at least this share of the mean worker's CPU.
BALANCED_SHARE = 0.5
MAX_ATTEMPTS = 6
CPU_TARGET = 3.0  # server CPU per request, as a multiple of the signed-in empty layout's
P95_TARGET_MS = 50.0
PAGES = ("dashboard", "team", "members", "sessions", "series", "session", "repository")
REPORT = ROOT / "docs" / "benchmarks.md"


def worker_cpu_used(before: dict[int, float], after: dict[int, float]) -> list[float]:
    """CPU seconds each worker (by process id) used between two readings."""
    return [seconds - before.get(pid, 0.0) for pid, seconds in after.items()]


def workers_balanced(before: dict[int, float], after: dict[int, float]) -> bool:
    """Whether every worker used at least BALANCED_SHARE of the mean worker's CPU."""
    used = worker_cpu_used(before, after)
    return not used or min(used) >= BALANCED_SHARE * sum(used) / len(used)


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    queries: int
    rounds: list[WrkResult]

    @property
    def median(self) -> WrkResult:
        """The round with the median requests/s (its latencies are that round's)."""
        ordered = sorted(self.rounds, key=lambda result: result.rps)
        return ordered[len(ordered) // 2]

    @property
    def worst_p95_ms(self) -> float:
        return max(result.p95_ms for result in self.rounds)

    @property
    def server_cpu_ms(self) -> float:
        requests = sum(result.requests for result in self.rounds)
        total = sum(result.server_cpu_ms * result.requests for result in self.rounds)
        return total / max(requests, 1)


@dataclass(frozen=True)
class DatabaseRun:
    database: str
    generate_seconds: float
    layout: PageResult
    pages: list[PageResult]
    discarded: dict[str, int]  # runs thrown away for unbalanced workers, per URL
    repository_files: int
    load_before: float
    load_after: float


def measure(database: str, args: argparse.Namespace) -> DatabaseRun:
    over_socket = database == "postgres" and args.postgres_socket
    with throwaway_environment(database, postgres_socket=over_socket) as env:
        print(f"[{database}] migrating and generating the organisation", flush=True)
        load_before = os.getloadavg()[0]
        made = seed(env)
        # What a browser sends once it has seen a page: the session and the CSRF cookie.
        cookie = f"sessionid={made['session_key']}; csrftoken={made['csrf_secret']}"
        layout, pages, discarded = serve_and_measure(database, env, made, cookie, args)
    return DatabaseRun(
        database,
        made["generate_seconds"],
        layout,
        pages,
        discarded,
        repository_files=made["repository_files"],
        load_before=load_before,
        load_after=os.getloadavg()[0],
    )


# Text each page must contain for the run to count (a login page would be a fake win).
MUST_CONTAIN = {
    "layout": "Person 00000",
    "dashboard": "Team 000",
    "team": "Person 00001",
    "members": "Person 00001",
    "sessions": "Deep dive",
    "series": "Platform Lunch &amp; Learn",
    "session": "Deep dive",
    "repository": "Truck factor",
}


def serve_and_measure(
    database: str,
    env: dict[str, str],
    made: dict[str, Any],
    cookie: str,
    args: argparse.Namespace,
) -> tuple[PageResult, list[PageResult], dict[str, int]]:
    paths: dict[str, str] = made["paths"]
    names = ("layout", *PAGES)
    rounds: dict[str, list[WrkResult]] = {name: [] for name in names}
    discarded: dict[str, int] = {}
    with gunicorn(env, workers=args.workers, threads=args.threads) as server:
        base_url = server.base_url
        for name in names:
            check_page(base_url + paths[name], cookie, MUST_CONTAIN[name])

        def run(name: str, seconds: int) -> WrkResult:
            # wrk keeps its connections open, and which worker accepts each is decided
            # once: sometimes one worker gets all of them and the other idles, halving
            # requests/s whatever the page. Such a run measures the accept, not the page:
            # it is discarded (and counted) and run again.
            for _attempt in range(MAX_ATTEMPTS):
                workers_before = server.worker_cpu_seconds()
                cpu_before = server.cpu_seconds()
                result = wrk(
                    base_url + paths[name],
                    cookie,
                    seconds=seconds,
                    connections=args.connections,
                    threads=args.wrk_threads,
                )
                cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(result.requests, 1)
                workers_after = server.worker_cpu_seconds()
                if result.errors or result.bad_status:
                    raise SystemExit(f"[{database}] {name}: wrk saw errors: {result}")
                if workers_balanced(workers_before, workers_after):
                    break
                discarded[name] = discarded.get(name, 0) + 1
                used = worker_cpu_used(workers_before, workers_after)
                print(
                    f"[{database}] {name}: unbalanced workers "
                    f"{[round(seconds, 2) for seconds in used]} CPU s, again",
                    flush=True,
                )
            result = dataclasses.replace(result, server_cpu_ms=cpu_ms)
            print(
                f"[{database}] {name:<10} {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:6.2f} ms  p95 {result.p95_ms:6.2f} ms  "
                f"server CPU {result.server_cpu_ms:5.2f} ms/request",
                flush=True,
            )
            return result

        for name in names:
            run(name, args.warmup)  # load code and templates in every process
        # Rounds alternate the layout and the pages, so a slow spell of the shared machine
        # hits all of them alike.
        for _ in range(args.rounds):
            for name in names:
                rounds[name].append(run(name, args.seconds))
    queries = made["queries"]
    results = {name: PageResult(name, paths[name], queries[name], rounds[name]) for name in names}
    return results["layout"], [results[name] for name in PAGES], discarded


def cpu_ratio(page: PageResult, layout: PageResult) -> float:
    return page.server_cpu_ms / max(layout.server_cpu_ms, 1e-9)


def verdict(page: PageResult, layout: PageResult) -> str:
    if page.median.requests == 0:
        return "missed: no request completed within the round"
    misses = []
    if page.median.p95_ms > P95_TARGET_MS:
        misses.append(f"p95 {page.median.p95_ms:.1f} > {P95_TARGET_MS:.0f} ms")
    ratio = cpu_ratio(page, layout)
    if ratio > CPU_TARGET:
        misses.append(f"CPU {ratio:.1f} x > {CPU_TARGET:.0f} x layout")
    return "met" if not misses else "missed: " + ", ".join(misses)


def render(runs: list[DatabaseRun], args: argparse.Namespace, command: str) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Latest run: {today}, on {machine_description()}.",
        "",
        f"Command: `{command}`",
        "",
        f"gunicorn: {args.workers} workers x {args.threads} threads (the command "
        f"`peerlearn serve` runs, access log on); wrk: {args.wrk_threads} threads, "
        f"{args.connections} connections, on the same machine (wrk and the server share the "
        f"cores). After a {args.warmup} s warm-up of each URL, {args.rounds} rounds of "
        f"{args.seconds} s per URL, alternating the layout and the pages; the table shows "
        "for each page the median round by requests/s (its p50, p95 and p99; the p95 target "
        "is judged on it) and the worst p95 of any round. Every request renders the page "
        "from the database, as the first request after a change does. "
        "Organisation: 10,000 members in 500 teams; the signed-in member is in 5 teams; "
        "their first team has a weekly series over two years (skips, moved and "
        "re-facilitated dates), 60 one-off sessions with RSVPs and an analysed repository "
        f"of {runs[0].repository_files:,} files. PostgreSQL is reached over "
        + ("its Unix socket." if args.postgres_socket else "loopback TCP."),
        "",
        "*Server CPU ms/request* is the CPU time of gunicorn's processes (not the database "
        "server's) over all rounds divided by the requests served: unlike requests/s it "
        "hardly changes when other work shares the machine. *layout* is the signed-in empty "
        "layout (sign-in check, session, person, base template with navigation; "
        "benchmarks/_bench_urls.py), the baseline: *CPU vs layout* is a page's server CPU per "
        f"request over the layout's (target <= {CPU_TARGET:.0f} x). *Queries* are per request.",
        "",
    ]
    for run in runs:
        lines += [
            f"### {'SQLite' if run.database == 'sqlite' else 'PostgreSQL'}",
            "",
            "| page | queries | requests/s (rounds) | p50 ms | p95 ms | worst p95 ms | "
            "p99 ms | server CPU ms/request | CPU vs layout | targets |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for page in (run.layout, *run.pages):
            shown = page.median
            every = ", ".join(f"{result.rps:.0f}" for result in page.rounds)
            is_layout = page is run.layout
            ratio = "1.0 x" if is_layout else f"{cpu_ratio(page, run.layout):.1f} x"
            target = "baseline" if is_layout else verdict(page, run.layout)
            lines.append(
                f"| {page.name} (`{page.path}`) | {page.queries} | {shown.rps:.0f} ({every}) | "
                f"{shown.p50_ms:.1f} | {shown.p95_ms:.1f} | {page.worst_p95_ms:.1f} | "
                f"{shown.p99_ms:.1f} | {page.server_cpu_ms:.2f} | {ratio} | {target} |"
            )
        lines += [
            "",
            "Runs discarded because one gunicorn worker got all of wrk's connections: "
            + (", ".join(f"{key} {count}" for key, count in run.discarded.items()) or "none")
            + ".",
            "",
            f"Generating the organisation took {run.generate_seconds} s. Load average "
            f"(1 min) {run.load_before:.1f} before and {run.load_after:.1f} after this "
            "database's runs (anything above 2 means other work shared the cores).",
            "",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per URL and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all URLs")
    parser.add_argument("--warmup", type=int, default=3, help="wrk warm-up per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument(
        "--postgres-socket",
        action="store_true",
        help="reach PostgreSQL over its Unix socket instead of loopback TCP",
    )
    parser.add_argument("--no-report", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    command = shlex.join([".venv/bin/python", "benchmarks/web_pages.py", *sys.argv[1:]])
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    runs = [measure(database, args) for database in databases]
    report = render(runs, args, command)
    print(report)
    if not args.no_report:
        document = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
        REPORT.write_text(replace_results(document, "Web pages", report))
        print(f"Updated {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
