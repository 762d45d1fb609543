"""What the knowledge pages show, computed from a parsed map or, for the repository
page, from its overview (no queries here).

Lists are capped so a page of a 100k-file repository stays small; every capped list
says how many entries it left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from peerlearn.engines.knowledge import WhatIf, what_if
from peerlearn.engines.knowledge.statements import (
    knowledge_loss_sentence,
    literal_truck_factor_sentence,
    reference_truck_factor_sentence,
)
from peerlearn.knowledge.result import (
    ISLANDS_SHOWN,
    PEOPLE_SHOWN,
    FileRow,
    Overview,
    StoredMap,
)

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

    def __init__(self, stored: StoredMap | Overview, accounts: Mapping[str, str]) -> None:
        self.people = stored.people
        self.accounts = accounts
        self._shown: dict[str | None, str] = {None: "—"}  # a page names few people often

    def account(self, key: str) -> str | None:
        person = self.people.get(key)
        emails = person["emails"] if person else [key]
        return next((self.accounts[e] for e in emails if e in self.accounts), None)

    def __call__(self, key: str | None) -> str:
        shown = self._shown.get(key)
        if shown is None:
            assert key is not None
            person = self.people.get(key)
            shown = self._shown[key] = self.account(key) or (person["name"] if person else key)
        return shown

    def many(self, keys: Iterable[str]) -> list[str]:
        return [self(key) for key in keys]


def emails_of(stored: StoredMap | Overview) -> set[str]:
    """The e-mail addresses whose accounts `Names` may show (for `account_names`)."""
    return {email for key, person in stored.people.items() for email in [key, *person["emails"]]}


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


def directory_tree(overview: Overview, names: Names) -> dict[str, Any]:
    """The overview's directories (top levels first, `result.TREE_NODES` at most) in
    depth-first order with the nesting the template needs to draw nested <details>."""
    shown = {node["path"]: node for node in overview.data["tree"]}
    children: dict[str, list[str]] = {}
    for path in shown:
        children.setdefault(path.rpartition("/")[0], []).append(path)
    nodes: list[TreeNode] = []

    def visit(path: str, depth: int) -> None:
        summary = shown[path]
        below = sorted(children.get(path, []))
        nodes.append(
            TreeNode(
                path=path,
                name=path.rpartition("/")[2],
                depth=depth,
                files=summary["files"],
                coverage=Coverage(summary["active_count"]),
                main_author=names(summary["main_author"]),
                authors=names.many(summary["active_authors"]),
                has_children=bool(below),
            )
        )
        for child in below:
            visit(child, depth + 1)
        if below:
            nodes[-1].closes.append(depth)

    for top in sorted(children.get("", [])):
        visit(top, 0)
    return {"nodes": nodes, "hidden": overview.data["directory_count"] - 1 - len(shown)}


def islands(overview: Overview, names: Names, limit: int = ISLANDS_SHOWN) -> dict[str, Any]:
    rows = [
        {**island, "name": names(island["person"]), "last_change": _date(island["last_change_at"])}
        for island in overview.data["islands"][:limit]
    ]
    return {"rows": rows, "total": overview.data["islands_total"]}


def summary(overview: Overview, names: Names) -> dict[str, Any] | None:
    """What the page states first: knowledge already lost (with who knew it), then both
    truck-factor answers, each in a sentence (engine statements.py), naming people as
    the page does. None for maps stored before these were recorded."""
    loss = overview.data.get("knowledge_loss")
    factor = overview.data["truck_factor"]
    if loss is None or "removed" not in factor:
        return None
    removed = factor["removed"]
    reference = factor["reference_people"]
    return {
        "loss": knowledge_loss_sentence(loss["files_without_active_author"], loss["total_files"]),
        "areas": [{**area, "known_by": names.many(area["authors"])} for area in loss["areas"]],
        "areas_hidden": loss["areas_total"] - len(loss["areas"]),
        "truck": literal_truck_factor_sentence(
            names.many(removed),
            factor["orphaned"],
            factor["total_files"],
            factor["files_without_author"],
        ),
        "reference": reference_truck_factor_sentence(
            names.many(reference), names.many(k for k in removed if k not in reference)
        ),
    }


def people(overview: Overview, names: Names, limit: int = PEOPLE_SHOWN) -> dict[str, Any]:
    truck = set(overview.data["truck_factor"]["people"])
    ranked = overview.data["people"]  # ranked by files authored, then commits
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
    return {"rows": rows, "total": overview.data["people_total"]}


def truck_factor(overview: Overview, names: Names) -> dict[str, Any]:
    factor = overview.data["truck_factor"]
    return {
        **factor,
        "people_rows": [
            {"key": key, "name": names(key), "files": _authored(overview, key)}
            for key in factor["people"]
        ],
        "pruned_names": names.many(factor["pruned"]),
        "coverage_percent": round(100 * factor["coverage_after"]),
    }


def _authored(stored: StoredMap | Overview, key: str) -> int:
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
    subdirectories = stored.subdirectories_by_parent.get(path, [])
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
