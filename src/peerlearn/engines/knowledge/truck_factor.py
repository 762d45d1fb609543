"""The greedy truck factor (Avelino et al., ICPC 2016) and the "what if they leave" view.

Greedy: repeatedly remove the developer who authors the most files (ties: more changes,
then key, so runs are reproducible) while at least half of the files still have an
author; the number removed is the truck factor. The reference tool's pruned variant
then drops, from the people found, those who author fewer than 10 % of the files of the
top one; `prune_below` offers the same.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

COVERAGE_THRESHOLD = 0.5
REFERENCE_PRUNING = 0.10


@dataclass(frozen=True, slots=True)
class TruckFactor:
    value: int
    people: tuple[str, ...]  # in removal order
    total_files: int
    coverage_after: float  # share of files still with an author once they are gone
    pruned: tuple[str, ...] = ()  # removed from `people` by the pruning, if asked
    # Both answers, whatever was asked: every person the greedy removal takes (the
    # literal count of people who must leave) ...
    removed: tuple[str, ...] = ()
    # ... and the reference tool's list: `removed` without those authoring under 10 % of
    # the top person's files (PrunedGreedyTruckFactor in aserg-ufmg/Truck-Factor).
    reference_people: tuple[str, ...] = ()
    # Files that have an author now and none once `removed` are gone: what
    # `what_if(removed)` reports as orphaned (files with no author already not included).
    orphaned: int = 0
    files_without_author: int = 0  # before anyone leaves


def truck_factor(
    authors_by_file: Mapping[str, Collection[str]],
    changes_by_person: Mapping[str, int],
    *,
    prune_below: float | None = None,
) -> TruckFactor:
    total = len(authors_by_file)
    files_of: dict[str, list[str]] = {}
    remaining = {}
    for path, authors in authors_by_file.items():
        remaining[path] = len(authors)
        for person in authors:
            files_of.setdefault(person, []).append(path)
    covered = sum(1 for count in remaining.values() if count)
    before = total - covered
    # Authored-file counts never change as others leave, so the greedy order is a sort.
    candidates = sorted(
        files_of, key=lambda p: (-len(files_of[p]), -changes_by_person.get(p, 0), p)
    )
    removed: list[str] = []
    for person in candidates:
        if total == 0 or covered / total < COVERAGE_THRESHOLD:
            break
        removed.append(person)
        for path in files_of[person]:
            remaining[path] -= 1
            if remaining[path] == 0:
                covered -= 1
    coverage = covered / total if total else 0.0
    reference = _pruned(removed, files_of, REFERENCE_PRUNING)
    pruned = _pruned(removed, files_of, prune_below) if prune_below is not None else []
    kept = tuple(p for p in removed if p not in pruned)
    return TruckFactor(
        len(kept),
        kept,
        total,
        coverage,
        tuple(pruned),
        tuple(removed),
        tuple(p for p in removed if p not in reference),
        total - covered - before,
        before,
    )


def _pruned(removed: list[str], files_of: Mapping[str, list[str]], below: float) -> list[str]:
    """The people of `removed` who author under `below` of the top one's files."""
    if not removed:
        return []
    top = max(len(files_of[p]) for p in removed)
    return [p for p in removed if len(files_of[p]) / top < below]


@dataclass(frozen=True, slots=True)
class WhatIf:
    removed: tuple[str, ...]
    orphaned_files: tuple[str, ...]  # had an author, have none left
    orphaned_directories: tuple[str, ...]  # every analysed file below is orphaned
    files_without_author_before: int


def what_if(authors_by_file: Mapping[str, Collection[str]], removed: Iterable[str]) -> WhatIf:
    gone = frozenset(removed)
    orphaned = sorted(
        path
        for path, authors in authors_by_file.items()
        if authors and all(person in gone for person in authors)
    )
    orphaned_set = set(orphaned)
    lost: dict[str, bool] = {}
    for path, authors in authors_by_file.items():
        is_lost = path in orphaned_set or not authors
        for directory in parent_directories(path):
            lost[directory] = lost.get(directory, True) and is_lost
    # A directory counts only if this removal orphaned something in it.
    touched = {d for path in orphaned for d in parent_directories(path)}
    directories = sorted(d for d, all_lost in lost.items() if all_lost and d in touched)
    before = sum(1 for authors in authors_by_file.values() if not authors)
    return WhatIf(tuple(sorted(gone)), tuple(orphaned), tuple(directories), before)


def parent_directories(path: str) -> tuple[str, ...]:
    """Ancestors of a path, root first: a/b/c.py gives "", "a", "a/b" ("" is the root)."""
    return _directory_chain(path.rpartition("/")[0])


@lru_cache(maxsize=65536)
def _directory_chain(directory: str) -> tuple[str, ...]:
    # Cached per directory: files share directories, and big trees have 100k files.
    if not directory:
        return ("",)
    return (*_directory_chain(directory.rpartition("/")[0]), directory)
