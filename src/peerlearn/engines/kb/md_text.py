"""Plain text put into Markdown, and the Markdown of one page shared by the Markdown
tree and the wiki (they differ only in links, front matter and the heading).

Names, titles, tags and takeaways are plain text: every character Markdown could read as
markup is backslash-escaped, so a title cannot become a link, an image, HTML or a list.
The summary and the notes are Markdown by design and go in as they are; the wikis'
own sanitisers deal with them as with any page a person types there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .model import KbPage

_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!#$:()])")
_LEADING = re.compile(r"^(\d+)([.)])|^([+=-])")
_SPACE = re.compile(r"\s+")


def md_text(text: str) -> str:
    """One line of escaped text (line breaks would end a list item or a heading)."""
    line = _SPACE.sub(" ", text).strip()
    line = _SPECIAL.sub(r"\\\1", line)
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", line)


def md_link(text: str, target: str) -> str:
    return f"[{md_text(text)}]({target})"


# A page's link to another page by slug, or None when that page is not exported.
PageLink = Callable[[str], str | None]


def page_markdown(
    page: KbPage, *, team_link: str, link: PageLink, title_of: Callable[[str], str | None]
) -> str:
    """Metadata, summary, takeaways, gaps, related pages, then the notes. The notes come
    last: a code fence someone left open there can only swallow the end of the file."""
    out: list[str] = []
    meta = [f"**Date:** {page.date.isoformat()}", f"**Team:** {md_link(page.team, team_link)}"]
    if page.format:
        meta.append(f"**Format:** {md_text(page.format)}")
    out.append(" · ".join(meta))
    for label, values in (
        ("Teachers", page.teachers),
        ("Tags", page.tags),
        ("Code areas", page.code_areas),
    ):
        if values:
            out.append(f"**{label}:** " + ", ".join(md_text(v) for v in values))
    out = [" \\\n".join(out)]
    if page.summary.strip():
        out.append("## Summary\n\n" + page.summary.strip())
    if page.takeaways:
        out.append("## Takeaways\n\n" + "\n".join(f"- {md_text(t)}" for t in page.takeaways))
    if page.gaps:
        out.append("## Gaps covered\n\n" + "\n".join(f"- {md_text(g)}" for g in page.gaps))
    if page.related:
        items = []
        for slug in page.related:
            target, title = link(slug), title_of(slug)
            if target is None or title is None:
                items.append(f"- {md_text(slug)} (not exported)")
            else:
                items.append(f"- {md_link(title, target)}")
        out.append("## Related\n\n" + "\n".join(items))
    if page.body_markdown.strip():
        out.append("## Notes\n\n" + page.body_markdown.strip())
    return "\n\n".join(out) + "\n"
