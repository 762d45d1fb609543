"""The sanitiser's allowlist: what the renderer may write, and nothing else.

Raw HTML is off in the renderer, so everything here comes from markdown-it and its
plugins; nh3 still checks it, so a renderer bug (or a plugin that forgot to escape)
cannot give a page a script, an event handler, a `javascript:` link or a style.
"""

from __future__ import annotations

import re

import nh3

from ._blocks import TOKEN_CLASSES
from ._whiteboards import CARD_CLASSES

TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
    "input", "sup", "section", "div", "span",  # task lists, footnotes, highlighting, cards
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "li": {"id"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
# Attributes allowed with these values only (nh3 drops the attribute otherwise).
ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}, "checked": {"checked", ""}, "disabled": {"disabled", ""}},
    "span": {"aria-hidden": {"true"}},
    "a": {"aria-label": {"Back to the text"}},  # the footnote back-link's words
}
# Whatever the renderer wrote, a task list box is never something to click.
FORCED_ATTRIBUTES = {"input": {"disabled": "disabled"}}
CLASSES = {
    "pre": {"highlight", "mermaid"},
    "div": {"diagram"},
    "span": set(TOKEN_CLASSES) | {"whiteboard-badge", "whiteboard-tool", "whiteboard-label"},
    "a": {"footnote-backref"} | set(CARD_CLASSES),
    "p": {"whiteboard-card"},
    "sup": {"footnote-ref"},
    "hr": {"footnotes-sep"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item", "task-list-item"},
    "ul": {"contains-task-list"},
    "input": {"task-list-item-checkbox"},
}
SCHEMES = {"http", "https", "mailto"}

# Footnote anchors are the only ids: numbered by the plugin (fn3, fnref3:2), with the
# page's optional prefix (fn-note-12-3). A typed id could shadow a page's own element.
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?(?:-[a-z0-9-]{1,40}-)?\d{1,5}(?::\d{1,5})?")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not _FOOTNOTE_ID.fullmatch(value):
        return None
    return value


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        tag_attribute_values=ATTRIBUTE_VALUES,
        set_tag_attribute_values=FORCED_ATTRIBUTES,
        allowed_classes=CLASSES,
        attribute_filter=_attribute_filter,
        url_schemes=SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
