"""A short passage of a matched text around the searched words, as plain segments.

The databases match stemmed words (`deploying` finds `deployment`); a snippet needs
only to point at them, so a word is marked when it starts with the searched word's stem
(a few common English endings cut off) and is at most a few letters longer. The caller
escapes every segment and wraps the marked ones (no text is trusted as markup).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s")
_EXTRA_LETTERS = 5
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _fold(text: str) -> str:
    # Accents are kept: the pattern is matched case-insensitively against the text as
    # stored, so "café" marks "Café" (the databases also match it to "cafe").
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    # Only words (letters and digits) are looked for, as the query parser makes them.
    stems = sorted({stem(w) for w in words if _WORD.fullmatch(w)}, key=len, reverse=True)
    if not stems:
        return None
    alternatives = "|".join(re.escape(s) for s in stems)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]{{0,{_EXTRA_LETTERS}}}(?![^\W_])", re.I)


def _marks(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    pattern = _pattern(tuple(_fold(w) for w in words))
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text)]


def _segments(text: str, spans: Sequence[tuple[int, int]]) -> list[Segment]:
    out: list[Segment] = []
    at = 0
    for start, end in spans:
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], marked=True))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def highlight(text: str, words: Sequence[str]) -> list[Segment]:
    """All of a short text (a title), its matching words marked."""
    return _segments(text, _marks(text, tuple(words)))


def snippet(text: str, words: Sequence[str], *, width: int = 220) -> list[Segment]:
    """About `width` characters of `text` around the first matching word (the start of
    the text when none matches), cut at spaces, with … where text was left out."""
    key = tuple(words)
    pattern = _pattern(tuple(_fold(w) for w in key))
    # One search for the first match (a transcript may be 300 KB), then only the window.
    first = pattern.search(text) if pattern is not None else None
    start = max(0, first.start() - width // 4) if first is not None else 0
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    window = _SPACE.sub(" ", text[start:end]).strip()
    segments = _segments(window, _marks(window, key))
    if start > 0:
        segments.insert(0, Segment("… "))
    if end < len(text):
        segments.append(Segment(" …"))
    return segments
