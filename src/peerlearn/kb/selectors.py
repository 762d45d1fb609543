"""Reads of the knowledge base: a team's pages with filters, one page, and the proposal
the facilitator confirms before publishing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from peerlearn.capture.models import SessionNotes, Transcript
from peerlearn.engines.capture.takeaways import summarise
from peerlearn.engines.capture.transcripts import Cue
from peerlearn.engines.capture.transcripts import Transcript as ParsedTranscript
from peerlearn.kb.models import KbLabel, KbPage
from peerlearn.people.models import Membership, Team, User
from peerlearn.schedule.models import Session


@dataclass(frozen=True)
class Filters:
    tag: str = ""
    area: str = ""
    format: str = ""
    person: int | None = None


def team_pages(team: Team, filters: Filters) -> QuerySet[KbPage]:
    pages = KbPage.objects.filter(team=team)
    if filters.tag:
        pages = pages.filter(
            _with_label(team, KbLabel.TAG, Q(value=filters.tag.casefold().lstrip("#")))
        )
    if filters.area:
        area = filters.area.strip("/")
        pages = pages.filter(
            _with_label(team, KbLabel.AREA, Q(value=area) | Q(value__startswith=f"{area}/"))
        )
    if filters.format:
        pages = pages.filter(format=filters.format)
    if filters.person:
        pages = pages.filter(teachers__pk=filters.person)
    return pages.prefetch_related("teachers").order_by("-held_on", "-pk")


def _with_label(team: Team, kind: str, condition: Q) -> Q:
    ids = KbLabel.objects.filter(condition, team=team, kind=kind).values("page_id")
    return Q(pk__in=ids)


def team_tags(team: Team) -> list[str]:
    return sorted(
        set(KbLabel.objects.filter(team=team, kind=KbLabel.TAG).values_list("value", flat=True))
    )


def team_teachers(team: Team) -> QuerySet[User]:
    return User.objects.filter(kb_pages_taught__team=team).distinct().order_by("display_name")


@dataclass(frozen=True)
class ProposedAction:
    text: str
    owner: User | None
    owner_said: str  # the name the engine suggested, as said
    quote: str


@dataclass(frozen=True)
class Proposal:
    takeaways: list[str]
    actions: list[ProposedAction]


def _transcript(session: Session) -> ParsedTranscript | None:
    stored = Transcript.objects.filter(session=session).first()
    if stored is None:
        return None
    cues = tuple(Cue(int(c[0]), int(c[1]), c[2] or None, str(c[3])) for c in stored.cues)
    return ParsedTranscript(stored.format, cues)


def _member_by_name(team: Team) -> dict[str, User]:
    found: dict[str, User] = {}
    for membership in Membership.objects.filter(team=team).select_related("user"):
        user = membership.user
        for name in (user.username, user.display_name, user.first_name, user.name):
            if name:
                found.setdefault(name.casefold(), user)
    return found


def proposal(session: Session) -> Proposal:
    """What the notes and transcript suggest: key takeaways and candidate action items,
    owners matched to members of the team by name when the engine suggests one."""
    notes = SessionNotes.objects.filter(session=session).values_list("body", flat=True).first()
    summary = summarise(notes=notes or "", transcript=_transcript(session))
    people = _member_by_name(session.team)
    actions = []
    for candidate in summary.action_items:
        said = (candidate.owner or "").lstrip("@")
        owner = people.get(said.casefold()) or people.get(said.split(" ")[0].casefold())
        actions.append(ProposedAction(candidate.text, owner, said, candidate.quote))
    return Proposal([t.text for t in summary.takeaways], actions)


def newest_pages(team_ids: list[int], *, limit: int = 5) -> list[KbPage]:
    """The dashboard's list: the newest pages of the viewer's teams, in one query."""
    return list(
        KbPage.objects.filter(team_id__in=team_ids)
        .select_related("team")
        .only("pk", "title", "held_on", "team__name")
        .order_by("-published_at", "-pk")[:limit]
    )
