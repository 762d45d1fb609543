"""What the gap endpoints answer: a gap as the backlog lists it, one gap with its page's
content, an offer to teach. Shared by api/endpoints/gaps.py and gap_sources.py."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ninja import Field, Schema

from peerlearn.gaps.access import GapAccess, may_edit_text
from peerlearn.gaps.models import Gap, GapSource, GapStatus, Importance, TeachingOffer
from peerlearn.gaps.selectors import RankedGap, gap_page
from peerlearn.markdown import render_markdown
from peerlearn.people.models import User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.models import SessionStatus


class PersonRef(Schema):
    user_id: int = Field(..., examples=[4])
    name: str = Field(..., examples=["Bob"])


class PriorityOut(Schema):
    score: float = Field(..., description="The product of the parts below.", examples=[2.4])
    votes: float = Field(..., description="Factor from the votes.", examples=[1.6])
    source: float = Field(..., description="Factor from where the gap came from.", examples=[1.2])
    waiting: float = Field(..., description="Factor from how long it waits.", examples=[1.1])
    signal: float = Field(..., description="Factor from a signal's evidence.", examples=[1.0])
    importance: float = Field(..., description="Factor from the triagers' say.", examples=[1.0])


class GapOut(Schema):
    id: int = Field(..., examples=[7])
    team_id: int = Field(..., examples=[1])
    title: str = Field(..., examples=["How our deploy pipeline works"])
    source: GapSource = Field(..., examples=[GapSource.RETROSPECTIVE])
    status: GapStatus = Field(..., examples=[GapStatus.OPEN])
    importance: Importance = Field(..., description="0 low, 1 normal, 2 high.", examples=[1])
    votes: int = Field(
        ..., description="Votes here plus votes imported with the gap.", examples=[3]
    )
    imported_votes: int = Field(..., examples=[0])
    voted: bool = Field(..., description="Whether you voted for it.")
    offers: int = Field(..., description="Offers to teach it.", examples=[1])
    code_areas: list[str] = Field(..., examples=[["deploy/", "ci/pipeline.yml"]])
    priority: PriorityOut
    raised_by: PersonRef | None = Field(
        ...,
        description="null for anonymous asks, gaps from 1:1 notes and accepted suggestions.",
    )
    url: str = Field(..., description="The gap's page.", examples=["/gaps/7/"])
    created_at: dt.datetime = Field(
        ..., description="Kept to the day for gaps that name nobody (anonymous, 1:1)."
    )


def _person(user: User | None) -> PersonRef | None:
    return None if user is None else PersonRef(user_id=user.pk, name=user.name)


def gap_out(row: RankedGap, *, raised_by: User | None) -> GapOut:
    gap, part = row.gap, row.priority
    return GapOut(
        id=gap.pk,
        team_id=gap.team_id,
        title=gap.title,
        source=GapSource(gap.source),
        status=GapStatus(gap.status),
        importance=Importance(gap.importance),
        votes=row.votes,
        imported_votes=row.imported_votes,
        voted=row.voted,
        offers=row.offers,
        code_areas=list(gap.code_areas),
        priority=PriorityOut(
            score=part.score,
            votes=part.votes,
            source=part.source,
            waiting=part.waiting,
            signal=part.signal,
            importance=part.importance,
        ),
        raised_by=_person(raised_by),
        url=gap.get_absolute_url(),
        created_at=gap.created_at,
    )


def raisers(gaps: Iterable[Gap]) -> dict[int, User]:
    """The people who raised these gaps, in one query (the backlog leaves them out)."""
    ids = {gap.raised_by_id for gap in gaps if gap.raised_by_id is not None}
    return User.objects.in_bulk(ids) if ids else {}


class OfferOut(Schema):
    id: int = Field(..., examples=[5])
    team_id: int = Field(..., examples=[1])
    gap_id: int | None = Field(..., description="null for a topic of one's own.", examples=[7])
    topic: str = Field(..., description="Set when there is no gap.", examples=[""])
    person: PersonRef
    note: str = Field(..., examples=["I set the pipeline up; an hour at the whiteboard?"])
    created_at: dt.datetime


def offer_out(offer: TeachingOffer) -> OfferOut:
    return OfferOut(
        id=offer.pk,
        team_id=offer.team_id,
        gap_id=offer.gap_id,
        topic=offer.topic,
        person=PersonRef(user_id=offer.person_id, name=offer.person.name),
        note=offer.note,
        created_at=offer.created_at,
    )


class SessionRef(Schema):
    id: int = Field(..., examples=[12])
    title: str = Field(..., examples=["Deploys, end to end"])
    status: SessionStatus = Field(..., examples=[SessionStatus.SCHEDULED])
    starts_at: dt.datetime
    url: str = Field(..., examples=["/sessions/12/"])


class EventOut(Schema):
    at: dt.datetime
    actor: str | None = Field(
        ..., description="Who did it; null for anonymous asks and the system.", examples=["Fiona"]
    )
    kind: str = Field(..., examples=["status"])
    text: str = Field(..., examples=["open → planned."])


class GapDetailOut(GapOut):
    description: str = Field(..., description="Markdown, as written.", examples=["Who can help?"])
    description_html: str = Field(
        ...,
        description="The description rendered and sanitised.",
        examples=["<p>Who can help?</p>"],
    )
    dropped_reason: str = Field(..., examples=[""])
    evidence: dict[str, Any] = Field(
        ..., description="What an import or a signal recorded.", examples=[{}]
    )
    merged_into: int | None = Field(..., description="The gap this one was merged into.")
    merged_from: list[int] = Field(..., description="Gaps merged into this one.", examples=[[9]])
    teaching_offers: list[OfferOut]
    sessions: list[SessionRef]
    history: list[EventOut]
    can_triage: bool = Field(..., description="Whether you may change status, merge, link.")
    can_edit: bool = Field(..., description="Whether you may edit title, description, areas.")


def gap_detail_out(access: GapAccess, reader: User) -> GapDetailOut:
    gap = Gap.objects.select_related("raised_by").get(pk=access.obj.pk)
    page = gap_page(gap, reader)
    ranked = RankedGap(gap=gap, priority=page.priority, voted=page.voted, offers=len(page.offers))
    base = gap_out(ranked, raised_by=gap.raised_by).model_dump()
    return GapDetailOut(
        **base,
        description=gap.description,
        description_html=str(render_markdown(gap.description)),
        dropped_reason=gap.dropped_reason,
        evidence=dict(gap.evidence),
        merged_into=gap.merged_into_id,
        merged_from=[g.pk for g in page.merged_from],
        teaching_offers=[offer_out(o) for o in page.offers],
        sessions=[
            SessionRef(
                id=s.pk,
                title=s.title,
                status=SessionStatus(s.status),
                starts_at=s.starts_at,
                url=s.get_absolute_url(),
            )
            for s in page.sessions
        ],
        history=[
            EventOut(
                at=e.at,
                actor=e.actor.name if e.actor is not None else None,
                kind=e.kind,
                text=e.text,
            )
            for e in page.events
        ],
        can_triage=access.allows(TeamAction.FACILITATE),
        can_edit=may_edit_text(access, reader),
    )
