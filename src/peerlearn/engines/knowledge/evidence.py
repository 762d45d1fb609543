"""Vendored code recognised by its history rather than its folder's name.

A file only bots ever changed, or only bots and commits whose subject says they sync or
vendor code in (history.SYNC_SUBJECT), holds no team knowledge. A directory most of
whose files are such is a vendored tree (mypy's `mypy/typeshed`, synced from typeshed
and patched now and then by hand): the whole tree is left out, hand patches included.
What was left out is listed with counts, so a lead can check it; `include_patterns`
(exclusions.py) keep any of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BOT_ONLY = "bot-only"
SYNCED = "synced"
VENDORED_TREE = "vendored-tree"
# A directory is a vendored tree when at least this share of its files with history
# (and of those directly in it), and at least this many, were only ever changed by bots
# or sync commits. On mypy, typeshed's stdlib/ is 78 % such files, mypy/ 61 %.
TREE_SHARE = 0.7
TREE_MIN_FILES = 10

DETAILS = {
    BOT_ONLY: "files only a bot ever touched",
    SYNCED: "files only ever changed by bots or by sync/vendor commits",
}


@dataclass(frozen=True, slots=True)
class LeftOut:
    """One line of "what was left out": a vendored tree, or the files of one reason."""

    reason: str  # "vendored-tree", "bot-only", "synced"
    path: str  # the tree's directory; "" for files anywhere
    files: int
    detail: str


def vendored_trees(
    candidates: Iterable[str], evidence: Mapping[str, str]
) -> list[tuple[str, int, int]]:
    """The topmost directories (never the root) that are vendored trees, as
    (directory, files with history, files with evidence), by path.

    A directory is one when at least TREE_MIN_FILES files with history lie below it,
    at least TREE_SHARE of them have evidence, and so do TREE_SHARE of the files directly
    in it (if any): `mypy/`, holding `mypy/typeshed/` beside the team's own modules, is
    not one, and neither is `mypy/typeshed/` itself, whose `stubs/` are mypy's own."""
    own: dict[str, list[int]] = {}  # directory -> [files, with evidence] directly in it
    for path in candidates:  # counted per folder first: one dictionary step per file
        directory = path.rpartition("/")[0]
        if directory:
            counts = own.get(directory)
            if counts is None:
                counts = own[directory] = [0, 0]
            counts[0] += 1
            if path in evidence:
                counts[1] += 1
    if not any(marked for _, marked in own.values()):
        return []
    below: dict[str, list[int]] = {}  # directory -> [files below, with evidence]
    for directory, (files, marked) in own.items():
        while directory:
            entry = below.setdefault(directory, [0, 0])
            entry[0] += files
            entry[1] += marked
            directory = directory.rpartition("/")[0]
    trees = []
    for directory, (files, marked) in below.items():
        direct, direct_marked = own.get(directory, (0, 0))
        if (
            files >= TREE_MIN_FILES
            and marked >= TREE_SHARE * files
            and direct_marked >= TREE_SHARE * direct
        ):
            trees.append(directory)
    trees.sort()
    topmost: list[tuple[str, int, int]] = []
    for directory in trees:
        if topmost and (directory + "/").startswith(topmost[-1][0] + "/"):
            continue
        topmost.append((directory, below[directory][0], below[directory][1]))
    return topmost


def in_tree(path: str, trees: list[tuple[str, int, int]]) -> bool:
    return any(path.startswith(directory + "/") for directory, _, _ in trees)


def left_out(trees: list[tuple[str, int, int]], outside: Mapping[str, int]) -> tuple[LeftOut, ...]:
    """The listing: each tree, then the evidence files outside trees per reason."""
    found = [
        LeftOut(
            VENDORED_TREE,
            directory,
            files,
            f"a vendored tree: {marked} of its {files} files only ever changed by bots or by "
            "sync/vendor commits",
        )
        for directory, files, marked in trees
    ]
    found += [
        LeftOut(reason, "", count, DETAILS[reason])
        for reason, count in sorted(outside.items())
        if count
    ]
    return tuple(found)
