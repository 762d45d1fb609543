"""Directories and knowledge islands, built from per-file authorship.

A directory's main author is the person who authors the most files below it (ties: more
changes there, then key). A knowledge island is a file, or a directory, whose files
together have exactly one *active* author ("active": committed within the last N
months before the reference date). Islands are ranked by size (bytes for a file,
files for a directory), then by how recently they changed.
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


def summarise_directories(
    files: Sequence[FileAuthorship], active: Collection[str]
) -> list[DirectorySummary]:
    totals: dict[str, list[int]] = {}  # files, size, changes, last change, orphans
    authored: dict[str, dict[str, list[int]]] = {}  # dir -> person -> [files, changes]
    for entry in files:
        authors = entry.authors
        delivered = {a.person: a.deliveries for a in entry.authorships}
        no_active = not any(person in active for person in authors)
        for directory in parent_directories(entry.path):
            total = totals.setdefault(directory, [0, 0, 0, 0, 0])
            total[0] += 1
            total[1] += entry.size
            total[2] += entry.changes
            total[3] = max(total[3], entry.last_change_at)
            total[4] += no_active
            people = authored.setdefault(directory, {})
            for person in authors:
                counts = people.setdefault(person, [0, 0])
                counts[0] += 1
                counts[1] += delivered.get(person, 0)
    summaries = []
    for directory in sorted(totals):
        count, size, changes, last, orphans = totals[directory]
        people = authored.get(directory, {})
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
                files_without_active_author=orphans,
            )
        )
    return summaries


def knowledge_islands(
    files: Sequence[FileAuthorship],
    directories: Sequence[DirectorySummary],
    active: Collection[str],
) -> list[Island]:
    islands = []
    for entry in files:
        active_authors = [p for p in entry.authors if p in active]
        if len(active_authors) == 1:
            islands.append(
                Island(
                    "file",
                    entry.path,
                    active_authors[0],
                    entry.size,
                    entry.changes,
                    entry.last_change_at,
                )
            )
    for directory in directories:
        # Only directories with several files: a one-file directory is its file's island.
        if len(directory.active_authors) == 1 and directory.files > 1:
            islands.append(
                Island(
                    "directory",
                    directory.path,
                    directory.active_authors[0],
                    directory.files,
                    directory.changes,
                    directory.last_change_at,
                )
            )
    islands.sort(key=lambda i: (i.kind != "directory", -i.size, -i.last_change_at, i.path))
    return islands
