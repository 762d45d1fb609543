"""Would pygit2 read history faster than the `git` command? (It does not; see below.)

Measures, in the same run, one `git log --name-status --find-renames` (the floor) against
pygit2 (libgit2) doing the same work: walk every non-merge commit, diff it against its
first parent, detect renames (`find_similar`), and collect (status, old, new) per file.
pygit2 is not a dependency of peerlearn; run this with an interpreter that has it:

    python -m venv /tmp/pg2 && /tmp/pg2/bin/pip install pygit2
    /tmp/pg2/bin/python benchmarks/knowledge_pygit2.py /tmp/peerlearn-bench-knowledge-10000
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pygit2  # type: ignore[import-not-found, unused-ignore]


def floor(repo: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["git", "-C", str(repo), "log", "--name-status", "--find-renames"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def with_pygit2(repo: Path) -> tuple[float, int]:
    started = time.perf_counter()
    repository = pygit2.Repository(str(repo))
    changes = 0
    walker = repository.walk(repository.head.target, pygit2.enums.SortMode.TOPOLOGICAL)
    for commit in walker:
        if len(commit.parents) > 1:
            continue
        if commit.parents:
            diff = repository.diff(commit.parents[0].tree, commit.tree)
        else:
            diff = commit.tree.diff_to_tree(swap=True)
        diff.find_similar()
        for delta in diff.deltas:
            _ = (delta.status_char(), delta.old_file.path, delta.new_file.path)
            changes += 1
    return time.perf_counter() - started, changes


def main() -> None:
    repo = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    floors, pygits = [], []
    changes = 0
    for _ in range(rounds):
        floors.append(floor(repo))
        seconds, changes = with_pygit2(repo)
        pygits.append(seconds)
    best_floor, best_pygit2 = min(floors), min(pygits)
    print(f"repo {repo}: pygit2 {pygit2.__version__} (libgit2 {pygit2.LIBGIT2_VERSION})")
    print(f"floor git log --name-status --find-renames: best {best_floor:.2f} s")
    print(f"pygit2 walk + diff + find_similar: best {best_pygit2:.2f} s ({changes} changes)")
    print(f"ratio pygit2 / floor: {best_pygit2 / best_floor:.2f}")


if __name__ == "__main__":
    main()
