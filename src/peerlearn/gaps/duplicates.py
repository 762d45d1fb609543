"""Possible duplicates in a team's backlog (TF-IDF, engines/gaps/similarity.py): while
someone types a new gap, and as a review list a facilitator merges from."""

from __future__ import annotations

from dataclasses import dataclass

from peerlearn.engines.gaps.similarity import Document, SimilarityIndex, gap_text
from peerlearn.gaps.models import Gap
from peerlearn.gaps.selectors import ACTIVE
from peerlearn.people.models import Team

# Suggestions as a person types are shown from this much alike; pairs to review from more.
TYPING_THRESHOLD = 0.35
REVIEW_THRESHOLD = 0.5
DESCRIPTION_READ = 2_000  # characters of each description that count


@dataclass(frozen=True)
class Alike:
    gap: Gap
    score: float


@dataclass(frozen=True)
class DuplicatePair:
    older: Gap
    newer: Gap
    score: float


def _index(team: Team) -> SimilarityIndex:
    rows = Gap.objects.filter(team=team, status__in=ACTIVE, merged_into__isnull=True)
    return SimilarityIndex(
        Document(pk, gap_text(title, description[:DESCRIPTION_READ]))
        for pk, title, description in rows.values_list("pk", "title", "description")
    )


def _gaps(ids: set[int]) -> dict[int, Gap]:
    return {gap.pk: gap for gap in Gap.objects.filter(pk__in=ids).defer("description")}


def similar_gaps(
    team: Team, text: str, *, exclude: int | None = None, limit: int = 5
) -> list[Alike]:
    """Open or planned gaps of the team most like `text`, best first."""
    if len(text.strip()) < 3:
        return []
    matches = _index(team).similar_to(
        text[:DESCRIPTION_READ], limit=limit, threshold=TYPING_THRESHOLD, exclude=exclude
    )
    gaps = _gaps({m.id for m in matches})
    return [Alike(gaps[m.id], m.score) for m in matches if m.id in gaps]


def duplicate_pairs(team: Team, *, limit: int = 100) -> list[DuplicatePair]:
    """Pairs of the team's open or planned gaps that look like one gap, most alike first."""
    pairs = _index(team).duplicate_pairs(threshold=REVIEW_THRESHOLD, limit=limit)
    gaps = _gaps({p.first for p in pairs} | {p.second for p in pairs})
    return [
        DuplicatePair(gaps[p.first], gaps[p.second], p.score)
        for p in pairs
        if p.first in gaps and p.second in gaps
    ]
