"""User Markdown to HTML that is safe to put in a page.

Two steps, each with its own job: markdown-it-py renders with raw HTML disabled (a
`<script>` a person typed comes out as text), then nh3 keeps only an allowlist of tags,
attributes, classes and URL schemes (`_clean.py`), so nothing the renderer might let
through (a `javascript:` link, an event handler) reaches the browser. Images are left
out: one from another site would tell it who read the page and when.

Beyond CommonMark: tables, strikethrough, task lists (`- [x]`, shown as disabled
boxes), footnotes (`[^1]`, `^[inline]`), code blocks highlighted by Pygments with CSS
classes, whiteboard links on a line of their own shown as a card (`_whiteboards.py`),
and, in notes only, ```mermaid blocks drawn as diagrams in the browser.

Use from Python:

    render_markdown(text) -> SafeString      # gap descriptions, API fields: no diagrams
    render_notes(text, doc_id="note-12")     # RenderedMarkdown(html, has_diagram)

Use from a template (peerlearn.web.templatetags.markdown):

    {% load markdown %}
    {{ gap.description|markdown }}           {# as render_markdown #}
    {% notes_markdown session.notes %}       {# as render_notes, plus its assets #}
    {% notes_markdown note.text doc_id=note.pk %}  {# several on a page: unique ids #}

`notes_markdown` writes the stylesheets (web/notes.css, web/highlight.css) the first
time it is used on a page, and, only when some output holds a diagram, the Mermaid
script and web/diagrams.js; it also marks the request so that
peerlearn.web.csp.DiagramStylesMiddleware lets that one page apply the inline styles
Mermaid puts in its SVG (docs/security.md, "Notes Markdown"). Pages that call
render_notes themselves and put `has_diagram` output in a page must do the same: use
`peerlearn.web.csp.allow_diagram_styles(request)` and the include
"web/diagram_scripts.html". Diagrams are drawn on page load and after an HTMX swap;
the policy that counts is the page's, not the fragment's, so a page that may swap in
notes with a diagram must itself call allow_diagram_styles and include those scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from ._blocks import DIAGRAM_FOUND, DIAGRAMS_WANTED, render_code_block, render_fence
from ._clean import clean
from ._whiteboards import render_card, whiteboard_cards

__all__ = [
    "MAX_SOURCE",
    "RENDER_VERSION",
    "RenderedMarkdown",
    "render_markdown",
    "render_notes",
    "render_notes_html",
]

MAX_SOURCE = 100_000  # characters rendered; the rest is cut (fields are bounded anyway)
# What rendered HTML kept between runs (engines.kb.RenderCache) is keyed by besides the
# source: raise the first number whenever this package's output changes; the libraries'
# versions cover an upgrade of theirs.
RENDER_VERSION = "-".join(
    (
        "1",
        *(
            metadata.version(name)
            for name in ("markdown-it-py", "mdit-py-plugins", "nh3", "Pygments")
        ),
    )
)
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class RenderedMarkdown:
    html: SafeString
    has_diagram: bool

    def __html__(self) -> SafeString:  # `{{ rendered }}` in a template shows the HTML
        return self.html

    def __str__(self) -> str:
        return self.html


def _render_footnote_anchor(
    renderer: Any, tokens: Any, idx: int, options: Any, env: dict[str, Any]
) -> str:
    # The plugin's back-link is a bare arrow; give it words for screen readers.
    ident: str = renderer.rules["footnote_anchor_name"](tokens, idx, options, env)
    if tokens[idx].meta["subId"] > 0:
        ident += ":" + str(tokens[idx].meta["subId"])
    return f' <a href="#fnref{ident}" class="footnote-backref" aria-label="Back to the text">↩︎</a>'


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin)  # boxes disabled (its default); the sanitiser insists too
    md.use(footnote_plugin)
    md.core.ruler.push("whiteboard_cards", whiteboard_cards)
    md.add_render_rule("fence", render_fence)
    md.add_render_rule("code_block", render_code_block)
    md.add_render_rule("whiteboard_card", render_card)
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    return md


_renderer = _build()


# The same notes are shown again and again; highlighting is most of the cost (tens of
# milliseconds for a typical page). Bounded: 64 texts of at most 100,000 characters, and their HTML.
@lru_cache(maxsize=64)
def _render(text: str, *, diagrams: bool, doc_id: str | None) -> RenderedMarkdown:
    env: dict[str, Any] = {DIAGRAMS_WANTED: diagrams}
    if doc_id is not None:
        if not _DOC_ID.fullmatch(doc_id):
            raise ValueError(f"doc_id {doc_id!r}: use 1-40 of a-z, 0-9 and '-'")
        env["docId"] = doc_id  # footnote ids become fn-<doc_id>-1
    html = clean(_renderer.render(text[:MAX_SOURCE], env))
    safe = mark_safe(html)  # noqa: S308 - sanitised by nh3 just above
    return RenderedMarkdown(safe, has_diagram=bool(env.get(DIAGRAM_FOUND)))


def render_markdown(text: str) -> SafeString:
    """Sanitised HTML; a ```mermaid block stays a code block (no script on those pages)."""
    return _render(text, diagrams=False, doc_id=None).html


def render_notes_html(text: str) -> str:
    """Notes as HTML with their diagrams as `<pre class="mermaid">` (the static export)."""
    return render_notes(text).html


def render_notes(text: str, *, doc_id: str | int | None = None) -> RenderedMarkdown:
    """Sanitised HTML for session notes, and whether it holds a diagram to draw."""
    return _render(text, diagrams=True, doc_id=None if doc_id is None else str(doc_id))
