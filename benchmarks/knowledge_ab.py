"""Knowledge map: full analysis, this tree against another one (a `git archive` of an
earlier commit), in fresh processes, alternating A and B round by round.

    git archive <commit> src | tar -x -C /tmp/base
    .venv/bin/python benchmarks/knowledge_ab.py --base /tmp/base/src REPO [REPO ...]

Prints, per repository and side, the median and best time inside the process of
`analyze_repository` and the median CPU time of the process and its git children.
Used for issue 12 (correctness changes must not slow analysis by more than ~5 %).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "import sys, time; from pathlib import Path; from datetime import datetime, UTC; "
    "from peerlearn.engines.knowledge import analyze_repository; "
    "t = time.perf_counter(); "
    "r = analyze_repository(Path(sys.argv[1]), now=datetime(2030, 1, 1, tzinfo=UTC)); "
    "print(time.perf_counter() - t, len(r.map.files))"
)


def one(source: str, repo: str) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", CODE, repo],
        env={**os.environ, "PYTHONPATH": source},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return float(out[0]), cpu, int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="the other tree's src folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("repos", nargs="+")
    args = parser.parse_args()
    sides = {"base": args.base, "this": str(ROOT / "src")}
    for repo in args.repos:
        rows: dict[str, list[tuple[float, float, int]]] = {name: [] for name in sides}
        for number in range(args.rounds):
            order = list(sides.items())
            for name, source in order if number % 2 == 0 else reversed(order):
                rows[name].append(one(source, repo))
        for name, found in rows.items():
            print(
                f"{Path(repo).name} {name}: analysis median "
                f"{statistics.median(r[0] for r in found):.3f} s (best "
                f"{min(r[0] for r in found):.3f}), CPU median "
                f"{statistics.median(r[1] for r in found):.3f} s, {found[0][2]} files analysed"
            )
        print(f"  load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
