"""User Markdown to HTML that is safe to put in a page.

Two steps, each with its own job: markdown-it-py renders with raw HTML disabled (a
`<script>` a person typed comes out as text), then nh3 keeps only an allowlist of tags,
attributes and URL schemes, so nothing the renderer might let through (a
`javascript:` link, an event handler) reaches the browser. Images are left out: one
from another site would tell it who read the page and when.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

MAX_SOURCE = 100_000  # characters rendered; the rest is cut (fields are bounded anyway)

_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "code": {"class"},
}
_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(text: str) -> SafeString:
    html = _renderer.render(text[:MAX_SOURCE])
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
