"""Reads the backlog pages and the API share: the ranked backlog, one gap with what its
page shows, duplicate candidates. Query counts do not grow with the number of gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from peerlearn.engines.gaps.priority import Priority, PriorityInput, priority
from peerlearn.gaps.models import Gap, GapEvent, GapStatus, GapVote, TeachingOffer
from peerlearn.people.models import Team, User
from peerlearn.schedule.models import Session

ACTIVE = (GapStatus.OPEN, GapStatus.PLANNED)


@dataclass(frozen=True)
class RankedGap:
    gap: Gap
    priority: Priority
    voted: bool  # by the viewer
    offers: int

    @property
    def votes(self) -> int:
        return self.gap.vote_count + self.imported_votes

    @property
    def imported_votes(self) -> int:
        value = self.gap.evidence.get("imported_votes", 0)
        return value if isinstance(value, int) else 0


def total_votes(gap: Gap) -> int:
    """Votes cast in peerlearn plus those a retrospective import brought along."""
    imported = gap.evidence.get("imported_votes", 0)
    return gap.vote_count + (imported if isinstance(imported, int) else 0)


def gap_priority(gap: Gap, *, now: datetime | None = None) -> Priority:
    moment = now or timezone.now()
    return priority(
        PriorityInput(
            votes=total_votes(gap),
            source=gap.source,
            days_open=(moment - gap.created_at).total_seconds() / 86400,
            signal_strength=gap.signal_strength,
            importance=gap.importance,
        )
    )


def _with_viewer(queryset: QuerySet[Gap], viewer: User) -> QuerySet[Gap]:
    return queryset.annotate(
        viewer_voted=Exists(GapVote.objects.filter(gap=OuterRef("pk"), voter=viewer)),
        offer_count=Count("offers", distinct=True),
    )


def ranked_backlog(
    team: Team,
    viewer: User,
    *,
    statuses: tuple[str, ...] = ACTIVE,
    source: str | None = None,
    query: str = "",
) -> list[RankedGap]:
    """The team's gaps in these statuses, highest priority first (ties: older first)."""
    gaps = Gap.objects.filter(team=team, status__in=statuses, merged_into__isnull=True)
    if source:
        gaps = gaps.filter(source=source)
    if query:
        gaps = gaps.filter(title__icontains=query[:100])
    now = timezone.now()
    ranked = [
        RankedGap(
            gap=gap,
            priority=gap_priority(gap, now=now),
            voted=gap.viewer_voted,  # type: ignore[attr-defined]
            offers=gap.offer_count,  # type: ignore[attr-defined]
        )
        for gap in _with_viewer(gaps.defer("description"), viewer)
    ]
    ranked.sort(key=lambda r: (-r.priority.score, r.gap.created_at, r.gap.pk))
    return ranked


@dataclass(frozen=True)
class GapPage:
    gap: Gap
    priority: Priority
    voted: bool
    offers: list[TeachingOffer]
    events: list[GapEvent]
    sessions: list[Session]
    merged_from: list[Gap]


def gap_page(gap: Gap, viewer: User) -> GapPage:
    offers = list(TeachingOffer.objects.filter(gap=gap).select_related("person"))
    events = list(gap.events.select_related("actor"))
    sessions = list(gap.sessions.order_by("starts_at"))
    merged = list(Gap.objects.filter(merged_into=gap).only("pk", "title", "merged_into"))
    voted = GapVote.objects.filter(gap=gap, voter=viewer).exists()
    return GapPage(gap, gap_priority(gap), voted, offers, events, sessions, merged)


def team_offers(team: Team) -> QuerySet[TeachingOffer]:
    """Offers to teach of the team: on open gaps, and topics without a gap."""
    return (
        TeachingOffer.objects.filter(team=team)
        .exclude(gap__status__in=[GapStatus.DROPPED, GapStatus.VERIFIED])
        .select_related("person", "gap")
    )
