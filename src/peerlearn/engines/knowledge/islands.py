"""Directories and knowledge islands, built from per-file authorship.

A directory's main author is the person who authors the most files below it (ties: more
changes there, then key). A knowledge island is a file, or a directory, whose files
together have exactly one *active* author ("active": committed within the last N
months before the reference date). Islands nested in a directory island are folded
into the topmost one; islands are ranked by how much and how recently their code
changes (`change_weight`), test fixtures and data last.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .model import FileAuthorship
from .truck_factor import parent_directories


@dataclass(frozen=True, slots=True)
class DirectorySummary:
    path: str  # "" is the repository root
    files: int
    size: int
    changes: int
    last_change_at: int
    main_author: str | None
    authors: tuple[str, ...]  # anyone authoring a file below, most files first
    active_authors: tuple[str, ...]
    files_without_active_author: int


@dataclass(frozen=True, slots=True)
class Island:
    kind: str  # "file" or "directory"
    path: str
    person: str  # the single active author
    size: int  # bytes (file) or number of files (directory)
    changes: int
    last_change_at: int
    # Changes discounted by age (`change_weight`), summed over the files: the ranking.
    weight: float = 0.0
    nested: int = 0  # islands below this directory, folded into it
    fixture: bool = False  # under a test-fixture or data directory (`FIXTURE_DIRS`)


def summarise_directories(
    files: Sequence[FileAuthorship], active: Collection[str]
) -> list[DirectorySummary]:
    # Aggregate per immediate directory first, then roll each one up into its ancestors:
    # there are far fewer directories than files.
    totals: dict[str, list[int]] = {}  # files, size, changes, last change, no active author
    authored: dict[str, dict[str, list[int]]] = {}  # dir -> person -> [files, deliveries]
    for entry in files:
        directory = entry.path.rpartition("/")[0]
        total = totals.get(directory)
        if total is None:
            total = totals[directory] = [0, 0, 0, 0, 0]
            authored[directory] = {}
        total[0] += 1
        total[1] += entry.size
        total[2] += entry.changes
        if entry.last_change_at > total[3]:
            total[3] = entry.last_change_at
        people = authored[directory]
        has_active = False
        for authorship in entry.authorships:
            if authorship.is_author:
                person = authorship.person
                has_active = has_active or person in active
                counts = people.get(person)
                if counts is None:
                    people[person] = [1, authorship.deliveries]
                else:
                    counts[0] += 1
                    counts[1] += authorship.deliveries
        if not has_active:
            total[4] += 1

    rolled_totals: dict[str, list[int]] = {}
    rolled_people: dict[str, dict[str, list[int]]] = {}
    for directory, total in totals.items():
        for ancestor in _self_and_ancestors(directory):
            into = rolled_totals.setdefault(ancestor, [0, 0, 0, 0, 0])
            into[0] += total[0]
            into[1] += total[1]
            into[2] += total[2]
            into[3] = max(into[3], total[3])
            into[4] += total[4]
            people = rolled_people.setdefault(ancestor, {})
            for person, (count, deliveries) in authored[directory].items():
                counts = people.setdefault(person, [0, 0])
                counts[0] += count
                counts[1] += deliveries

    summaries = []
    for directory in sorted(rolled_totals):
        count, size, changes, last, without_active = rolled_totals[directory]
        people = rolled_people[directory]
        ranked = sorted(people, key=lambda p: (-people[p][0], -people[p][1], p))
        summaries.append(
            DirectorySummary(
                path=directory,
                files=count,
                size=size,
                changes=changes,
                last_change_at=last,
                main_author=ranked[0] if ranked else None,
                authors=tuple(ranked),
                active_authors=tuple(p for p in ranked if p in active),
                files_without_active_author=without_active,
            )
        )
    return summaries


def _self_and_ancestors(directory: str) -> tuple[str, ...]:
    return parent_directories(directory + "/x") if directory else ("",)


# Directory names (a whole path component) whose files are test fixtures or data: an
# island there is rarely knowledge that matters, so it is ranked after the others.
FIXTURE_DIRS = frozenset(
    {
        "fixtures",
        "fixture",
        "__fixtures__",
        "testdata",
        "test_data",
        "test-data",
        "__snapshots__",
        "snapshots",
        "cassettes",
        "data",
    }
)
# A change counts half as much every HALF_LIFE_DAYS since the file's last change, so a
# hotspot one person knows outranks a big folder nobody has touched for years.
HALF_LIFE_DAYS = 180.0


def is_fixture(path: str) -> bool:
    """Whether a file lies under a fixture or data directory (for a directory, pass
    `dir + "/x"`)."""
    return any(part in FIXTURE_DIRS for part in path.split("/")[:-1])


def change_weight(changes: int, last_change_at: int, reference: int) -> float:
    """Changes (the creation counting as one), discounted by the age of the last one:
    how much the code is being worked on."""
    age_days = max(0, reference - last_change_at) / 86400
    return float((changes + 1) * 0.5 ** (age_days / HALF_LIFE_DAYS))


def knowledge_islands(
    files: Sequence[FileAuthorship],
    directories: Sequence[DirectorySummary],
    active: Collection[str],
    reference: int = 0,
    *,
    rank_fixtures: bool = False,
) -> list[Island]:
    """Islands, each nested island folded into the topmost one holding it (below an
    island every active author is that same person), ranked by `change_weight`; test
    fixtures and data last unless `rank_fixtures`."""
    tops: dict[str, DirectorySummary] = {}
    for directory in directories:  # sorted by path: a parent comes before its children
        # Only directories with several files: a one-file directory is its file's island.
        if len(directory.active_authors) == 1 and directory.files > 1:
            path = directory.path
            if not any(ancestor in tops for ancestor in _self_and_ancestors(path)[:-1]):
                tops[path] = directory
    weights = dict.fromkeys(tops, 0.0)
    nested = dict.fromkeys(tops, 0)
    inside = set()
    for directory in directories:
        for ancestor in _self_and_ancestors(directory.path)[:-1]:
            if ancestor in tops:
                inside.add(directory.path)
                if len(directory.active_authors) == 1 and directory.files > 1:
                    nested[ancestor] += 1
                break
    islands = []
    for entry in files:
        active_authors = [p for p in entry.authors if p in active]
        folder = entry.path.rpartition("/")[0]
        top = folder if folder in tops else None
        if top is None and folder in inside:
            top = next(d for d in _self_and_ancestors(folder) if d in tops)
        if top is not None:
            weights[top] += change_weight(entry.changes, entry.last_change_at, reference)
            if len(active_authors) == 1:
                nested[top] += 1
        elif len(active_authors) == 1:
            islands.append(
                Island(
                    "file",
                    entry.path,
                    active_authors[0],
                    entry.size,
                    entry.changes,
                    entry.last_change_at,
                    round(change_weight(entry.changes, entry.last_change_at, reference), 3),
                    0,
                    is_fixture(entry.path),
                )
            )
    for path, directory in tops.items():
        islands.append(
            Island(
                "directory",
                path,
                directory.active_authors[0],
                directory.files,
                directory.changes,
                directory.last_change_at,
                round(weights[path], 3),
                nested[path],
                is_fixture(path + "/x"),
            )
        )
    islands.sort(
        key=lambda i: (
            i.fixture and not rank_fixtures,
            -i.weight,
            -i.size,
            -i.last_change_at,
            i.path,
        )
    )
    return islands
