"""The degree-of-authorship model of Avelino et al. (ICPC 2016), per file.

For a file and a developer:
    FA = 1 if the developer created the file (first event of its history), else 0
    DL = the developer's changes to the file (modifications and renames; the creating
         add is not a delivery, as in the reference tool aserg-ufmg/Truck-Factor)
    AC = changes to the file by everyone else over the file's whole history, before or
         after the developer's own first change (the reference tool computes
         file changes - own deliveries; we do the same)
    DOA = 3.293 + 1.098*FA + 0.164*DL - 0.321*ln(1 + AC)
A developer authors the file when DOA / max DOA on the file > 0.75 and either
DOA >= 3.293 or they are its first author (the reference tool's reading).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

DOA_INTERCEPT = 3.293
DOA_FIRST_AUTHOR = 1.098
DOA_DELIVERY = 0.164
DOA_ACCEPTANCE = 0.321
NORMALISED_THRESHOLD = 0.75
ABSOLUTE_THRESHOLD = DOA_INTERCEPT


def degree_of_authorship(first_author: bool, deliveries: int, acceptances: int) -> float:
    return (
        DOA_INTERCEPT
        + DOA_FIRST_AUTHOR * (1 if first_author else 0)
        + DOA_DELIVERY * deliveries
        - DOA_ACCEPTANCE * math.log1p(acceptances)
    )


@dataclass(frozen=True, slots=True)
class Contribution:
    """A person's raw counters on one file (after merging their aliases)."""

    person: str
    first_event: int  # order of the person's first event on the file; lowest = creator
    deliveries: int


# Not frozen only for speed (a frozen dataclass is ~6x slower to create and a big
# repository makes hundreds of thousands): treat it as read-only.
@dataclass(slots=True)
class Authorship:
    person: str
    first_author: bool
    deliveries: int
    acceptances: int
    doa: float
    normalised: float
    is_author: bool


@dataclass(frozen=True, slots=True)
class FileAuthorship:
    path: str
    size: int
    changes: int
    last_change_at: int
    # Highest DOA first; ties broken by person key so output is stable.
    authorships: tuple[Authorship, ...]
    authors: tuple[str, ...]  # the people with is_author, highest DOA first
    main_author: str | None  # the highest DOA, when that person is an author


def file_authorship(
    path: str,
    contributions: Iterable[Contribution],
    *,
    size: int = 0,
    last_change_at: int = 0,
) -> FileAuthorship:
    counts = [(c.person, c.first_event, c.deliveries) for c in contributions]
    return authorship_from_counts(path, counts, size, last_change_at)


def authorship_from_counts(
    path: str, counts: list[tuple[str, int, int]], size: int, last_change_at: int
) -> FileAuthorship:
    """`counts` holds (person, first event, deliveries); the lowest first event created it."""
    changes, authorships, authors, main = score_counts(counts)
    return FileAuthorship(path, size, changes, last_change_at, authorships, authors, main)


# A file's scores without its path, size and date: (changes, authorships, authors, main).
Scores = tuple[int, tuple[Authorship, ...], tuple[str, ...], str | None]


def _sole_author(person: str, deliveries: int) -> Scores:
    # One person only (common): FA = 1, AC = 0, sole and main author.
    doa = DOA_INTERCEPT + DOA_FIRST_AUTHOR + DOA_DELIVERY * deliveries
    only = Authorship(person, True, deliveries, 0, doa, 1.0, True)
    return deliveries, (only,), (person,), person


def _ranked(scored: list[tuple[float, str, int, bool]], changes: int) -> Scores:
    """Authorships from (-DOA, person, deliveries, first author) sorted best first."""
    best = -scored[0][0]
    authorships = []
    authors = []
    for negated, person, deliveries, first in scored:
        doa = -negated
        # DOA can only fall to zero or below for files with ~47k+ changes; then the
        # normalisation is meaningless and only the top scorer keeps a share of 1.
        normalised = doa / best if best > 0 else (1.0 if doa == best else 0.0)
        is_author = normalised > NORMALISED_THRESHOLD and (doa >= ABSOLUTE_THRESHOLD or first)
        if is_author:
            authors.append(person)
        authorships.append(
            Authorship(person, first, deliveries, changes - deliveries, doa, normalised, is_author)
        )
    main = authorships[0].person if authorships[0].is_author else None
    return changes, tuple(authorships), tuple(authors), main


def score_counts(counts: list[tuple[str, int, int]]) -> Scores:
    if not counts:
        return 0, (), (), None
    if len(counts) == 1:
        person, _, deliveries = counts[0]
        return _sole_author(person, deliveries)
    creator = min(counts, key=_first_event)[0]
    changes = sum(map(_deliveries, counts))
    log1p = math.log1p
    # (-DOA, person, …) tuples sort highest DOA first, ties by person key, without a key
    # function (people are unique within a file, so the later fields never decide).
    scored = sorted(
        [
            (
                -(
                    DOA_INTERCEPT
                    + (DOA_FIRST_AUTHOR if person == creator else 0.0)
                    + DOA_DELIVERY * deliveries
                    - DOA_ACCEPTANCE * log1p(changes - deliveries)
                ),
                person,
                deliveries,
                person == creator,
            )
            for person, _, deliveries in counts
        ]
    )
    return _ranked(scored, changes)


def score_entries(entries: Mapping[int, list[int]], names: Sequence[str]) -> Scores:
    """`score_counts` for counters as the state keeps them, `{index: [first event,
    deliveries]}`, with `names[index]` the person: the same scores, without first making
    a list of (person, first event, deliveries) per file."""
    if len(entries) == 1:
        for index, (_, deliveries) in entries.items():
            return _sole_author(names[index], deliveries)
    if not entries:
        return 0, (), (), None
    values = entries.values()
    # First events are unique, so the smallest [first event, deliveries] is the creator's.
    low = min(values)
    changes = sum(map(_second, values))
    log1p = math.log1p
    scored = sorted(
        [
            (
                -(
                    DOA_INTERCEPT
                    + (DOA_FIRST_AUTHOR if entry is low else 0.0)
                    + DOA_DELIVERY * entry[1]
                    - DOA_ACCEPTANCE * log1p(changes - entry[1])
                ),
                names[index],
                entry[1],
                entry is low,
            )
            for index, entry in entries.items()
        ]
    )
    return _ranked(scored, changes)


def merge_entries(
    raw: Mapping[int, list[int]], person_of: list[int | None]
) -> dict[int, list[int]]:
    """Fold per-identity counters into per-person ones, `{person: [first event,
    deliveries]}`; bots (None) are dropped."""
    merged: dict[int, list[int]] = {}
    for ident, (first, deliveries) in raw.items():
        person = person_of[ident]
        if person is None:
            continue
        entry = merged.get(person)
        if entry is None:
            merged[person] = [first, deliveries]
        else:
            if first < entry[0]:
                entry[0] = first
            entry[1] += deliveries
    return merged


_second = itemgetter(1)
_first_event = itemgetter(1)
_deliveries = itemgetter(2)
