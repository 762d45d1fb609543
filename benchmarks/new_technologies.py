#!/usr/bin/env python3
"""Gap signals from git: new dependencies and fix commits, against plain git in the same run.

    .venv/bin/python benchmarks/new_technologies.py [--runs 5] [--repo PATH ...] [--write]

Builds (once, with `git fast-import`, fixed seed) a synthetic repository under
benchmarks/.work/: 5,000 commits by 40 people, 2,000 Python and TypeScript source files
importing the packages of a requirements.txt and a package.json that change 20 times
(packages added, some removed, one manifest moved), a third of the messages naming an
issue or a fix. `--repo PATH` measures real repositories too (since = a year before
their HEAD). For each repository it times, interleaved:

- `new_dependencies(repo, since=...)` against the baseline `git log --first-parent
  --format=%H -- <manifest pathspecs>` plus `git ls-tree -r HEAD` (what any answer has to
  read at least), and reports the ratio;
- `fix_commits(repo)` against a plain `git log --no-merges --name-only -z`.

`--write` replaces the "## New technologies" section of docs/benchmarks.md only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from peerlearn.engines.gaps.fix_commits import fix_commits
from peerlearn.engines.gaps.new_technologies import MANIFEST_PATHSPECS, new_dependencies
from peerlearn.engines.knowledge.gitio import run_git

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## New technologies"
SYNTH = ROOT / "benchmarks" / ".work" / "new-technologies-synth"
COMMITS, MANIFEST_CHANGES, SOURCE_FILES = 5000, 20, 2000
START = 1_600_000_000
PYTHON = [
    "requests",
    "numpy",
    "pandas",
    "pyyaml",
    "beautifulsoup4",
    "scikit-learn",
    "pillow",
    "flask",
    "celery",
    "redis",
]
NPM = "react lodash axios @tanstack/query zod date-fns @scope/ui express vitest dayjs".split()  # noqa: SIM905


def _blob(path: str, text: str) -> bytes:
    data = text.encode()
    return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)


def build_synthetic(path: Path, seed: int = 11) -> None:
    """The synthetic repository; one commit in 250 changes the manifests."""
    rng = random.Random(seed)
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    importer = subprocess.Popen(
        ["git", "-C", str(path), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    people = [(f"Dev {i:02d}", f"dev{i}@example.com") for i in range(40)]
    python, npm = ["django"], ["typescript"]
    requirements_path = "requirements.txt"
    files: list[str] = []
    every = COMMITS // MANIFEST_CHANGES
    for number in range(1, COMMITS + 1):
        ops: list[bytes] = []
        if number % every == 1:
            change = number // every
            if change % 5 == 4 and len(python) > 2:
                python.pop(1)  # a removal
            elif change % 2 == 0 and len(python) < len(PYTHON):
                python.append(PYTHON[len(python) - 1])
            elif len(npm) <= len(NPM):
                npm.append(NPM[len(npm) - 1])
            if change == 10:  # the requirements move into a folder
                ops.append(b"D %s\n" % requirements_path.encode())
                requirements_path = "requirements/base.txt"
            ops.append(_blob(requirements_path, "".join(f"{p}>=1\n" for p in python)))
            deps = ", ".join(f'"{p}": "^1"' for p in npm)
            ops.append(_blob("web/package.json", f'{{"dependencies": {{{deps}}}}}\n'))
        for _ in range(rng.randint(1, 3)):
            if len(files) < SOURCE_FILES and (not files or rng.random() < 0.5):
                ts = rng.random() < 0.4
                files.append(f"{'web/src' if ts else 'app'}/m{rng.randrange(50)}/f{len(files)}"
                             f".{'ts' if ts else 'py'}")  # fmt: skip
            target = rng.choice(files)
            if target.endswith(".ts"):
                name = rng.choice(npm)
                text = f"import {{ x }} from '{name}/sub';\nexport const v = {rng.random()};\n"
            else:
                name = rng.choice(python).replace("-", "_").replace("pyyaml", "yaml")
                text = f"import os\nimport {name}\n\nVALUE = {rng.random()}\n"
            ops.append(_blob(target, text))
        person = people[min(int(rng.paretovariate(1.2)) - 1, len(people) - 1)]
        moment = START + number * 3600
        ident = f"{person[0]} <{person[1]}> {moment} +0000".encode()
        roll = rng.random()
        subject = (
            f"Fix #{rng.randrange(1, 400)}" if roll < 0.15
            else f"PROJ-{rng.randrange(1, 300)}: work" if roll < 0.3
            else f"change {number}"
        )  # fmt: skip
        message = subject.encode() + b"\n"
        head = b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\n" % (
            number, ident, ident
        )  # fmt: skip
        head += b"data %d\n%s" % (len(message), message)
        if number > 1:
            head += b"from :%d\n" % (number - 1)
        importer.stdin.write(head + b"".join(ops) + b"\n")
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def measure(repo: Path, since: dt.datetime, runs: int) -> dict[str, float | int]:
    def engine() -> object:
        return new_dependencies(repo, since=since)

    def baseline() -> object:
        run_git(repo, "log", "--first-parent", "--format=%H", "HEAD", "--", *MANIFEST_PATHSPECS)
        return run_git(repo, "ls-tree", "-r", "HEAD")

    def fixes() -> object:
        return fix_commits(repo)

    def plain_log() -> object:
        return run_git(repo, "log", "--no-merges", "--name-only", "-z")

    times: dict[str, list[float]] = {"engine": [], "baseline": [], "fixes": [], "log": []}
    engine()  # warm the object cache once for every side alike
    for _ in range(runs):
        times["engine"].append(timed(engine))
        times["baseline"].append(timed(baseline))
        times["fixes"].append(timed(fixes))
        times["log"].append(timed(plain_log))
    report = new_dependencies(repo, since=since)
    result: dict[str, float | int] = {k: statistics.median(v) for k, v in times.items()}
    result["new"] = len(report.dependencies)
    result["unreadable"] = len(report.unreadable)
    result["fix_commits"] = len(fix_commits(repo))
    result["commits"] = int(run_git(repo, "rev-list", "--count", "HEAD"))
    result["files"] = len(run_git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    return result


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    git = run_git(Path("."), "--version").decode().strip()
    return (
        f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {git}; load average {load} at the start"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo", type=Path, action="append", default=[])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not (SYNTH / ".git").exists():
        started = time.perf_counter()
        build_synthetic(SYNTH)
        print(f"built {SYNTH} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    report_machine = machine()
    targets = [("synthetic", SYNTH, dt.datetime.fromtimestamp(START + COMMITS * 1800, dt.UTC))]
    for path in args.repo:
        head = int(run_git(path, "log", "-1", "--format=%ct", "HEAD"))
        targets.append((f"`{path}`", path, dt.datetime.fromtimestamp(head - 365 * 86400, dt.UTC)))
    lines = [
        "| repository | commits | files | new deps | `new_dependencies` ms | baseline ms "
        "| ratio | fix commits | `fix_commits` ms | `git log --name-only` ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, path, since in targets:
        r = measure(path, since, args.runs)
        lines.append(
            f"| {label} | {r['commits']:,} | {r['files']:,} | {r['new']} | {r['engine']:.0f} "
            f"| {r['baseline']:.0f} | {r['engine'] / r['baseline']:.1f}x | {r['fix_commits']:,} "
            f"| {r['fixes']:.0f} | {r['log']:.0f} | {r['fixes'] / r['log']:.2f}x |"
        )
    print("\n".join(lines))
    if args.write:
        write_section(report_machine, args.runs, lines)
    return 0


def write_section(report_machine: str, runs: int, results: list[str]) -> None:
    """Replace only our section; other workloads own the rest of the file."""
    section = "\n".join(
        [
            HEADING,
            "",
            "`benchmarks/new_technologies.py` times the gap engines that read git "
            "(`engines/gaps/new_technologies.py`, `fix_commits.py`) against plain git "
            "commands in the same run (medians of "
            f"{runs} interleaved runs). The synthetic repository has {COMMITS:,} commits, "
            f"{MANIFEST_CHANGES} manifest changes and {SOURCE_FILES:,} source files.",
            "",
            "Command: `.venv/bin/python benchmarks/new_technologies.py --write`",
            f"Run: {dt.date.today().isoformat()} on {report_machine}.",
            "",
            *results,
            "",
            "`new_dependencies` is one `git log --raw` over the manifests, one `cat-file "
            "--batch` for every manifest version, two `ls-tree`, one `cat-file --batch` for "
            "the source files at the tip, and for the people count one `git log --name-only` "
            "over the oldest new dependency's range plus a `rev-list` per introducing "
            "commit; the baseline is the first log and the tree listing alone.",
            "",
        ]
    )
    text = REPORT.read_text() if REPORT.exists() else ""
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    REPORT.write_text(text.rstrip("\n") + "\n")
    print(f"wrote the {HEADING!r} section of {REPORT}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
