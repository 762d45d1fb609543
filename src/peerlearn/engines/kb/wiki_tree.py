"""A GitHub/GitLab wiki: flat `<Page-Name>.md` files, `Home.md` and `_Sidebar.md`.

Both wikis name a page after its file (hyphens shown as spaces) and link pages by name
without `.md` (`[Title](Page-Name)`), so the files sit side by side with no folders
(GitHub flattens them anyway). Each team gets a page `Team-<name>` listing its pages.

Names are given case-insensitively unique (the wikis match names that way). A page keeps
its title's name when it was there first — older pages (by date, then slug) choose
before newer ones — and a later page with the same title gets its slug appended
(`Intro-to-Git-platform-intro-2`), so adding a page does not rename those already linked.
"""

from __future__ import annotations

from collections.abc import Iterable

from .layout import count_pages, newest_first
from .md_text import md_link, md_text, page_markdown
from .model import KbPage, checked, utf8
from .names import allocate, wiki_name

HOME = "Home"
SIDEBAR = "_Sidebar"
RESERVED = (HOME, SIDEBAR, "_Footer", "_Header")
RECENT = 50  # pages listed on Home; the team pages list all


def wiki_tree(pages: Iterable[KbPage], *, title: str = "Knowledge base") -> dict[str, bytes]:
    ordered = checked(pages)
    by_slug = {page.slug: page for page in ordered}
    teams = sorted({page.team for page in ordered}, key=lambda name: (name.casefold(), name))
    wanted: list[tuple[tuple[str, str], str]] = [
        (("team", name), "Team-" + wiki_name(name, fallback="Team")) for name in teams
    ]
    oldest = sorted(ordered, key=lambda p: (p.date, p.slug))
    wanted += [(("page", p.slug), wiki_name(p.title)) for p in oldest]
    names = allocate(wanted, reserved=RESERVED, suffixes=lambda key: [key[1]])

    def link(slug: str) -> str | None:
        return names[("page", slug)] if slug in by_slug else None

    def title_of(slug: str) -> str | None:
        page = by_slug.get(slug)
        return page.title if page else None

    files: dict[str, str] = {}
    for page in ordered:
        team_link = names[("team", page.team)]
        body = page_markdown(page, team_link=team_link, link=link, title_of=title_of)
        files[names[("page", page.slug)]] = body
    for name in teams:
        members = newest_first(p for p in ordered if p.team == name)
        lines = [f"{count_pages(len(members))} of {md_text(name)}, newest first.", ""]
        lines += [
            f"- {p.date.isoformat()} {md_link(p.title, names[('page', p.slug)])}" for p in members
        ]
        files[names[("team", name)]] = "\n".join(lines) + "\n"
    team_list = [f"- {md_link(name, names[('team', name)])}" for name in teams]
    recent = [
        f"- {p.date.isoformat()} {md_link(p.title, names[('page', p.slug)])} ({md_text(p.team)})"
        for p in newest_first(ordered)[:RECENT]
    ]
    files[HOME] = "\n".join(
        [f"# {md_text(title)}", "", "## Teams", "", *team_list, "", "## Recent", "", *recent, ""]
    )
    files[SIDEBAR] = "\n".join([f"**[{md_text(title)}]({HOME})**", "", *team_list, ""])
    return {f"{name}.md": utf8(text) for name, text in sorted(files.items())}
