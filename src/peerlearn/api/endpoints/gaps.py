"""/api/teams/{id}/gaps and /api/gaps/{id}: the team's learning backlog — raise (also
anonymously), read, edit, triage, vote, merge, offer to teach, link sessions.

Same rules as the pages (docs/gaps.md), through the same choke points
(`peerlearn.gaps.access`, `schedule.access` for sessions) and services
(`peerlearn.gaps.services`, `source_services.anonymous_ask_submit`): anyone in the team
reads, raises, votes and offers; facilitators, leads and organisation admins triage; the
person who raised an open gap may still reword it.
"""

# No `from __future__ import annotations`: ninja must see `Query[BacklogFilter]` as a type.
import datetime as dt
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import TRACELESS_API_AUTH, api_user
from peerlearn.api.endpoints.gap_schemas import (
    GapDetailOut,
    GapOut,
    OfferOut,
    gap_detail_out,
    gap_out,
    offer_out,
    raisers,
)
from peerlearn.api.fields import Id, MultiLine, SingleLine, id_in_path
from peerlearn.api.pagination import Page
from peerlearn.gaps import rules, services, source_services
from peerlearn.gaps.access import (
    GapAction,
    get_gap_access,
    get_gap_for_user,
    get_own_offer,
    may_edit_text,
)
from peerlearn.gaps.models import GapSource, GapStatus, Importance
from peerlearn.gaps.selectors import ACTIVE, ranked_backlog, team_offers
from peerlearn.people.access import get_team_for_user
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.access import SessionAction, get_session_for_user

router = Router(tags=["gaps"])


class Show(StrEnum):
    ACTIVE = "active"
    COVERED = "covered"
    DROPPED = "dropped"


# As the backlog page's filter (gaps.views.FILTERS).
SHOWN_STATUSES: dict[Show, tuple[str, ...]] = {
    Show.ACTIVE: ACTIVE,
    Show.COVERED: (GapStatus.COVERED, GapStatus.VERIFIED),
    Show.DROPPED: (GapStatus.DROPPED,),
}


class BacklogFilter(Schema):
    show: Show = Field(
        Show.ACTIVE,
        description="active (open and planned), covered (covered and verified) or dropped.",
        examples=["active"],
    )
    source: GapSource | None = Field(None, examples=["retrospective"])
    q: SingleLine = Field(
        "", max_length=100, description="Words in the title.", examples=["deploy"]
    )


@router.get(
    "/teams/{team_id}/gaps",
    response=list[GapOut],
    summary="A team's learning backlog, highest priority first",
)
@paginate(Page)
def list_gaps(
    request: HttpRequest, filters: Query[BacklogFilter], team_id: int = id_in_path()
) -> list[GapOut]:
    reader = api_user(request)
    team = get_team_for_user(reader, team_id, TeamAction.VIEW)
    ranked = ranked_backlog(
        team,
        reader,
        statuses=SHOWN_STATUSES[filters.show],
        source=filters.source.value if filters.source else None,
        query=filters.q.strip(),
    )
    people = raisers(row.gap for row in ranked)
    return [gap_out(row, raised_by=people.get(row.gap.raised_by_id or 0)) for row in ranked]


@router.get("/gaps/{gap_id}", response=GapDetailOut, summary="One gap with its history")
def get_gap(request: HttpRequest, gap_id: int = id_in_path()) -> GapDetailOut:
    reader = api_user(request)
    return gap_detail_out(get_gap_access(reader, gap_id, GapAction.VIEW), reader)


class GapIn(Schema):
    title: SingleLine = Field(
        ..., max_length=rules.TITLE_MAX, examples=["How our deploy pipeline works"]
    )
    description: MultiLine = Field(
        "", max_length=rules.DESCRIPTION_MAX, description="Markdown.", examples=["Who can help?"]
    )
    source: GapSource = Field(GapSource.OTHER, examples=["retrospective"])
    code_areas: list[SingleLine] = Field(
        [],
        max_length=rules.AREAS_MAX,
        description="Paths inside the repository, as the knowledge map names them.",
        examples=[["deploy/", "ci/pipeline.yml"]],
    )


@router.post(
    "/teams/{team_id}/gaps",
    response={201: GapDetailOut},
    summary="Raise a gap (anyone in the team)",
)
def create_gap(
    request: HttpRequest, payload: GapIn, team_id: int = id_in_path()
) -> Status[GapDetailOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.VIEW)
    gap = services.gap_create(
        team=team,
        raised_by=actor,
        title=payload.title,
        description=payload.description,
        source=payload.source.value,
        code_areas=payload.code_areas,
    )
    return Status(201, gap_detail_out(get_gap_access(actor, gap.pk, GapAction.VIEW), actor))


class AnonymousAskIn(Schema):
    title: SingleLine = Field(
        ..., max_length=rules.TITLE_MAX, examples=["How do on-call handovers work?"]
    )
    description: MultiLine = Field(
        "", max_length=rules.DESCRIPTION_MAX, examples=["I never dared to ask."]
    )
    code_areas: list[SingleLine] = Field([], max_length=rules.AREAS_MAX, examples=[[]])


class AskedOut(Schema):
    """What an anonymous ask answers: the gap as the team sees it, nothing of the asker."""

    id: int = Field(..., examples=[8])
    team_id: int = Field(..., examples=[1])
    title: str = Field(..., examples=["How do on-call handovers work?"])
    description: str = Field(..., examples=["I never dared to ask."])
    source: GapSource = Field(..., examples=[GapSource.ANONYMOUS])
    status: GapStatus = Field(..., examples=[GapStatus.OPEN])
    code_areas: list[str] = Field(..., examples=[[]])
    url: str = Field(..., examples=["/gaps/8/"])
    created_at: dt.datetime = Field(..., description="Midnight UTC of the day it was asked.")


class TooManyOut(Schema):
    detail: str = Field(..., examples=["Platform received 20 anonymous asks this hour; …"])


@router.post(
    "/teams/{team_id}/anonymous-asks",
    response={201: AskedOut, 429: TooManyOut},
    summary="Ask anonymously: a gap that stores nothing of who asked",
    auth=TRACELESS_API_AUTH,  # not even when the token was last used
)
def anonymous_ask(
    request: HttpRequest, payload: AnonymousAskIn, team_id: int = id_in_path()
) -> Status[AskedOut] | Status[TooManyOut]:
    asker = api_user(request)
    team = get_team_for_user(asker, team_id, TeamAction.VIEW)
    try:
        gap = source_services.anonymous_ask_submit(
            team=team,
            asker=asker,
            title=payload.title,
            description=payload.description,
            code_areas=payload.code_areas,
        )
    except source_services.AnonymousLimitReached as limit:
        return Status(429, TooManyOut(detail=" ".join(limit.messages)))
    return Status(
        201,
        AskedOut(
            id=gap.pk,
            team_id=gap.team_id,
            title=gap.title,
            description=gap.description,
            source=GapSource(gap.source),
            status=GapStatus(gap.status),
            code_areas=list(gap.code_areas),
            url=gap.get_absolute_url(),
            created_at=gap.created_at,
        ),
    )


class GapPatch(Schema):
    """Only the fields sent are changed; `null` is refused."""

    title: SingleLine | None = Field(None, max_length=rules.TITLE_MAX, examples=["Deploys"])
    description: MultiLine | None = Field(None, max_length=rules.DESCRIPTION_MAX)
    code_areas: list[SingleLine] | None = Field(None, max_length=rules.AREAS_MAX)
    importance: Importance | None = Field(
        None, description="Facilitators, leads and organisation admins only.", examples=[2]
    )


@router.patch(
    "/gaps/{gap_id}",
    response=GapDetailOut,
    summary="Edit a gap (triagers; whoever raised an open gap may reword it)",
)
def edit_gap(request: HttpRequest, payload: GapPatch, gap_id: int = id_in_path()) -> GapDetailOut:
    actor = api_user(request)
    access = get_gap_access(actor, gap_id, GapAction.VIEW)
    nulls = [
        name for name, value in payload.model_dump(exclude_unset=True).items() if value is None
    ]
    if nulls:
        raise ValidationError({name: ["Give a value, or leave the field out."] for name in nulls})
    if not may_edit_text(access, actor) or payload.importance is not None:
        access = get_gap_access(actor, gap_id, GapAction.TRIAGE)  # refuses with the reason
    gap = access.obj
    services.gap_update(
        gap=gap,
        actor=actor,
        title=gap.title if payload.title is None else payload.title,
        description=gap.description if payload.description is None else payload.description,
        code_areas=gap.code_areas if payload.code_areas is None else payload.code_areas,
        importance=None if payload.importance is None else int(payload.importance),
    )
    return gap_detail_out(access, actor)


class StatusIn(Schema):
    status: GapStatus = Field(
        ..., description="open, planned, covered, verified or dropped.", examples=["planned"]
    )
    reason: SingleLine = Field(
        "", max_length=rules.REASON_MAX, description="Needed to drop a gap.", examples=[""]
    )


@router.post(
    "/gaps/{gap_id}/status",
    response=GapDetailOut,
    summary="Move a gap to another status (facilitators, leads, organisation admins)",
)
def set_gap_status(
    request: HttpRequest, payload: StatusIn, gap_id: int = id_in_path()
) -> GapDetailOut:
    actor = api_user(request)
    access = get_gap_access(actor, gap_id, GapAction.TRIAGE)
    services.gap_set_status(
        gap=access.obj, actor=actor, status=payload.status.value, reason=payload.reason
    )
    return gap_detail_out(access, actor)


class VoteOut(Schema):
    gap_id: int = Field(..., examples=[7])
    votes: int = Field(..., description="Votes now, imported ones included.", examples=[4])
    voted: bool = Field(..., description="Whether you vote for it now.")


def _vote(request: HttpRequest, gap_id: int, *, vote: bool) -> VoteOut:
    voter = api_user(request)
    gap = get_gap_for_user(voter, gap_id, GapAction.VOTE)
    count = services.gap_vote(gap=gap, voter=voter, vote=vote)
    imported = gap.evidence.get("imported_votes", 0)
    return VoteOut(
        gap_id=gap.pk, votes=count + (imported if isinstance(imported, int) else 0), voted=vote
    )


@router.put(
    "/gaps/{gap_id}/vote",
    response=VoteOut,
    summary="Vote for a gap (once per person; again is no change)",
)
def vote_gap(request: HttpRequest, gap_id: int = id_in_path()) -> VoteOut:
    return _vote(request, gap_id, vote=True)


@router.delete("/gaps/{gap_id}/vote", response=VoteOut, summary="Take your vote back")
def unvote_gap(request: HttpRequest, gap_id: int = id_in_path()) -> VoteOut:
    return _vote(request, gap_id, vote=False)


class MergeIn(Schema):
    into: Id = Field(..., description="The gap that stays (of the same team).", examples=[7])


@router.post(
    "/gaps/{gap_id}/merge",
    response=GapDetailOut,
    summary="Merge a duplicate into another gap; votes and offers move over (triagers)",
)
def merge_gap(request: HttpRequest, payload: MergeIn, gap_id: int = id_in_path()) -> GapDetailOut:
    actor = api_user(request)
    duplicate = get_gap_for_user(actor, gap_id, GapAction.TRIAGE)
    target = get_gap_access(actor, payload.into, GapAction.TRIAGE)
    services.gap_merge(duplicate=duplicate, into=target.obj, actor=actor)
    return gap_detail_out(target, actor)


class OfferIn(Schema):
    note: MultiLine = Field(
        "",
        max_length=rules.DESCRIPTION_MAX,
        examples=["I set the pipeline up; an hour at the whiteboard?"],
    )


@router.post(
    "/gaps/{gap_id}/offers",
    response={201: OfferOut},
    summary="Offer to teach a gap (anyone in the team; again changes the note)",
)
def offer_on_gap(
    request: HttpRequest, payload: OfferIn, gap_id: int = id_in_path()
) -> Status[OfferOut]:
    person = api_user(request)
    gap = get_gap_for_user(person, gap_id, GapAction.VOTE)
    offer = services.offer_create(team=gap.team, person=person, gap=gap, note=payload.note)
    offer.person = person
    return Status(201, offer_out(offer))


@router.get(
    "/teams/{team_id}/offers",
    response=list[OfferOut],
    summary="A team's offers to teach: on gaps still wanted, and topics of their own",
)
@paginate(Page)
def list_offers(request: HttpRequest, team_id: int = id_in_path()) -> list[OfferOut]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.VIEW)
    return [offer_out(offer) for offer in team_offers(team)]


class TopicOfferIn(OfferIn):
    topic: SingleLine = Field(..., max_length=rules.TITLE_MAX, examples=["Property-based testing"])


@router.post(
    "/teams/{team_id}/offers",
    response={201: OfferOut},
    summary="Offer to teach a topic of your own (anyone in the team)",
)
def offer_topic(
    request: HttpRequest, payload: TopicOfferIn, team_id: int = id_in_path()
) -> Status[OfferOut]:
    person = api_user(request)
    team = get_team_for_user(person, team_id, TeamAction.VIEW)
    offer = services.offer_create(team=team, person=person, topic=payload.topic, note=payload.note)
    offer.person = person
    return Status(201, offer_out(offer))


@router.delete(
    "/offers/{offer_id}", response={204: None}, summary="Take back an offer to teach (yours only)"
)
def withdraw_offer(request: HttpRequest, offer_id: int = id_in_path()) -> Status[None]:
    person = api_user(request)
    services.offer_withdraw(offer=get_own_offer(person, offer_id), person=person)
    return Status(204, None)


@router.put(
    "/gaps/{gap_id}/sessions/{session_id}",
    response=GapDetailOut,
    summary="Link a session that covers the gap (triagers); an open gap becomes planned",
)
def link_session(
    request: HttpRequest, gap_id: int = id_in_path(), session_id: int = id_in_path()
) -> GapDetailOut:
    actor = api_user(request)
    access = get_gap_access(actor, gap_id, GapAction.TRIAGE)
    session = get_session_for_user(actor, session_id, SessionAction.EDIT)
    services.gap_link_session(gap=access.obj, session=session, actor=actor)
    return gap_detail_out(access, actor)


@router.delete(
    "/gaps/{gap_id}/sessions/{session_id}",
    response=GapDetailOut,
    summary="Unlink a session (triagers); a planned gap with none left is open again",
)
def unlink_session(
    request: HttpRequest, gap_id: int = id_in_path(), session_id: int = id_in_path()
) -> GapDetailOut:
    actor = api_user(request)
    access = get_gap_access(actor, gap_id, GapAction.TRIAGE)
    session = get_session_for_user(actor, session_id, SessionAction.EDIT)
    services.gap_unlink_session(gap=access.obj, session=session, actor=actor)
    return gap_detail_out(access, actor)
