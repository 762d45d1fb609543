"""A Markdown list of gaps, as pasted from a retro board, a wiki page or notes.

Top-level bullets (``-``, ``*``, ``+``, ``1.``, ``1)``) are gaps; nested bullets and
indented lines under one become its description; a task checkbox (``[ ]``, ``[x]``) is
dropped; the nearest heading above is the category; votes at the end of a title are
read as ``(+3)``, ``+3``, ``(3 votes)`` or ``3 votes``. Lines are numbered from 1.
"""

from __future__ import annotations

import re

from peerlearn.engines.gaps.imports.problems import (
    CONTROL,
    LINE_CONTROL,
    ImportProblems,
    Problems,
)
from peerlearn.engines.gaps.imports.retro_csv import MAX_TITLE, MAX_VOTES, ImportedGap

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>.*)$")
_CHECKBOX = re.compile(r"^\[[ xX]\][ \t]+")
_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")
_VOTES = re.compile(
    r"[ \t]*(?:\(\+(?P<a>\d+)\)|\+(?P<b>\d+)|\(?(?P<c>\d+)[ \t]+votes?\)?)[ \t]*$", re.IGNORECASE
)


def parse_markdown_bullets(text: str, *, max_items: int = 5000) -> list[ImportedGap]:
    """Every top-level bullet as a gap, or ``ImportProblems`` with every problem found."""
    problems = Problems()
    items: list[tuple[int, str, list[str], str | None]] = []
    category: str | None = None
    top_indent: int | None = None  # indentation of the current gap's bullet
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if CONTROL.search(line):
            problems.add(number, None, "holds a control character")
            continue
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        if heading:
            category = heading.group("text").strip() or None
            top_indent = None
            continue
        bullet = _BULLET.match(line)
        indent = len(line) - len(line.lstrip(" \t"))
        if bullet and (top_indent is None or indent <= top_indent):
            if len(items) >= max_items:
                problems.add(number, None, f"more than {max_items} items: split the list")
                break
            top_indent = indent
            items.append((number, bullet.group("text"), [], category))
        elif top_indent is not None and indent > top_indent:
            items[-1][2].append(line[top_indent:].strip() if not bullet else line.strip())
        else:
            top_indent = None  # prose between lists ends the current gap
    gaps: list[ImportedGap] = []
    first_line: dict[tuple[str, str], int] = {}
    for number, title_text, description_lines, item_category in items:
        gap = _gap(number, title_text, "\n".join(description_lines), item_category, problems)
        if gap is None:
            continue
        key = (gap.title.casefold(), gap.description.casefold())
        if key in first_line:
            problems.add(number, None, f"repeats line {first_line[key]}")
            continue
        first_line[key] = number
        gaps.append(gap)
    if not items and not problems.items:
        problems.add(None, None, "no list items found (start each gap with '- ')")
    problems.raise_if_any()
    return gaps


def _gap(
    number: int, text: str, description: str, category: str | None, problems: Problems
) -> ImportedGap | None:
    title = _CHECKBOX.sub("", text.strip()).strip()
    votes = 0
    found = _VOTES.search(title)
    if found and found.start() > 0:
        count = int(found.group("a") or found.group("b") or found.group("c"))
        if count > MAX_VOTES:
            problems.add(number, None, f"not a number of votes: {count}")
            return None
        votes = count
        title = title[: found.start()].rstrip()
    if not title:
        problems.add(number, None, "the item has no title")
        return None
    if len(title) > MAX_TITLE:
        problems.add(number, None, f"the title is longer than {MAX_TITLE} characters")
        return None
    if category is not None and (len(category) > MAX_TITLE or LINE_CONTROL.search(category)):
        category = category[:MAX_TITLE]
    return ImportedGap(number, title, description, votes, category, None)


__all__ = ["ImportProblems", "parse_markdown_bullets"]
