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

THROUGHPUT_TARGET = 0.50  # share of the bare view's requests/s
P95_TARGET_MS = 50.0
REPORT = ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    queries: int
    result: WrkResult
    cached: bool  # served by a server with the page cache on (False: rendered every time)


@dataclass(frozen=True)
class ServerRun:
    """One gunicorn server: the bare view before and after, and the pages between."""

    cached: bool
    pages: list[PageResult]
    bare_before: WrkResult
    bare_after: WrkResult

    @property
    def bare_rps(self) -> float:
        return (self.bare_before.rps + self.bare_after.rps) / 2


@dataclass(frozen=True)
class DatabaseRun:
    database: str
    generate_seconds: float
    servers: list[ServerRun]
    load_before: float
    load_after: float


def measure(database: str, args: argparse.Namespace) -> DatabaseRun:
    with throwaway_environment(database) as env:
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
    with gunicorn(env, workers=args.workers, threads=args.threads) as server:
        base_url = server.base_url
        check_page(base_url + paths["dashboard"], cookie, "Team 000")
        check_page(base_url + paths["team"], cookie, "Person 00000")
        check_page(base_url + paths["bare"], cookie, "ok")
        check_page(base_url + paths["layout"], cookie, "Person 00000")

        def run(name: str, seconds: int) -> WrkResult:
            cpu_before = server.cpu_seconds()
            result = wrk(
                base_url + paths[name],
                cookie,
                seconds=seconds,
                connections=args.connections,
                threads=args.wrk_threads,
            )
            cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(result.requests, 1)
            result = dataclasses.replace(result, server_cpu_ms=cpu_ms)
            if result.errors or result.bad_status:
                raise SystemExit(f"[{database}] {name}: wrk saw errors: {result}")
            print(
                f"[{database}, {label}] {name:<9} {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:6.2f} ms  p95 {result.p95_ms:6.2f} ms  "
                f"server CPU {result.server_cpu_ms:5.2f} ms/request",
                flush=True,
            )
            return result

        for name in ("bare", *names):
            run(name, args.warmup)  # load code and templates in every process
        bare_before = run("bare", args.seconds)
        queries = made["queries"]
        pages = [
            PageResult(
                name,
                paths[name],
                queries[name][1] if cached else queries[name][0],
                run(name, args.seconds),
                cached,
            )
            for name in names
        ]
        bare_after = run("bare", args.seconds)
    return ServerRun(cached, pages, bare_before, bare_after)


def verdict(page: PageResult, bare_rps: float) -> str:
    if page.name == "layout":
        return "no target: the layout rendered every time"
    if not page.cached:
        return "reference: rendered on every request"
    ratio = page.result.rps / bare_rps
    misses = []
    if ratio < THROUGHPUT_TARGET:
        misses.append(f"throughput {ratio:.0%} < {THROUGHPUT_TARGET:.0%}")
    if page.result.p95_ms > P95_TARGET_MS:
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
        f"{args.connections} connections, {args.seconds} s per page after a {args.warmup} s "
        "warm-up, on the same machine (wrk and the server share the cores). "
        "Organisation: 10,000 members in 500 teams; the signed-in member is in 5 teams.",
        "",
        "*Server CPU ms/request* is the CPU time of gunicorn's processes (not the database "
        "server's) during the run divided by the requests served: unlike requests/s it "
        "hardly changes when other work shares the machine. *layout* is the empty page "
        "layout for the signed-in member (session, user, base template), rendered on every "
        "request. *cache on* is `peerlearn serve` as shipped: a page is rendered once and "
        "then served from the page cache while nothing it shows changes (what a returning "
        "visitor gets); *cache off* (`PEERLEARN_PAGE_CACHE_MB=0`, a second server on the "
        "same database) renders every request, as after any change. Queries are per request "
        "in that mode.",
        "",
    ]
    for run in runs:
        lines += [
            f"### {'SQLite' if run.database == 'sqlite' else 'PostgreSQL'}",
            "",
            "| server | page | queries | requests/s | p50 ms | p95 ms | p99 ms | vs bare | "
            "server CPU ms/request | targets |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for server in run.servers:
            label = "cache on" if server.cached else "cache off"
            for name, result in (
                ("bare view, before", server.bare_before),
                ("bare view, after", server.bare_after),
            ):
                lines.append(
                    f"| {label} | {name} | 0 | {result.rps:.0f} | {result.p50_ms:.1f} | "
                    f"{result.p95_ms:.1f} | {result.p99_ms:.1f} | — | "
                    f"{result.server_cpu_ms:.2f} | baseline |"
                )
            for page in server.pages:
                result = page.result
                lines.append(
                    f"| {label} | {page.name} (`{page.path}`) | {page.queries} | "
                    f"{result.rps:.0f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | "
                    f"{result.p99_ms:.1f} | {result.rps / server.bare_rps:.0%} | "
                    f"{result.server_cpu_ms:.2f} | {verdict(page, server.bare_rps)} |"
                )
        lines += [
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
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--warmup", type=int, default=3, help="wrk warm-up per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
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
