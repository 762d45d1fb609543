"""Markdown files with YAML front matter: `<team>/<slug>.md`, `<team>/index.md`, `index.md`.

Made for static site generators and for reading on a forge: links between pages are
relative (`../other-team/page.md`), so the tree works wherever it is copied.
"""

from __future__ import annotations

from collections.abc import Iterable

from .layout import TEAM_INDEX, Layout, Team, count_pages, plan
from .md_text import md_link, md_text, page_markdown
from .model import KbPage, utf8
from .yaml_text import Value, front_matter


def markdown_tree(pages: Iterable[KbPage], *, title: str = "Knowledge base") -> dict[str, bytes]:
    layout = plan(pages)
    files: dict[str, bytes] = {"index.md": utf8(_top_index(layout, title))}
    for team in layout.teams:
        files[f"{team.folder}/{TEAM_INDEX}.md"] = utf8(_team_index(layout, team, title))
        for page in team.pages:
            path = f"{team.folder}/{layout.stem[page.slug]}.md"
            files[path] = utf8(_page(layout, page))
    return dict(sorted(files.items()))


def _page(layout: Layout, page: KbPage) -> str:
    folder = layout.folder[page.slug]

    def link(slug: str) -> str | None:
        return layout.href(slug, from_folder=folder, ext="md") if slug in layout.by_slug else None

    def title_of(slug: str) -> str | None:
        other = layout.by_slug.get(slug)
        return other.title if other else None

    fields: list[tuple[str, Value]] = [
        ("title", page.title),
        ("slug", page.slug),
        ("date", page.date),
        ("updated", page.updated_at.isoformat()),
        ("team", page.team),
        ("format", page.format),
        ("teachers", page.teachers),
        ("tags", page.tags),
        ("areas", page.code_areas),
        ("gaps", page.gaps),
        ("related", page.related),
    ]
    body = page_markdown(page, team_link=f"{TEAM_INDEX}.md", link=link, title_of=title_of)
    return f"{front_matter(fields)}\n# {md_text(page.title)}\n\n{body}"


def _team_index(layout: Layout, team: Team, title: str) -> str:
    lines = [
        front_matter([("title", team.name), ("team", team.name)]),
        f"# {md_text(team.name)}",
        "",
        f"[{md_text(title)}](../index.md) · {count_pages(len(team.pages))}, newest first.",
        "",
    ]
    for page in team.pages:
        target = f"{layout.stem[page.slug]}.md"
        lines.append(f"- {page.date.isoformat()} {md_link(page.title, target)}")
    return "\n".join(lines) + "\n"


def _top_index(layout: Layout, title: str) -> str:
    lines = [front_matter([("title", title)]), f"# {md_text(title)}", ""]
    for team in layout.teams:
        link = md_link(team.name, f"{team.folder}/{TEAM_INDEX}.md")
        lines.append(f"- {link} ({count_pages(len(team.pages))})")
    return "\n".join(lines) + "\n"
