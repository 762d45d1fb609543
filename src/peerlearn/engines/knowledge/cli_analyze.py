"""`peerlearn analyze REPO`: arguments, progress bar, errors as one line and exit status 2."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from .analysis import AnalysisOptions, analyze_repository
from .errors import KnowledgeError
from .exclusions import ExclusionRules
from .identity import AliasRules, IdentityOptions, parse_alias_rules
from .months import MonthSummary, last_months, month_summaries, summaries_to_list
from .report import WIDTH, find_people, parse_date, render_json, render_table
from .state import HistoryState


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", metavar="REPO", help="path to a git repository")
    parser.add_argument("--since", help="only count commits from this date (YYYY-MM-DD)")
    parser.add_argument("--as-of", help="the map as it was on this date (YYYY-MM-DD)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument(
        "--active-months",
        type=int,
        default=6,
        help="a person is active with a commit in this many months (default 6)",
    )
    parser.add_argument("--prune", action="store_true", help="the reference tool's 10%% pruning")
    parser.add_argument("--alias-file", help="file of identities to merge (docs/knowledge-map.md)")
    parser.add_argument("--include-bots", action="store_true", help="count bots as people")
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="also leave out paths"
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="keep paths whatever the exclusion rules say (vendored by name or evidence, …)",
    )
    parser.add_argument(
        "--no-default-exclusions",
        action="store_true",
        help="keep vendored, generated and binary files",
    )
    parser.add_argument("--state", help="state file: read it to update incrementally, then save")
    parser.add_argument("--top", type=int, default=10, help="islands shown in the table")
    parser.add_argument("--no-files", action="store_true", help="JSON without per-file detail")
    parser.add_argument(
        "--what-if",
        metavar="NAMES",
        help='what these people leaving would orphan: "Name,Name" (names, keys or e-mails)',
    )
    parser.add_argument(
        "--months",
        type=int,
        default=0,
        metavar="N",
        help="also summarise the map as of the end of each of the last N months",
    )
    parser.add_argument(
        "--rank-fixtures",
        action="store_true",
        help="rank islands in test fixtures and data with the others",
    )


def run_analyze(args: argparse.Namespace) -> int:
    try:
        options = _options(args)
        previous = None
        state_path = Path(args.state) if args.state else None
        if state_path is not None and state_path.exists():
            previous = HistoryState.loads(state_path.read_text(encoding="utf-8"))
        with _progress_bar() as progress:
            started = time.perf_counter()
            run = analyze_repository(Path(args.repo), options, previous=previous, progress=progress)
            elapsed = time.perf_counter() - started
        months: list[MonthSummary] = []
        if args.months:
            ended = last_months(args.months, options.as_of or datetime.now(UTC))
            months = month_summaries(Path(args.repo), options, ended)
    except (KnowledgeError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        leaving = find_people(run.map, args.what_if) if args.what_if else ()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if state_path is not None and options.as_of is None:
        state_path.write_text(run.state.dumps(), encoding="utf-8")
    try:
        if args.format == "json":
            print(
                render_json(
                    run.map,
                    files=not args.no_files,
                    leaving=leaving,
                    months=summaries_to_list(months) if args.months else None,
                )
            )
        else:
            console = Console(width=min(WIDTH, Console().width))
            render_table(
                run.map, console, top=args.top, leaving=leaving, rank_fixtures=args.rank_fixtures
            )
            _print_months(console, months)
            how = "incrementally" if run.incremental else "in full"
            console.print(f"Read {run.commits_read} commits {how} in {elapsed:.1f} s.")
    except BrokenPipeError:  # `| head` closed the pipe: not an error worth a traceback
        sys.stderr.close()
    return 0


def _print_months(console: Console, months: list[MonthSummary]) -> None:
    if not months:
        return
    table = Table(title="Month ends", title_justify="left")
    for column in ("month", "files", "truck factor", "reference", "at risk", "no active"):
        table.add_column(column)
    for m in months:
        table.add_row(
            m.month,
            str(m.files),
            str(m.truck_factor),
            str(m.reference_truck_factor),
            str(m.files_at_risk),
            str(m.files_without_active_author),
        )
    console.print(table)


def _options(args: argparse.Namespace) -> AnalysisOptions:
    if args.months < 0 or args.months > 600:
        raise ValueError("--months must be between 0 and 600")
    if args.active_months < 0:
        raise ValueError("--active-months must be zero or more")
    aliases = AliasRules()
    if args.alias_file:
        aliases = parse_alias_rules(Path(args.alias_file).read_text(encoding="utf-8"))
    base = ExclusionRules.none() if args.no_default_exclusions else ExclusionRules()
    rules = ExclusionRules(
        vendored_dirs=base.vendored_dirs,
        generated_patterns=base.generated_patterns,
        binary_extensions=base.binary_extensions,
        extra_patterns=tuple(args.exclude),
        include_patterns=tuple(args.include),
        evidence=base.evidence,
    )
    return AnalysisOptions(
        since=parse_date(args.since) if args.since else None,
        as_of=parse_date(args.as_of, end_of_day=True) if args.as_of else None,
        active_months=args.active_months,
        identity=IdentityOptions(exclude_bots=not args.include_bots).with_alias_rules(aliases),
        exclusions=rules,
        prune_truck_factor=args.prune,
        rank_fixtures=args.rank_fixtures,
    )


@contextmanager
def _progress_bar() -> Iterator[Callable[[int], None] | None]:
    """A rich bar on stderr, only when it is a terminal (never in pipes or logs)."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    # The number of commits is not known in advance (counting them would cost as much as
    # a tenth of the reading), so the bar pulses and counts.
    task = bar.add_task("Reading history (commits)", total=None)

    def update(done: int) -> None:
        bar.update(task, completed=done)

    with bar:
        yield update
