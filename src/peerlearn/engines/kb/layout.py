"""Where each page goes in the tree exports (Markdown and HTML): `<team>/<page>.<ext>`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .model import KbPage, checked
from .names import allocate, ascii_slug

TEAM_INDEX = "index"


@dataclass(frozen=True, slots=True)
class Team:
    name: str
    folder: str
    pages: tuple[KbPage, ...]  # newest first


@dataclass(frozen=True, slots=True)
class Layout:
    teams: tuple[Team, ...]  # by name
    folder: dict[str, str]  # page slug -> its team's folder
    stem: dict[str, str]  # page slug -> file name without extension
    by_slug: dict[str, KbPage]

    def href(self, slug: str, *, from_folder: str | None, ext: str) -> str:
        """Relative link to a page from a file in `from_folder` (None: the top)."""
        target = f"{self.stem[slug]}.{ext}"
        folder = self.folder[slug]
        if from_folder == folder:
            return target
        return f"{'../' if from_folder else ''}{folder}/{target}"


def count_pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count:,} pages"


def newest_first(pages: Iterable[KbPage]) -> list[KbPage]:
    return sorted(pages, key=lambda p: (-p.date.toordinal(), p.title.casefold(), p.slug))


def plan(pages: Iterable[KbPage]) -> Layout:
    ordered = checked(pages)
    by_team: dict[str, list[KbPage]] = defaultdict(list)
    for page in ordered:
        by_team[page.team].append(page)
    names = sorted(by_team, key=lambda name: (name.casefold(), name))
    folders = allocate([(name, ascii_slug(name, fallback="team")) for name in names])
    folder: dict[str, str] = {}
    stem: dict[str, str] = {}
    teams = []
    for name in names:
        members = by_team[name]
        # Oldest first, so a page keeps its file name when a newer one arrives.
        oldest = sorted(members, key=lambda p: (p.date, p.slug))
        stems = allocate([(p.slug, p.slug) for p in oldest], reserved=[TEAM_INDEX])
        for page in members:
            folder[page.slug] = folders[name]
            stem[page.slug] = stems[page.slug]
        teams.append(Team(name, folders[name], tuple(newest_first(members))))
    return Layout(tuple(teams), folder, stem, {p.slug: p for p in ordered})
