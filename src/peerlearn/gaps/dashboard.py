"""The dashboard's part of the backlog: each team's top open gaps, and what the viewer
voted for or offered to teach that is still wanted.

Two queries for any number of teams: the active gaps (with the viewer's vote) and the
viewer's offers. Priority depends on age, so it is computed here, not stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from peerlearn.gaps.models import Gap, GapStatus, GapVote, TeachingOffer
from peerlearn.gaps.selectors import ACTIVE, gap_priority, total_votes
from peerlearn.people.models import User

TOP_PER_TEAM = 3
# What the card shows of a gap and what its priority needs.
SHOWN_AND_RANKED = (
    "id", "team_id", "title", "status", "source", "vote_count", "evidence",
    "created_at", "signal_strength", "importance",
)  # fmt: skip
MINE_PER_TEAM = 5


@dataclass(frozen=True)
class TopGap:
    gap: Gap
    votes: int  # cast here and imported with the gap


@dataclass
class TeamGaps:
    top: list[TopGap] = field(default_factory=list)
    open_count: int = 0
    voted: list[Gap] = field(default_factory=list)
    offered: list[TeachingOffer] = field(default_factory=list)


def dashboard_gaps(viewer: User, team_ids: Iterable[int]) -> dict[int, TeamGaps]:
    ids = list(team_ids)
    result = {team_id: TeamGaps() for team_id in ids}
    gaps = (
        Gap.objects.filter(team_id__in=ids, status__in=ACTIVE, merged_into__isnull=True)
        .only(*SHOWN_AND_RANKED)
        .annotate(viewer_voted=Exists(GapVote.objects.filter(gap=OuterRef("pk"), voter=viewer)))
    )
    now = timezone.now()
    open_gaps: dict[int, list[tuple[float, Gap]]] = {team_id: [] for team_id in ids}
    for gap in gaps:
        if gap.viewer_voted:
            result[gap.team_id].voted.append(gap)
        if gap.status == GapStatus.OPEN:
            open_gaps[gap.team_id].append((gap_priority(gap, now=now).score, gap))
    for team_id, scored in open_gaps.items():
        scored.sort(key=lambda item: (-item[0], item[1].created_at, item[1].pk))
        result[team_id].top = [TopGap(gap, total_votes(gap)) for _, gap in scored[:TOP_PER_TEAM]]
        result[team_id].open_count = len(scored)
        result[team_id].voted.sort(key=lambda gap: gap.title.lower())
        del result[team_id].voted[MINE_PER_TEAM:]
    offers = (
        TeachingOffer.objects.filter(team_id__in=ids, person=viewer)
        .exclude(gap__status__in=[GapStatus.DROPPED, GapStatus.VERIFIED, GapStatus.COVERED])
        .exclude(gap__merged_into__isnull=False)
        .select_related("gap")
        .only("id", "team_id", "topic", "gap__id", "gap__title", "gap__status")
        .order_by("-pk")
    )
    for offer in offers:
        mine = result[offer.team_id].offered
        if len(mine) < MINE_PER_TEAM:
            mine.append(offer)
    return result
