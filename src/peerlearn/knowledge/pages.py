"""What the knowledge pages show, computed from a parsed map (no queries here).

Lists are capped so a page of a 100k-file repository stays small; every capped list
says how many entries it left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from peerlearn.engines.knowledge import WhatIf, what_if
from peerlearn.knowledge.result import FileRow, StoredMap

TREE_NODES = 300
ISLANDS_SHOWN = 50
PEOPLE_SHOWN = 100
LIST_SHOWN = 200
WHAT_IF_SHOWN = 100


@dataclass(frozen=True)
class Coverage:
    """How many active people know a file or directory, in words and as a CSS class."""

    active: int

    @property
    def css(self) -> str:
        return ("orphaned", "island", "shared")[min(self.active, 2)]

    @property
    def label(self) -> str:
        if self.active == 0:
            return "orphaned: no active author"
        if self.active == 1:
            return "island: 1 active author"
        return f"shared: {self.active} active authors"


class Names:
    """Person key -> the account name when an e-mail matches one, else the git name."""

    def __init__(self, stored: StoredMap, accounts: Mapping[str, str]) -> None:
        self.stored = stored
        self.accounts = accounts

    def account(self, key: str) -> str | None:
        person = self.stored.people.get(key)
        emails = person["emails"] if person else [key]
        return next((self.accounts[e] for e in emails if e in self.accounts), None)

    def __call__(self, key: str | None) -> str:
        if key is None:
            return "—"
        person = self.stored.people.get(key)
        return self.account(key) or (person["name"] if person else key)

    def many(self, keys: Iterable[str]) -> list[str]:
        return [self(key) for key in keys]


@dataclass
class TreeNode:
    path: str
    name: str
    depth: int
    files: int
    coverage: Coverage
    main_author: str
    authors: list[str]
    has_children: bool = False
    closes: list[int] = field(default_factory=list)  # nesting levels to close after it


def directory_tree(stored: StoredMap, names: Names, limit: int = TREE_NODES) -> dict[str, Any]:
    """Directories below the root, top levels first up to `limit`, in depth-first order
    with the nesting the template needs to draw nested <details>."""
    children: dict[str, list[str]] = {}
    for path in stored.directories:
        if path:
            children.setdefault(path.rpartition("/")[0], []).append(path)
    chosen: set[str] = set()
    level = sorted(children.get("", []))
    while level and len(chosen) < limit:
        take = level[: limit - len(chosen)]
        chosen.update(take)
        level = sorted(child for parent in take for child in children.get(parent, []))
    nodes: list[TreeNode] = []

    def visit(path: str, depth: int) -> None:
        summary = stored.directories[path]
        shown = sorted(c for c in children.get(path, []) if c in chosen)
        nodes.append(
            TreeNode(
                path=path,
                name=path.rpartition("/")[2],
                depth=depth,
                files=summary["files"],
                coverage=Coverage(len(summary["active_authors"])),
                main_author=names(summary["main_author"]),
                authors=names.many(summary["active_authors"][:3]),
                has_children=bool(shown),
            )
        )
        for child in shown:
            visit(child, depth + 1)
        if shown:
            nodes[-1].closes.append(depth)

    for top in sorted(c for c in children.get("", []) if c in chosen):
        visit(top, 0)
    return {"nodes": nodes, "hidden": len(stored.directories) - 1 - len(chosen)}


def islands(stored: StoredMap, names: Names, limit: int = ISLANDS_SHOWN) -> dict[str, Any]:
    rows = [
        {**island, "name": names(island["person"]), "last_change": _date(island["last_change_at"])}
        for island in stored.data["islands"][:limit]
    ]
    return {"rows": rows, "total": len(stored.data["islands"])}


def people(stored: StoredMap, names: Names, limit: int = PEOPLE_SHOWN) -> dict[str, Any]:
    truck = set(stored.data["truck_factor"]["people"])
    ranked = sorted(
        stored.data["people"], key=lambda p: (-p["files_authored"], -p["commits"], p["key"])
    )
    rows = [
        {
            **person,
            "display": names(person["key"]),
            "matched": names.account(person["key"]) is not None,
            "in_truck_factor": person["key"] in truck,
            "last_commit": _date(person["last_commit_at"]),
        }
        for person in ranked[:limit]
    ]
    return {"rows": rows, "total": len(ranked)}


def truck_factor(stored: StoredMap, names: Names) -> dict[str, Any]:
    factor = stored.data["truck_factor"]
    return {
        **factor,
        "people_rows": [
            {"key": key, "name": names(key), "files": _authored(stored, key)}
            for key in factor["people"]
        ],
        "pruned_names": names.many(factor["pruned"]),
        "coverage_percent": round(100 * factor["coverage_after"]),
    }


def _authored(stored: StoredMap, key: str) -> int:
    person = stored.people.get(key)
    return int(person["files_authored"]) if person else 0


def what_if_view(
    stored: StoredMap, names: Names, leaving: Iterable[str], limit: int = WHAT_IF_SHOWN
) -> dict[str, Any] | None:
    keys = [key for key in dict.fromkeys(leaving) if key in stored.people]
    if not keys:
        return None
    result: WhatIf = what_if(stored.authors_by_file, keys)
    total = len(stored.files)
    return {
        "leaving": names.many(keys),
        "files": result.orphaned_files[:limit],
        "file_count": len(result.orphaned_files),
        "directories": result.orphaned_directories[:limit],
        "directory_count": len(result.orphaned_directories),
        "percent": round(100 * len(result.orphaned_files) / total, 1) if total else 0.0,
        "total_files": total,
        "without_author_before": result.files_without_author_before,
        "limit": limit,
    }


def person_areas(
    stored: StoredMap, names: Names, key: str, limit: int = LIST_SHOWN
) -> dict[str, Any]:
    directories = sorted(
        (d for d in stored.directories.values() if d["path"] and d["main_author"] == key),
        key=lambda d: (-d["files"], d["path"]),
    )
    files = sorted(stored.main_author_files.get(key, []), key=lambda row: row.path)
    own_islands = [i for i in stored.data["islands"] if i["person"] == key]
    return {
        "person": stored.people[key],
        "name": names(key),
        "account": names.account(key),
        "directories": directories[:limit],
        "directory_count": len(directories),
        "files": [_file(stored, names, row) for row in files[:limit]],
        "file_count": len(files),
        "islands": own_islands[:limit],
        "island_count": len(own_islands),
        "limit": limit,
    }


def directory_listing(
    stored: StoredMap, names: Names, path: str, limit: int = LIST_SHOWN
) -> dict[str, Any]:
    prefix = f"{path}/" if path else ""
    subdirectories = sorted(
        d
        for d in stored.directories
        if d.startswith(prefix) and d != path and "/" not in d[len(prefix) :]
    )
    files = stored.files_by_directory.get(path, [])
    crumbs = []
    parts = path.split("/") if path else []
    for index, part in enumerate(parts):
        crumbs.append({"name": part, "path": "/".join(parts[: index + 1])})
    return {
        "path": path,
        "summary": stored.directories[path],
        "coverage": Coverage(len(stored.directories[path]["active_authors"])),
        "crumbs": crumbs,
        "subdirectories": [
            {
                "path": d,
                "name": d[len(prefix) :],
                "files": stored.directories[d]["files"],
                "coverage": Coverage(len(stored.directories[d]["active_authors"])),
                "main_author": names(stored.directories[d]["main_author"]),
            }
            for d in subdirectories[:limit]
        ],
        "subdirectory_count": len(subdirectories),
        "files": [_file(stored, names, row) for row in files[:limit]],
        "file_count": len(files),
        "limit": limit,
    }


def _file(stored: StoredMap, names: Names, row: FileRow) -> dict[str, Any]:
    return {
        "path": row.path,
        "name": row.name,
        "size": row.size,
        "changes": row.changes,
        "last_change": row.last_change_at,
        "authors": names.many(row.authors),
        "coverage": Coverage(stored.active_count(row.authors)),
    }


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None
