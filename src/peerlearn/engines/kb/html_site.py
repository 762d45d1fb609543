"""A static HTML site: `index.html`, `<team>/index.html`, `<team>/<slug>.html`, `style.css`.

Every link is relative, so the site works opened from disk (file://) as well as served.
Text we put in is escaped here; the summary and the notes go through the caller's
`render_markdown`, which must return sanitised HTML (peerlearn.markdown.render_markdown
does). Mermaid blocks are left as `<pre class="mermaid">` with their source, readable
as they are and ready for mermaid.js should someone add it; the site has no script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape
from urllib.parse import quote

from .html_style import CSS
from .layout import TEAM_INDEX, Layout, Team, count_pages, plan
from .model import KbPage, utf8

STYLE = "style.css"
_MERMAID = re.compile(r'<pre><code class="language-mermaid">(.*?)</code></pre>', re.DOTALL)


def html_site(
    pages: Iterable[KbPage],
    render_markdown: Callable[[str], str],
    *,
    title: str = "Knowledge base",
) -> dict[str, bytes]:
    layout = plan(pages)
    files = {STYLE: CSS.encode(), "index.html": utf8(_top_index(layout, title))}
    for team in layout.teams:
        files[f"{team.folder}/{TEAM_INDEX}.html"] = utf8(_team_index(layout, team, title))
        for page in team.pages:
            path = f"{team.folder}/{layout.stem[page.slug]}.html"
            files[path] = utf8(_page(layout, page, title, render_markdown))
    return dict(sorted(files.items()))


def rendered_sources(pages: Iterable[KbPage]) -> list[str]:
    """The Markdown `html_site` will render, for `RenderCache.prefetch`."""
    return [text for p in pages for text in (p.summary, p.body_markdown) if text.strip()]


def _href(path: str) -> str:
    return escape(quote(path, safe="/-_.~"))


def _document(title: str, style: str, nav: str, main: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{_href(style)}">\n</head>\n<body>\n'
        f"<nav>{nav}</nav>\n<main>\n{main}</main>\n</body>\n</html>\n"
    )


def _page_item(layout: Layout, page: KbPage, *, from_folder: str | None) -> str:
    href = _href(layout.href(page.slug, from_folder=from_folder, ext="html"))
    day = page.date.isoformat()
    return f'<li><time datetime="{day}">{day}</time> <a href="{href}">{escape(page.title)}</a></li>'


def _page(layout: Layout, page: KbPage, site: str, render: Callable[[str], str]) -> str:
    folder = layout.folder[page.slug]
    nav = (
        f'<a href="../index.html">{escape(site)}</a> &rsaquo; '
        f'<a href="{TEAM_INDEX}.html">{escape(page.team)}</a>'
    )
    meta = [("Date", f'<time datetime="{page.date}">{page.date}</time>')]
    meta.append(("Team", f'<a href="{TEAM_INDEX}.html">{escape(page.team)}</a>'))
    for label, values in (
        ("Format", (page.format,) if page.format else ()),
        ("Teachers", page.teachers),
        ("Tags", page.tags),
        ("Code areas", tuple(f"<code>{escape(a)}</code>" for a in page.code_areas)),
    ):
        if values:
            shown = values if label == "Code areas" else tuple(escape(v) for v in values)
            meta.append((label, ", ".join(shown)))
    parts = [f'<article>\n<h1>{escape(page.title)}</h1>\n<dl class="meta">']
    parts += [f"<dt>{label}</dt><dd>{value}</dd>" for label, value in meta]
    parts.append("</dl>")
    if page.summary.strip():
        parts.append(f"<section>\n<h2>Summary</h2>\n{_rendered(render, page.summary)}</section>")
    for heading, items in (("Takeaways", page.takeaways), ("Gaps covered", page.gaps)):
        if items:
            listed = "".join(f"<li>{escape(item)}</li>" for item in items)
            parts.append(f"<section>\n<h2>{heading}</h2>\n<ul>{listed}</ul>\n</section>")
    if page.related:
        related = []
        for slug in page.related:
            if slug in layout.by_slug:
                related.append(_page_item(layout, layout.by_slug[slug], from_folder=folder))
            else:
                related.append(f'<li>{escape(slug)} <span class="muted">(not exported)</span></li>')
        parts.append(f"<section>\n<h2>Related</h2>\n<ul>{''.join(related)}</ul>\n</section>")
    if page.body_markdown.strip():
        notes = _rendered(render, page.body_markdown)
        parts.append(f"<section>\n<h2>Notes</h2>\n{notes}</section>")
    parts.append("</article>\n")
    return _document(f"{page.title} · {site}", f"../{STYLE}", nav, "\n".join(parts))


def _rendered(render: Callable[[str], str], markdown: str) -> str:
    html = str(render(markdown))
    return _MERMAID.sub(r'<pre class="mermaid">\1</pre>', html)


def _team_index(layout: Layout, team: Team, site: str) -> str:
    items = "\n".join(_page_item(layout, p, from_folder=team.folder) for p in team.pages)
    main = (
        f'<h1>{escape(team.name)}</h1>\n<p class="muted">{count_pages(len(team.pages))}, newest '
        f'first.</p>\n<ul class="pages">\n{items}\n</ul>\n'
    )
    nav = f'<a href="../index.html">{escape(site)}</a>'
    return _document(f"{team.name} · {site}", f"../{STYLE}", nav, main)


def _top_index(layout: Layout, site: str) -> str:
    items = "\n".join(
        f'<li><a href="{_href(f"{t.folder}/{TEAM_INDEX}.html")}">{escape(t.name)}</a> '
        f'<span class="muted">({count_pages(len(t.pages))})</span></li>'
        for t in layout.teams
    )
    main = f'<h1>{escape(site)}</h1>\n<ul class="pages">\n{items}\n</ul>\n'
    return _document(site, STYLE, f"<strong>{escape(site)}</strong>", main)
