#!/usr/bin/env python3
"""Web page benchmark: dashboard and team page against a bare Django view, under gunicorn.

    .venv/bin/python benchmarks/web_pages.py [--database sqlite|postgres|both]

For each database: a throw-away data folder and database, migrations, an organisation of
10,000 members in 500 teams, `peerlearn serve`'s gunicorn command on 127.0.0.1 with the
bare view switched on, a member signed in, then wrk against the bare view, the
dashboard, the team page and the bare view again; then the same on a second server with
the page cache off. The figures replace the results block of the "Web pages" section of
docs/benchmarks.md.
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
THROUGHPUT_TARGET = 0.50  # share of the bare view's requests/s
P95_TARGET_MS = 50.0
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
    def best(self) -> WrkResult:
        """The round with the most requests/s: the bare view's, as the baseline."""
        return max(self.rounds, key=lambda result: result.rps)

    @property
    def worst_p95_ms(self) -> float:
        return max(result.p95_ms for result in self.rounds)

    @property
    def server_cpu_ms(self) -> float:
        requests = sum(result.requests for result in self.rounds)
        total = sum(result.server_cpu_ms * result.requests for result in self.rounds)
        return total / max(requests, 1)


@dataclass(frozen=True)
class ServerRun:
    """One gunicorn server: the bare view and the pages, measured in interleaved rounds."""

    cached: bool
    bare: PageResult
    pages: list[PageResult]
    discarded: dict[str, int]  # runs thrown away for unbalanced workers, per URL


@dataclass(frozen=True)
class DatabaseRun:
    database: str
    generate_seconds: float
    servers: list[ServerRun]
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
        servers = [
            serve_and_measure(database, env, made, cookie, args, cached=True),
            serve_and_measure(
                database, {**env, "PEERLEARN_PAGE_CACHE_MB": "0"}, made, cookie, args, cached=False
            ),
        ]
    return DatabaseRun(
        database,
        made["generate_seconds"],
        servers,
        load_before=load_before,
        load_after=os.getloadavg()[0],
    )


def serve_and_measure(
    database: str,
    env: dict[str, str],
    made: dict[str, Any],
    cookie: str,
    args: argparse.Namespace,
    *,
    cached: bool,
) -> ServerRun:
    paths: dict[str, str] = made["paths"]
    # With the cache on: the layout and the pages as a returning visitor gets them. With it
    # off: the pages rendered on every request, as after any change or on a first visit.
    names = ("layout", "dashboard", "team") if cached else ("dashboard", "team")
    label = "cache on" if cached else "cache off"
    rounds: dict[str, list[WrkResult]] = {name: [] for name in ("bare", *names)}
    discarded: dict[str, int] = {}
    with gunicorn(env, workers=args.workers, threads=args.threads) as server:
        base_url = server.base_url
        check_page(base_url + paths["dashboard"], cookie, "Team 000")
        check_page(base_url + paths["team"], cookie, "Person 00000")
        check_page(base_url + paths["bare"], cookie, "ok")
        check_page(base_url + paths["layout"], cookie, "Person 00000")

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
                    f"[{database}, {label}] {name}: unbalanced workers "
                    f"{[round(seconds, 2) for seconds in used]} CPU s, again",
                    flush=True,
                )
            result = dataclasses.replace(result, server_cpu_ms=cpu_ms)
            print(
                f"[{database}, {label}] {name:<9} {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:6.2f} ms  p95 {result.p95_ms:6.2f} ms  "
                f"server CPU {result.server_cpu_ms:5.2f} ms/request",
                flush=True,
            )
            return result

        for name in rounds:
            run(name, args.warmup)  # load code and templates in every process
        # Rounds alternate the bare view and the pages, so a slow spell of the shared
        # machine hits all of them alike. The pages' median round is compared with the bare
        # view's best: a slow bare round must not flatter the pages.
        for _ in range(args.rounds):
            for name in rounds:
                rounds[name].append(run(name, args.seconds))
    queries = made["queries"]

    def result(name: str) -> PageResult:
        count = 0 if name == "bare" else queries[name][1] if cached else queries[name][0]
        return PageResult(name, paths[name], count, rounds[name])

    return ServerRun(cached, result("bare"), [result(name) for name in names], discarded)


def verdict(page: PageResult, bare: PageResult, cached: bool) -> str:
    if page.name == "layout":
        return "no target: the layout rendered every time"
    if not cached:
        return "reference: rendered on every request"
    ratio = page.median.rps / bare.best.rps
    misses = []
    if ratio < THROUGHPUT_TARGET:
        misses.append(f"throughput {ratio:.1%} < {THROUGHPUT_TARGET:.0%}")
    if page.median.p95_ms > P95_TARGET_MS:
        misses.append(f"p95 > {P95_TARGET_MS:.0f} ms")
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
        f"{args.seconds} s per URL, alternating the bare view and the pages; the table shows "
        "for each page the median round by requests/s (its p50, p95 and p99; the targets are "
        "judged on it) and the worst p95 of any round; for the bare view its best round, "
        "and *vs bare* is a page's median over that best round, so that a bare round slowed "
        "by the shared machine cannot flatter the pages. "
        "Organisation: 10,000 members in 500 teams; the signed-in member is in 5 teams. "
        "PostgreSQL is reached over "
        + ("its Unix socket." if args.postgres_socket else "loopback TCP."),
        "",
        "*Server CPU ms/request* is the CPU time of gunicorn's processes (not the database "
        "server's) over all rounds divided by the requests served: unlike requests/s it "
        "hardly changes when other work shares the machine. *layout* is the empty page "
        "layout for the signed-in member (session, user, base template), rendered on every "
        "request. *cache on* is `peerlearn serve` as shipped: a page is rendered once and "
        "then served from the page cache while nothing it shows changes (what a returning "
        "visitor gets); *cache off* (`PEERLEARN_PAGE_CACHE_MB=0`, a second server on the "
        "same database) renders every request, as after any change. *Queries* are per "
        "request in that mode.",
        "",
    ]
    for run in runs:
        lines += [
            f"### {'SQLite' if run.database == 'sqlite' else 'PostgreSQL'}",
            "",
            "| server | page | queries | requests/s (rounds) | p50 ms | p95 ms | worst p95 ms | "
            "p99 ms | vs bare | server CPU ms/request | targets |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for server in run.servers:
            label = "cache on" if server.cached else "cache off"
            for page in (server.bare, *server.pages):
                shown = page.best if page is server.bare else page.median
                every = ", ".join(f"{result.rps:.0f}" for result in page.rounds)
                ratio = "—" if page is server.bare else f"{shown.rps / server.bare.best.rps:.0%}"
                target = (
                    "baseline" if page is server.bare else verdict(page, server.bare, server.cached)
                )
                name = "bare view" if page is server.bare else f"{page.name} (`{page.path}`)"
                lines.append(
                    f"| {label} | {name} | {page.queries} | {shown.rps:.0f} ({every}) | "
                    f"{shown.p50_ms:.1f} | {shown.p95_ms:.1f} | {page.worst_p95_ms:.1f} | "
                    f"{shown.p99_ms:.1f} | "
                    f"{ratio} | {page.server_cpu_ms:.2f} | {target} |"
                )
        thrown = {
            f"{'cache on' if server.cached else 'cache off'} {name}": count
            for server in run.servers
            for name, count in server.discarded.items()
        }
        lines += [
            "",
            "Runs discarded because one gunicorn worker got all of wrk's connections: "
            + (", ".join(f"{key} {count}" for key, count in thrown.items()) or "none")
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
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per URL and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all URLs")
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
