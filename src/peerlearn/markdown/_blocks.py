"""Fenced code blocks: Pygments highlighting, or a Mermaid diagram's source.

Highlighting happens on the server and marks tokens with CSS classes only (`hl-k`,
`hl-s2`, ...; colours in web/static/web/highlight.css): the site's CSP refuses inline
styles, and a class that is not on the sanitiser's list is dropped anyway.

A ```mermaid block becomes `<pre class="mermaid">` holding the diagram source as
escaped text, which web/static/web/diagrams.js hands to Mermaid in the browser. The
renderer notes in `env` that it wrote one, so the page loads Mermaid only then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

# Lexers are regular expressions written for honest code: past this size a block is shown
# plain, so a hostile paste cannot keep a worker busy backtracking.
MAX_HIGHLIGHTED = 20_000
CLASS_PREFIX = "hl-"
# Every class Pygments' HTML formatter can write with that prefix (the sanitiser's list).
TOKEN_CLASSES = frozenset(CLASS_PREFIX + name for name in STANDARD_TYPES.values() if name)

DIAGRAMS_WANTED = "peerlearn_diagrams"  # env key: turn ```mermaid into a diagram
DIAGRAM_FOUND = "peerlearn_has_diagram"  # env key set when one was written

_FORMATTER = HtmlFormatter(nowrap=True, classprefix=CLASS_PREFIX)


def _language(info: str) -> str:
    words = unescapeAll(info).strip().split(maxsplit=1)
    return words[0].lower() if words else ""


def _lexer(language: str) -> Lexer | None:
    if not language:
        return None
    try:
        # By alias only: nothing is guessed from the content, no file is loaded.
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def highlighted(code: str, language: str) -> str:
    lexer = _lexer(language) if len(code) <= MAX_HIGHLIGHTED else None
    body = highlight(code, lexer, _FORMATTER) if lexer is not None else escapeHtml(code)
    return f'<pre class="highlight"><code>{body}</code></pre>\n'


def render_fence(
    _renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    language = _language(token.info)
    if language == "mermaid" and env.get(DIAGRAMS_WANTED):
        env[DIAGRAM_FOUND] = True
        # Text, never markup: Mermaid reads the node's text, and a `<script>` typed in a
        # diagram arrives there as the characters `<script>`.
        return (
            f'<div class="diagram"><pre class="mermaid">{escapeHtml(token.content)}</pre></div>\n'
        )
    return highlighted(token.content, language)


def render_code_block(
    _renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: dict[str, Any]
) -> str:
    return highlighted(tokens[idx].content, "")
