"""Retrospective exports as CSV (Parabol, EasyRetro, Retrium, Miro, a spreadsheet).

Every tool names its columns differently, so the caller shows the header
(:func:`csv_columns`) and the person maps it (:class:`ColumnMapping`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peerlearn.engines.gaps.imports.problems import (
    CONTROL,
    LINE_CONTROL,
    ImportProblems,
    Problem,
    Problems,
    csv_records,
    decode_upload,
    sniff_delimiter,
)

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_VOTES = 1_000_000
_VOTES = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class ColumnMapping:
    """Header names of the columns to read; only ``title`` is required."""

    title: str
    description: str | None = None
    votes: str | None = None
    category: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class ImportedGap:
    line: int  # where the item starts in the file, from 1
    title: str
    description: str
    votes: int
    category: str | None
    author: str | None


# What the columns of common exports are called, to propose a mapping (the page
# preselects it, the API uses it when no column is named).
_GUESSES = {
    "title": ("title", "reflection", "text", "card", "content", "idea", "item", "note", "summary"),
    "description": ("description", "details", "comment", "comments", "body"),
    "votes": ("votes", "vote", "vote count", "likes", "+1", "upvotes"),
    "category": ("category", "column", "group", "topic", "section", "prompt"),
    "author": ("author", "created by", "owner", "by"),
}


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Field → header name, for the fields whose column a common name gives away; a
    column is used for one field at most."""
    lowered = {c.strip().lower(): c for c in columns}
    guessed: dict[str, str] = {}
    for field, names in _GUESSES.items():
        for name in names:
            if name in lowered and lowered[name] not in guessed.values():
                guessed[field] = lowered[name]
                break
    return guessed


def csv_columns(data: bytes) -> list[str]:
    """The header of a CSV upload (``,``, ``;`` or tab separated), for mapping."""
    text = decode_upload(data)
    for _, fields in csv_records(text, sniff_delimiter(text)):
        return [field.strip() for field in fields]
    raise ImportProblems([Problem(None, None, "the file is empty")])


def parse_retro_csv(
    data: bytes, mapping: ColumnMapping, *, max_rows: int = 5000
) -> list[ImportedGap]:
    """Every row as a gap, or ``ImportProblems`` with every problem found."""
    text = decode_upload(data)
    records = csv_records(text, sniff_delimiter(text))
    header_record = next(records, None)
    if header_record is None:
        raise ImportProblems([Problem(None, None, "the file is empty")])
    header = [field.strip() for field in header_record[1]]
    positions = _positions(header, mapping)
    problems = Problems()
    gaps: list[ImportedGap] = []
    first_line: dict[tuple[str, str], int] = {}
    rows = 0
    for line, fields in records:
        rows += 1
        if rows > max_rows:
            problems.add(line, None, f"more than {max_rows} rows: split the file")
            break
        if len(fields) != len(header):
            problems.add(line, None, f"{len(fields)} fields where the header has {len(header)}")
            continue
        gap = _gap(line, fields, positions, problems)
        if gap is None:
            continue
        key = (" ".join(gap.title.casefold().split()), " ".join(gap.description.casefold().split()))
        if key in first_line:
            problems.add(line, None, f"repeats line {first_line[key]}")
            continue
        first_line[key] = line
        gaps.append(gap)
        if problems.full:
            break
    if not rows:
        problems.add(None, None, "the file has a header but no rows")
    problems.raise_if_any()
    return gaps


def _positions(header: list[str], mapping: ColumnMapping) -> dict[str, tuple[str, int]]:
    """Field → (column name, index in the header); refuses missing or ambiguous ones."""
    problems = []
    positions = {}
    for field in ("title", "description", "votes", "category", "author"):
        name = getattr(mapping, field)
        if name is None:
            continue
        count = header.count(name.strip())
        if count == 0:
            listed = ", ".join(repr(column) for column in header)
            problems.append(Problem(1, name, f"no such column in the header ({listed})"))
        elif count > 1:
            problems.append(Problem(1, name, "the header has this column more than once"))
        else:
            positions[field] = (name, header.index(name.strip()))
    if problems:
        raise ImportProblems(problems)
    return positions


def _gap(
    line: int, fields: list[str], positions: dict[str, tuple[str, int]], problems: Problems
) -> ImportedGap | None:
    def value(field: str) -> str | None:
        if field not in positions:
            return None
        return fields[positions[field][1]].strip()

    before = len(problems.items) + problems.truncated
    title_column = positions["title"][0]
    # Cards are often written over several lines; a title is one line.
    title = " ".join((value("title") or "").replace("\r", " ").replace("\n", " ").split(" "))
    title = re.sub(r"  +", " ", title).strip()
    if not title:
        problems.add(line, title_column, "the title is empty")
    elif len(title) > MAX_TITLE:
        problems.add(line, title_column, f"the title is longer than {MAX_TITLE} characters")
    elif LINE_CONTROL.search(title):
        problems.add(line, title_column, "the title holds a line break or control character")
    description = (value("description") or "").replace("\r\n", "\n")
    if len(description) > MAX_DESCRIPTION:
        problems.add(line, positions["description"][0], f"longer than {MAX_DESCRIPTION} characters")
    elif CONTROL.search(description):
        problems.add(line, positions["description"][0], "holds a control character")
    votes = 0
    raw_votes = value("votes")
    if raw_votes:
        if not _VOTES.fullmatch(raw_votes) or int(raw_votes) > MAX_VOTES:
            problems.add(line, positions["votes"][0], f"not a number of votes: {raw_votes!r}")
        else:
            votes = int(raw_votes)
    short = {}
    for field in ("category", "author"):
        text = value(field)
        if text and (len(text) > MAX_TITLE or LINE_CONTROL.search(text)):
            problems.add(line, positions[field][0], "longer than 200 characters or not one line")
        short[field] = text or None
    if len(problems.items) + problems.truncated > before:
        return None
    return ImportedGap(line, title, description, votes, short["category"], short["author"])
