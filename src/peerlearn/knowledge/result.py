"""The stored form of a knowledge map, and the parsed forms pages read.

Stored: the engine's `map_to_dict(files=False)` plus one compact row per file
(path, size, changes, last change, authors, main author), which is what the person panel,
the directory listings and the what-if view need; per-file DOA detail is left out (it
would triple the size). A 5,000-file map is about 1.3 MB of JSON.

Beside it, the *overview*: what the repository page shows and nothing else (truck
factor, the top of the directory tree, the first islands, the people those name), a
size bounded by the page's caps whatever the repository's size, so the page most
people open reads tens of kilobytes instead of the whole map.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from peerlearn.engines.knowledge import KnowledgeMap, map_to_dict
from peerlearn.engines.knowledge.visible import visible_data

RESULT_VERSION = 1
OVERVIEW_VERSION = 1
# What the repository page draws (knowledge/pages.py reads these caps too).
TREE_NODES = 300
ISLANDS_SHOWN = 50
PEOPLE_SHOWN = 100
TREE_AUTHORS_SHOWN = 3
MERGES_SHOWN = 200  # identity merges listed on the repository page
BOTS_SHOWN = 50
LOSS_SHOWN = 20  # lost directories and files named in the page's summary
LOSS_AUTHORS_SHOWN = 3  # who knew each of them


def dumps_map(knowledge: KnowledgeMap) -> str:
    data = map_to_dict(knowledge, files=False)
    data["version"] = RESULT_VERSION
    data["file_rows"] = visible_data(
        [
            [
                entry.path,
                entry.size,
                entry.changes,
                entry.last_change_at,
                list(entry.authors),
                entry.main_author,
            ]
            for entry in knowledge.files
        ]
    )
    return json.dumps(data, separators=(",", ":"))


@dataclass(frozen=True)
class FileRow:
    path: str
    size: int
    changes: int
    last_change_at: datetime | None
    authors: tuple[str, ...]
    main_author: str | None

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]


@dataclass
class StoredMap:
    """A parsed result. Shared between requests of one process: never mutate it."""

    data: dict[str, Any]
    files: list[FileRow] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> StoredMap:
        data = json.loads(text)
        rows = [
            FileRow(path, size, changes, _when(at), tuple(authors), main)
            for path, size, changes, at, authors, main in data.pop("file_rows")
        ]
        return cls(data, rows)

    @cached_property
    def people(self) -> dict[str, dict[str, Any]]:
        return {person["key"]: person for person in self.data["people"]}

    @cached_property
    def active(self) -> frozenset[str]:
        return frozenset(key for key, person in self.people.items() if person["active"])

    @cached_property
    def directories(self) -> dict[str, dict[str, Any]]:
        return {d["path"]: d for d in self.data["directories"]}

    @cached_property
    def subdirectories_by_parent(self) -> dict[str, list[str]]:
        """Each directory's direct sub-directories, sorted: pages ask for one parent at a
        time, and scanning every directory per question is slow on big repositories."""
        children: dict[str, list[str]] = {}
        for path in sorted(self.directories):
            if path:
                children.setdefault(path.rpartition("/")[0], []).append(path)
        return children

    @cached_property
    def authors_by_file(self) -> dict[str, tuple[str, ...]]:
        return {row.path: row.authors for row in self.files}

    @cached_property
    def files_by_directory(self) -> dict[str, list[FileRow]]:
        grouped: dict[str, list[FileRow]] = {}
        for row in self.files:
            grouped.setdefault(row.directory, []).append(row)
        return grouped

    @cached_property
    def main_author_files(self) -> dict[str, list[FileRow]]:
        """The files each person is the main author of (highest DOA, and an author)."""
        grouped: dict[str, list[FileRow]] = {}
        for row in self.files:
            if row.main_author is not None:
                grouped.setdefault(row.main_author, []).append(row)
        return grouped

    def active_count(self, authors: tuple[str, ...] | list[str]) -> int:
        return sum(1 for person in authors if person in self.active)


def tree_paths(paths: list[str], limit: int = TREE_NODES) -> set[str]:
    """Directories below the root the page's tree draws: top levels first, up to `limit`."""
    children: dict[str, list[str]] = {}
    for path in paths:
        if path:
            children.setdefault(path.rpartition("/")[0], []).append(path)
    chosen: set[str] = set()
    level = sorted(children.get("", []))
    while level and len(chosen) < limit:
        take = level[: limit - len(chosen)]
        chosen.update(take)
        level = sorted(child for parent in take for child in children.get(parent, []))
    return chosen


def overview_data(data: dict[str, Any]) -> dict[str, Any]:
    """The repository page's part of a parsed result (`StoredMap.data`)."""
    directories = {d["path"]: d for d in data["directories"]}
    chosen = tree_paths(list(directories))
    tree = [
        {
            "path": path,
            "files": directories[path]["files"],
            "main_author": directories[path]["main_author"],
            "active_count": len(directories[path]["active_authors"]),
            "active_authors": directories[path]["active_authors"][:TREE_AUTHORS_SHOWN],
        }
        for path in sorted(chosen)
    ]
    root = directories.get("")
    islands = data["islands"][:ISLANDS_SHOWN]
    truck = data["truck_factor"]
    ranked = sorted(data["people"], key=lambda p: (-p["files_authored"], -p["commits"], p["key"]))
    shown = {p["key"] for p in ranked[:PEOPLE_SHOWN]}
    shown.update(truck["people"], truck["pruned"], (i["person"] for i in islands))
    for node in tree:
        shown.update(node["active_authors"])
        shown.add(node["main_author"])
    # Results stored before knowledge loss and both truck-factor answers were recorded
    # have none: the page's summary then says nothing of them.
    loss = data.get("knowledge_loss")
    if loss is not None:
        loss = {
            **loss,
            "areas": [
                {**area, "authors": area["authors"][:LOSS_AUTHORS_SHOWN]}
                for area in loss["areas"][:LOSS_SHOWN]
            ],
            "areas_total": len(loss["areas"]),
        }
        for area in loss["areas"]:
            shown.update(area["authors"])
    shown.update(truck.get("removed", ()), truck.get("reference_people", ()))
    merges = [
        {"key": p["key"], "name": p["name"], **merge}
        for p in ranked
        for merge in p.get("merges", [])
    ]
    return {
        "version": OVERVIEW_VERSION,
        "active_since": data["active_since"],
        "truck_factor": truck,
        "people": [p for p in ranked if p["key"] in shown],  # ranked by files authored
        "people_total": len(ranked),
        "tree": tree,
        "directory_count": len(directories),
        "root": (
            {"files": root["files"], "active_count": len(root["active_authors"])}
            if root is not None
            else None
        ),
        "knowledge_loss": loss,
        "islands": islands,
        "islands_total": len(data["islands"]),
        "excluded_files": data["excluded_files"],
        "exclusion_rules": data["exclusion_rules"],
        "bots": data["bots"],
        # Results stored before these were recorded have none: the page says nothing then.
        "bot_rules": data.get("bot_rules", [])[:BOTS_SHOWN],
        "left_out": data.get("left_out", []),
        "merges": merges[:MERGES_SHOWN],
        "merges_total": len(merges),
    }


def dumps_overview(result_text: str) -> str:
    """The overview of a stored result (`dumps_map`'s text), as stored beside it."""
    data = json.loads(result_text)
    data.pop("file_rows", None)
    return json.dumps(overview_data(data), separators=(",", ":"))


@dataclass
class Overview:
    """A parsed overview: what the repository page shows. Never mutate it."""

    data: dict[str, Any]

    @classmethod
    def parse(cls, text: str) -> Overview:
        return cls(json.loads(text))

    @cached_property
    def people(self) -> dict[str, dict[str, Any]]:
        return {person["key"]: person for person in self.data["people"]}


def _when(timestamp: int) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


# Parsed maps take several times their JSON in memory (small str, list and dict objects);
# the budget counts this estimate, so one 200,000-file map cannot pin hundreds of MB.
MEMORY_PER_JSON_BYTE = 4
_CACHE: OrderedDict[tuple[int, str], tuple[StoredMap, int]] = OrderedDict()
_LOCK = threading.Lock()


def load_map(
    analysis_id: int, finished_at: datetime | None, text: str, *, budget: int
) -> StoredMap:
    """Parse once per process: a finished analysis never changes. The key includes the
    finish time because test databases hand out the same ids again. Kept while the
    estimated memory of all kept maps stays within `budget` bytes, least recently used
    out first; a map bigger than the whole budget is parsed for this request only."""
    key = (analysis_id, finished_at.isoformat() if finished_at else "")
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached[0]
    parsed = StoredMap.parse(text)
    cost = len(text) * MEMORY_PER_JSON_BYTE
    if cost > budget:
        return parsed
    with _LOCK:
        _CACHE[key] = (parsed, cost)
        while sum(size for _, size in _CACHE.values()) > budget:
            _CACHE.popitem(last=False)
    return parsed


def cached_bytes() -> int:
    with _LOCK:
        return sum(size for _, size in _CACHE.values())
