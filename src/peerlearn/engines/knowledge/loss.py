"""Knowledge already lost: the files and directories none of whose authors is active.

This is what a lead needs first ("260 of 1,793 files have no active author"), before
islands (one active person) and what-ifs (people who might leave). Directories are
listed topmost first: below a lost directory everything is lost too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .islands import DirectorySummary
from .model import FileAuthorship
from .truck_factor import parent_directories


@dataclass(frozen=True, slots=True)
class LostArea:
    kind: str  # "directory" or "file"
    path: str  # "" is the whole repository
    files: int
    authors: tuple[str, ...]  # who knew it (none active), most files first


@dataclass(frozen=True, slots=True)
class KnowledgeLoss:
    files_without_active_author: int
    total_files: int
    # Topmost lost directories (several files), then lost files outside them.
    areas: tuple[LostArea, ...] = ()


def knowledge_loss(
    files: Sequence[FileAuthorship],
    directories: Sequence[DirectorySummary],
    active: Collection[str],
) -> KnowledgeLoss:
    lost_dirs: dict[str, DirectorySummary] = {}
    for directory in directories:  # by path: parents first
        ancestors = parent_directories(directory.path + "/x")[:-1]
        if (
            directory.files > 1
            and directory.files_without_active_author == directory.files
            and not any(a in lost_dirs for a in ancestors)
        ):
            lost_dirs[directory.path] = directory
    areas = [
        LostArea("directory", d.path, d.files, d.authors)
        for d in sorted(lost_dirs.values(), key=lambda d: (-d.files, d.path))
    ]
    root = directories[0] if directories and directories[0].path == "" else None
    without = root.files_without_active_author if root is not None else 0
    loose = []
    if without > sum(area.files for area in areas):  # some lost files lie outside them
        for entry in files:
            if any(person in active for person in entry.authors):
                continue
            if lost_dirs and any(d in lost_dirs for d in parent_directories(entry.path)):
                continue
            loose.append(LostArea("file", entry.path, 1, entry.authors))
    return KnowledgeLoss(without, len(files), (*areas, *loose))
