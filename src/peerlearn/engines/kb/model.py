"""The input of every writer: one knowledge-base page as plain data, and its checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,199}")


class KbExportError(ValueError):
    """The pages cannot be exported as given; the message names each page and problem."""


@dataclass(frozen=True, kw_only=True, slots=True)
class KbPage:
    slug: str  # unique (case-insensitively: exports land on case-insensitive disks too)
    title: str
    date: date
    team: str  # the team's name; its folder name is derived from it
    format: str = ""  # "lightning talk", "pairing", ...
    summary: str = ""  # Markdown
    takeaways: tuple[str, ...] = ()  # plain text, one line each
    body_markdown: str = ""  # the notes, Markdown (mermaid blocks, links)
    teachers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    code_areas: tuple[str, ...] = ()  # paths in the team's repositories
    gaps: tuple[str, ...] = ()  # titles of the gaps the session covered
    related: tuple[str, ...] = ()  # slugs of other pages
    updated_at: datetime


def checked(pages: Iterable[KbPage]) -> list[KbPage]:
    """The pages sorted by slug, or KbExportError listing every problem found."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    result: list[KbPage] = []
    for number, page in enumerate(pages, start=1):
        where = f"page {number} ({page.slug!r})"
        if not SLUG.fullmatch(page.slug):
            problems.append(
                f"{where}: slug must be 1-200 letters, digits, '-' or '_' (ASCII), "
                "starting with a letter or digit"
            )
        folded = page.slug.lower()
        if folded in seen:
            problems.append(f"{where}: slug repeats that of {seen[folded]!r}")
        seen.setdefault(folded, page.slug)
        if page.updated_at.utcoffset() is None:
            problems.append(f"{where}: updated_at must be timezone-aware")
        if not page.team.strip():
            problems.append(f"{where}: team name is empty")
        result.append(page)
    if problems:
        shown = problems[:20]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise KbExportError("; ".join(shown) + more)
    result.sort(key=lambda page: page.slug)
    return result


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8(text: str) -> bytes:
    """UTF-8, with lone surrogates (which UTF-8 cannot hold) written as U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")
