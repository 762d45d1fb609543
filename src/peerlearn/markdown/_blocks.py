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
from functools import lru_cache
from typing import Any

from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

# Characters highlighted per document; blocks past this are shown plain. Pygments runs
# some 50-100 characters a millisecond (Python's lexer, benchmarks/notes_markdown.py),
# and its lexers are regular expressions written for honest code: so a 100,000-character
# paste costs a page a fifth of a second at most, not seconds.
MAX_HIGHLIGHTED = 10_000
CLASS_PREFIX = "hl-"
# Every class Pygments' HTML formatter can write with that prefix (the sanitiser's list).
TOKEN_CLASSES = frozenset(CLASS_PREFIX + name for name in STANDARD_TYPES.values() if name)

DIAGRAMS_WANTED = "peerlearn_diagrams"  # env key: turn ```mermaid into a diagram
DIAGRAM_FOUND = "peerlearn_has_diagram"  # env key set when one was written
_HIGHLIGHTED = "peerlearn_highlighted"  # env key: characters highlighted so far

_FORMATTER = HtmlFormatter(nowrap=True, classprefix=CLASS_PREFIX)


def _language(info: str) -> str:
    words = unescapeAll(info).strip().split(maxsplit=1)
    return words[0].lower() if words else ""


# Finding a lexer by alias walks Pygments' registry (~0.1 ms, as long as highlighting a
# short block); a lexer holds only its options, so one instance serves every block.
@lru_cache(maxsize=128)
def _lexer(language: str) -> Lexer | None:
    if not language:
        return None
    try:
        # By alias only: nothing is guessed from the content, no file is loaded.
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def highlighted(code: str, language: str, env: dict[str, Any] | None = None) -> str:
    spent = 0 if env is None else int(env.get(_HIGHLIGHTED, 0))
    lexer = _lexer(language) if spent + len(code) <= MAX_HIGHLIGHTED else None
    if lexer is not None and env is not None:
        env[_HIGHLIGHTED] = spent + len(code)
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
    return highlighted(token.content, language, env)


def render_code_block(
    _renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: dict[str, Any]
) -> str:
    return highlighted(tokens[idx].content, "")
