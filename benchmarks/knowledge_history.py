"""Knowledge map on long histories: full analysis vs the `git log` floor, memory, incremental.

For each repository (synthetic ones of 10k and 100k commits made with `git fast-import`,
and any real ones given with --repo) and in the same run, interleaved `--rounds` times:

- floor: one `git log --name-status --find-renames` alone, output to /dev/null;
- full: `analyze_repository` in a fresh Python process (time inside it, and its peak RSS
  and the largest git child's peak RSS);
- incremental: one new commit on top, then what a user waits for, timed end to end as one
  stretch: `HistoryState.loads` of the state the full run saved and
  `analyze_repository(previous=state)`, plus the young garbage collection its objects
  are owed (the engine pauses the collector while it makes them); then the same parts
  one after another (`loads`, `read_history`, `build_map`) to show where the time goes;
  three times per round. The first result is checked to be identical to a full analysis
  of the new tip.

    .venv/bin/python benchmarks/knowledge_history.py                 # 10k and 100k
    .venv/bin/python benchmarks/knowledge_history.py --repo /tmp/x   # also a real one
    .venv/bin/python benchmarks/knowledge_history.py --write         # update the docs
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from knowledge_synth import generate  # noqa: E402
from peerlearn.engines.knowledge import HistoryState, analyze_repository  # noqa: E402
from peerlearn.engines.knowledge.analysis import AnalysisOptions, build_map  # noqa: E402
from peerlearn.engines.knowledge.history import read_history  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- knowledge-map-results:start -->", "<!-- knowledge-map-results:end -->"
NOW = datetime(2030, 1, 1, tzinfo=UTC)
INCREMENTAL_REPEATS = 3
INCREMENTAL_TARGET = 0.5  # seconds, issue 3


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def synthetic(commits: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"peerlearn-bench-knowledge-{commits}"
    marker = path / ".git" / "peerlearn-synth-done"
    if not marker.exists():
        subprocess.run(["rm", "-rf", str(path)], check=True)
        started = time.perf_counter()
        generate(path, commits)
        marker.write_text(f"{time.perf_counter() - started:.1f}\n")
    return path


def floor(repo: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one plain `git log --name-status --find-renames`."""
    cpu_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        ["git", "-C", str(repo), "log", "--name-status", "--find-renames"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its descendants: pages shared between the
    two git processes (the mapped pack file) are counted once, not twice as RSS would."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(child) for child in children.read().split()]
        except OSError:
            continue  # a git process that just ended
    return total


class PeakMemory:
    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_kb = max(self.peak_kb, tree_pss_kb(os.getpid()))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child_full(repo: Path, state_out: Path) -> dict[str, Any]:
    """Run in a fresh process so peak memory is this analysis's alone."""
    cpu_before = cpu_seconds(resource.RUSAGE_SELF)
    with PeakMemory() as memory:
        started = time.perf_counter()
        run = analyze_repository(repo, AnalysisOptions(), now=NOW)
        seconds = time.perf_counter() - started
    cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_before + cpu_seconds(resource.RUSAGE_CHILDREN)
    state_out.write_text(run.state.dumps())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,  # includes the sampler's share, a few per cent at most
        "peak_pss_mb": memory.peak_kb / 1024,
        "python_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "git_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "commits": run.state.commits_read,
        "files": len(run.map.files),
        "people": len(run.map.people),
        "truck_factor": run.map.truck_factor.value,
    }


def full_in_child(repo: Path, state_out: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(repo), str(state_out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def add_commit(repo: Path, round_number: int) -> None:
    tracked = git(repo, "ls-tree", "-r", "--name-only", "HEAD").split("\n")
    target = next(p for p in tracked if p.endswith((".py", ".c", ".rs", ".go", ".md")))
    with (repo / target).open("a", encoding="utf-8") as handle:
        handle.write(f"# benchmark change {round_number}\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench Mark",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench Mark",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-m", "bench", "--", target], env=env, check=True
    )


def incremental(repo: Path, state_file: Path, round_number: int) -> dict[str, Any]:
    """One commit on top, then what a user waits for, timed as one stretch: load the saved
    state and `analyze_repository(previous=state)` (reading the new commit and building
    the map, the latter partly while git lists the tree). Then the same work again with
    its parts one after another, to show where the time goes."""
    base = git(repo, "rev-parse", "HEAD").strip()
    text = state_file.read_text()
    add_commit(repo, round_number)
    try:
        gc.collect()
        started = time.perf_counter()
        run = analyze_repository(
            repo, AnalysisOptions(), previous=HistoryState.loads(text), now=NOW
        )
        # The engine pauses the garbage collector while it makes its objects; the young
        # collection that then walks them once is owed to this update, so it is counted.
        gc.collect(0)
        total = time.perf_counter() - started
        del run

        started = time.perf_counter()
        previous = HistoryState.loads(text)
        loaded = time.perf_counter()
        snapshot = read_history(repo, previous=previous)
        updated = time.perf_counter()
        knowledge = build_map(snapshot.state, snapshot.tree, AnalysisOptions(), NOW)
        built = time.perf_counter()
        result = {
            "total_seconds": total,
            "load_seconds": loaded - started,
            "update_seconds": updated - loaded,
            "build_seconds": built - updated,
            "incremental": snapshot.incremental,
            "commits_read": snapshot.commits_read,
        }
        if round_number == 0:
            full = analyze_repository(repo, AnalysisOptions(), now=NOW)
            result["identical"] = (
                full.state.to_dict() == snapshot.state.to_dict() and full.map == knowledge
            )
        return result
    finally:
        subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", base], check=True)


def measure(repo: Path, label: str, rounds: int) -> dict[str, Any]:
    state_file = Path(tempfile.gettempdir()) / f"peerlearn-bench-state-{os.getpid()}.json"
    floors: list[float] = []
    floor_cpus: list[float] = []
    fulls: list[dict[str, Any]] = []
    incs: list[dict[str, Any]] = []
    for number in range(rounds):
        wall, cpu = floor(repo)
        floors.append(wall)
        floor_cpus.append(cpu)
        fulls.append(full_in_child(repo, state_file))
        # Several incremental updates per round: each is short, and the machine is shared.
        for repeat in range(INCREMENTAL_REPEATS):
            incs.append(incremental(repo, state_file, number * INCREMENTAL_REPEATS + repeat))
        print(
            f"  {label} round {number + 1}: floor {floors[-1]:.2f} s, "
            f"full {fulls[-1]['seconds']:.2f} s, incremental end to end "
            + ", ".join(f"{i['total_seconds']:.3f}" for i in incs[-INCREMENTAL_REPEATS:])
            + " s",
            flush=True,
        )
    state_file.unlink(missing_ok=True)
    best_full = min(fulls, key=lambda r: float(r["seconds"]))
    return {
        "label": label,
        "commits_total": int(git(repo, "rev-list", "--count", "HEAD")),
        "floor": min(floors),
        "full": best_full["seconds"],
        "ratio": best_full["seconds"] / min(floors),
        "ratio_median": sorted(f["seconds"] / fl for f, fl in zip(fulls, floors, strict=True))[
            rounds // 2
        ],
        "cpu_ratio": min(f["cpu_seconds"] for f in fulls) / min(floor_cpus),
        "pss_mb": max(f["peak_pss_mb"] for f in fulls),
        "python_mb": max(f["python_maxrss_mb"] for f in fulls),
        "git_mb": max(f["git_maxrss_mb"] for f in fulls),
        "facts": best_full,
        "total": min(i["total_seconds"] for i in incs),
        "total_median": sorted(i["total_seconds"] for i in incs)[len(incs) // 2],
        # The parts of the fastest sequential run (not the best of each part).
        "parts": min(
            incs,
            key=lambda i: float(i["load_seconds"] + i["update_seconds"] + i["build_seconds"]),
        ),
        "identical": incs[0].get("identical"),
        "incremental_ok": all(i["incremental"] and i["commits_read"] == 1 for i in incs),
    }


def report(results: list[dict[str, Any]], command: str) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Latest run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{git(ROOT, 'version').strip()}; load average at the end {load}.",
        "",
        f"Command: `{command}`",
        "",
        "| repository | commits | floor s | full s | full / floor (best, median) | CPU full / "
        "CPU floor | peak memory MB, all processes (PSS) | incremental update end to end s "
        f"(best, median; target ≤ {INCREMENTAL_TARGET}) | the same in parts, one after "
        "another: state load + new commits + map build s | incremental = full |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        parts = r["parts"]
        lines.append(
            f"| {r['label']} | {r['commits_total']:,} | {r['floor']:.2f} | {r['full']:.2f} | "
            f"{r['ratio']:.2f}, {r['ratio_median']:.2f} | {r['cpu_ratio']:.2f} | "
            f"{r['pss_mb']:.0f} | **{r['total']:.3f}**, {r['total_median']:.3f} | "
            f"{parts['load_seconds']:.3f} + {parts['update_seconds']:.3f} + "
            f"{parts['build_seconds']:.3f} | "
            f"{'yes' if r['identical'] and r['incremental_ok'] else 'NO'} |"
        )
    lines.append("")
    for r in results:
        facts = r["facts"]
        lines.append(
            f"- {r['label']}: {facts['commits']:,} non-merge commits replayed, "
            f"{facts['files']:,} files analysed, {facts['people']} people, "
            f"truck factor {facts['truck_factor']}."
        )
    return "\n".join(lines)


def write_docs(block: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = f"{head}{START}\n{block}\n{END}{tail}"
    else:
        print("docs/benchmarks.md has no knowledge-map markers; add the section first.")
        return
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child_full(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repo", action="append", default=[], help="a real repository")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        repo = synthetic(size)
        results.append(measure(repo, f"synthetic {size // 1000}k", args.rounds))
    for real in args.repo:
        results.append(measure(Path(real), Path(real).name, args.rounds))
    block = report(
        results, "python " + " ".join(["benchmarks/knowledge_history.py", *sys.argv[1:]])
    )
    print(block)
    if args.write:
        write_docs(block)


if __name__ == "__main__":
    main()
