"""A whiteboard link alone in its paragraph becomes a card naming the tool.

Only a link: no iframe and no preview image, because either would make every reader's
browser call the whiteboard's site (and the CSP allows neither). The badge is drawn by
web/static/web/notes.css, so without the stylesheet the card is a plain link that still
reads "Miro board: ...".

Recognised: `https://miro.com/...` typed bare, as `<https://...>`, or as
`[label](https://...)`, each on its own line (a blank line before and after, or a list
item of its own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token


@dataclass(frozen=True)
class Tool:
    key: str  # CSS class whiteboard-<key>
    name: str  # what the card says
    host: str  # this host or any subdomain of it
    path_prefix: str = ""


TOOLS = (
    Tool("whimsical", "Whimsical board", "whimsical.com"),
    Tool("excalidraw", "Excalidraw drawing", "excalidraw.com"),
    Tool("miro", "Miro board", "miro.com"),
    # figma.com also hosts design files; /board/ is FigJam's whiteboards.
    Tool("figjam", "FigJam board", "figma.com", "/board/"),
    Tool("tldraw", "tldraw drawing", "tldraw.com"),
)
CARD_CLASSES = frozenset({"whiteboard"} | {f"whiteboard-{tool.key}" for tool in TOOLS})

_BARE_URL = re.compile(r"<?(https?://[^\s<>\"'`\\]+)>?")
MAX_LABEL = 80
_LABEL_TOKENS = {"text", "code_inline", "softbreak"} | {
    f"{kind}_{side}" for kind in ("em", "strong", "s") for side in ("open", "close")
}


def tool_for(url: str) -> Tool | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # a malformed port or IPv6 literal: not a card
        return None
    if parts.scheme not in {"http", "https"} or parts.username or parts.password:
        return None  # https://miro.com@elsewhere.example is elsewhere.example
    for tool in TOOLS:
        on_host = host == tool.host or host.endswith("." + tool.host)
        if on_host and parts.path.startswith(tool.path_prefix):
            return tool
    return None


def _short(url: str) -> str:
    parts = urlsplit(url)
    shown = (parts.hostname or "") + parts.path.rstrip("/")
    return shown if len(shown) <= MAX_LABEL else shown[: MAX_LABEL - 1] + "…"


def _link_of(inline: Token, state: StateCore) -> tuple[str, str | None] | None:
    """(href, label typed or None) when the paragraph is one link and nothing else."""
    children = inline.children or []
    if (
        len(children) >= 2
        and children[0].type == "link_open"
        and children[-1].type == "link_close"
        and all(child.type in _LABEL_TOKENS for child in children[1:-1])
    ):
        href = str(children[0].attrs.get("href", ""))
        # The label as plain words: emphasis inside it is dropped, a line break is a space.
        label = "".join(
            " " if child.type == "softbreak" else child.content for child in children[1:-1]
        ).strip()
        autolink = children[0].markup == "autolink"
        return href, None if autolink or label == href else label
    match = _BARE_URL.fullmatch(inline.content.strip())
    if match is None:
        return None
    href = state.md.normalizeLink(match.group(1))
    return (href, None) if state.md.validateLink(href) else None


def whiteboard_cards(state: StateCore) -> None:
    """Core rule: swap paragraph_open/inline/paragraph_close for one card token."""
    tokens = state.tokens
    result: list[Token] = []
    i = 0
    while i < len(tokens):
        window = tokens[i : i + 3]
        if [t.type for t in window] == ["paragraph_open", "inline", "paragraph_close"]:
            link = _link_of(window[1], state)
            tool = tool_for(link[0]) if link else None
            if link is not None and tool is not None:
                card = Token("whiteboard_card", "", 0)
                card.block = True
                card.map = window[0].map
                card.meta = {"href": link[0], "label": link[1] or _short(link[0]), "tool": tool}
                result.append(card)
                i += 3
                continue
        result.append(tokens[i])
        i += 1
    state.tokens = result


def render_card(
    _renderer: Any, tokens: Sequence[Token], idx: int, _options: Any, _env: dict[str, Any]
) -> str:
    meta = tokens[idx].meta
    tool: Tool = meta["tool"]
    label = meta["label"][:MAX_LABEL]
    return (
        f'<p class="whiteboard-card"><a class="whiteboard whiteboard-{tool.key}"'
        f' href="{escapeHtml(meta["href"])}">'
        '<span class="whiteboard-badge" aria-hidden="true"></span>'
        f'<span class="whiteboard-tool">{escapeHtml(tool.name)}:</span> '
        f'<span class="whiteboard-label">{escapeHtml(label)}</span></a></p>\n'
    )
