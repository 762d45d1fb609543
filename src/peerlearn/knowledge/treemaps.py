"""The repository as a picture: a treemap of one directory, its sub-directories and files
as tiles sized by bytes and coloured by how many active people know them, two levels
deep, so orphaned code and islands show at a glance. Laid out by the pure engine
(engines/knowledge/treemap.py); the template draws the tiles as SVG.

The directory listing under the picture says the same in words (the text alternative).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

from peerlearn.engines.knowledge.treemap import Rect, squarify
from peerlearn.knowledge.pages import Coverage, Names
from peerlearn.knowledge.result import StoredMap

HEADER = 18.0  # the strip a directory tile keeps for its name above its contents
PAD = 2.0
CHAR_WIDTH = 7.0  # of the 12-unit labels, roughly: labels are cut to what fits


@dataclass(frozen=True)
class Tile:
    x: str
    y: str
    width: str
    height: str
    css: str  # orphaned, island, shared; "more" for the rest lumped together
    depth: int
    title: str  # the full description: tooltip and accessible name
    label: str  # what fits on the tile ("" when nothing does)
    label_x: str
    label_y: str
    href: str | None  # directories drill down on click


@dataclass(frozen=True)
class Treemap:
    width: int
    height: int
    tiles: list[Tile]
    shown: int
    total: int


@dataclass(frozen=True)
class _Item:
    name: str
    path: str
    weight: int
    coverage: Coverage | None  # None: the "N more" tile
    title: str
    is_directory: bool


def directory_treemap(
    stored: StoredMap,
    names: Names,
    path: str,
    link: Callable[[str], str],
    *,
    width: int = 1000,
    height: int = 560,
    limit: int = 30,
    inner_limit: int = 8,
) -> Treemap:
    """The tiles of `path`'s contents (`link(directory)` is where a click leads)."""
    items = _items(stored, names, path)
    outer = _lumped(items, limit)
    tiles: list[Tile] = []
    for item, rect in zip(outer, _layout(outer, Rect(0, 0, width, height)), strict=True):
        tiles.append(_tile(item, rect, 0, link, header=item.is_directory and inner_limit > 0))
        if item.is_directory and inner_limit > 0:
            inner = _lumped(_items(stored, names, item.path), inner_limit)
            box = rect.inset(PAD, HEADER, PAD, PAD)
            for child, child_rect in zip(inner, _layout(inner, box), strict=True):
                if child_rect.width >= 1 and child_rect.height >= 1:
                    tiles.append(_tile(child, child_rect.inset(1, 1, 1, 1), 1, link))
    return Treemap(width, height, tiles, shown=min(len(items), limit), total=len(items))


def _items(stored: StoredMap, names: Names, path: str) -> list[_Item]:
    prefix = f"{path}/" if path else ""
    items = []
    for directory in stored.subdirectories_by_parent.get(path, []):
        summary = stored.directories[directory]
        coverage = Coverage(len(summary["active_authors"]))
        files = summary["files"]
        title = (
            f"{directory}/: {files} file{'s' if files != 1 else ''}, "
            f"{filesizeformat(summary['size'])}, {coverage.label}, "
            f"main author {names(summary['main_author'])}"
        )
        name = f"{directory[len(prefix) :]}/"
        items.append(_Item(name, directory, summary["size"], coverage, title, True))
    for row in stored.files_by_directory.get(path, []):
        coverage = Coverage(stored.active_count(row.authors))
        authors = ", ".join(names.many(row.authors)) or "nobody"
        title = f"{row.path}: {filesizeformat(row.size)}, {coverage.label}, authors {authors}"
        items.append(_Item(row.name, row.path, row.size, coverage, title, False))
    # Empty files still get a sliver; largest first is what keeps the tiles square.
    items.sort(key=lambda item: (-item.weight, item.name))
    return items


def _lumped(items: list[_Item], limit: int) -> list[_Item]:
    if len(items) <= limit:
        return items
    kept, rest = items[: limit - 1], items[limit - 1 :]
    weight = sum(item.weight for item in rest)
    label = f"{len(rest)} more"
    return [*kept, _Item(label, "", weight, None, f"{label}, {filesizeformat(weight)}", False)]


def _layout(items: list[_Item], box: Rect) -> list[Rect]:
    return squarify([max(item.weight, 1) for item in items], box)


def _tile(
    item: _Item, rect: Rect, depth: int, link: Callable[[str], str], *, header: bool = False
) -> Tile:
    fits = int((rect.width - 6) // CHAR_WIDTH)
    room = rect.height >= (HEADER if header else 16)
    label = item.name if len(item.name) <= fits else f"{item.name[: max(fits - 1, 0)]}…"
    return Tile(
        x=_n(rect.x),
        y=_n(rect.y),
        width=_n(rect.width),
        height=_n(rect.height),
        css=item.coverage.css if item.coverage is not None else "more",
        depth=depth,
        title=item.title,
        label=label if room and fits >= 3 else "",
        label_x=_n(rect.x + 4),
        label_y=_n(rect.y + 13),
        href=link(item.path) if item.is_directory else None,
    )


def _n(value: float) -> str:
    return f"{value:.1f}"
