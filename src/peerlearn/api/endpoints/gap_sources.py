"""The other ways gaps come in: suggestions from the automatic signals (leads decide),
the onboarding checklist, post-mortems (facilitators) and private 1:1 notes (leads;
a note exists only for its author — anyone else, organisation admins included, gets 404).

Same choke points (`peerlearn.gaps.access`, `people.access`) and services
(`gaps.source_services`, `gaps.signal_services`) as the pages.
"""

# No `from __future__ import annotations`: ninja must see `Query[SuggestionFilter]` as a type.
import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints.gap_schemas import GapDetailOut, gap_detail_out
from peerlearn.api.fields import MultiLine, SaneDate, SingleLine, WebUrl, id_in_path
from peerlearn.api.pagination import Page
from peerlearn.gaps import rules, signal_services, source_services
from peerlearn.gaps.access import (
    GapAction,
    get_gap_access,
    get_note_for_user,
    get_onboarding_step_for_user,
    get_suggestion_for_user,
)
from peerlearn.gaps.models import (
    OnboardingMark,
    OnboardingStep,
    OneOnOneNote,
    PostMortem,
    SignalKind,
    Suggestion,
    SuggestionStatus,
)
from peerlearn.gaps.tasks import refresh_team_signals
from peerlearn.people.access import get_team_access, get_team_for_user
from peerlearn.people.roles import TeamAction

router = Router(tags=["gaps"])


# --- Suggestions from the automatic signals ------------------------------------------


class SuggestionOut(Schema):
    id: int = Field(..., examples=[3])
    team_id: int = Field(..., examples=[1])
    kind: SignalKind = Field(..., examples=[SignalKind.KNOWLEDGE_ISLAND])
    key: str = Field(..., description="What the evidence is about.", examples=["src/billing"])
    title: str = Field(..., examples=["Only one person knows src/billing"])
    description: str = Field(..., examples=[""])
    code_areas: list[str] = Field(..., examples=[["src/billing"]])
    evidence: dict[str, Any] = Field(..., examples=[{"files": 14}])
    strength: float = Field(..., description="0..1: how strong the evidence is.", examples=[0.7])
    status: SuggestionStatus = Field(..., examples=[SuggestionStatus.PENDING])
    gap_id: int | None = Field(..., description="The gap it became, once accepted.")
    updated_at: dt.datetime


def suggestion_out(row: Suggestion) -> SuggestionOut:
    return SuggestionOut(
        id=row.pk,
        team_id=row.team_id,
        kind=SignalKind(row.kind),
        key=row.key,
        title=row.title,
        description=row.description,
        code_areas=list(row.code_areas),
        evidence=dict(row.evidence),
        strength=row.strength,
        status=SuggestionStatus(row.status),
        gap_id=row.gap_id,
        updated_at=row.updated_at,
    )


class SuggestionFilter(Schema):
    status: SuggestionStatus = Field(
        SuggestionStatus.PENDING,
        description="pending, accepted or dismissed.",
        examples=["pending"],
    )


@router.get(
    "/teams/{team_id}/gap-suggestions",
    response=list[SuggestionOut],
    summary="What the automatic signals suggest, strongest first (leads, org admins)",
)
@paginate(Page)
def list_suggestions(
    request: HttpRequest, filters: Query[SuggestionFilter], team_id: int = id_in_path()
) -> list[SuggestionOut]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.MANAGE)
    rows = Suggestion.objects.filter(team=team, status=filters.status)
    if filters.status != SuggestionStatus.PENDING:
        rows = rows.order_by("-updated_at", "pk")
    return [suggestion_out(row) for row in rows]


@router.post(
    "/gap-suggestions/{suggestion_id}/accept",
    response={201: GapDetailOut},
    summary="Accept a suggestion: it becomes a gap that names nobody (leads, org admins)",
)
def accept_suggestion(
    request: HttpRequest, suggestion_id: int = id_in_path()
) -> Status[GapDetailOut]:
    lead = api_user(request)
    suggestion = get_suggestion_for_user(lead, suggestion_id)
    gap = signal_services.suggestion_accept(suggestion=suggestion, lead=lead)
    return Status(201, gap_detail_out(get_gap_access(lead, gap.pk, GapAction.VIEW), lead))


@router.post(
    "/gap-suggestions/{suggestion_id}/dismiss",
    response=SuggestionOut,
    summary="Dismiss a suggestion; it returns only if its evidence grows (leads, org admins)",
)
def dismiss_suggestion(request: HttpRequest, suggestion_id: int = id_in_path()) -> SuggestionOut:
    lead = api_user(request)
    suggestion = get_suggestion_for_user(lead, suggestion_id)
    return suggestion_out(signal_services.suggestion_dismiss(suggestion=suggestion, lead=lead))


class QueuedOut(Schema):
    team_id: int = Field(..., examples=[1])
    detail: str = Field(..., examples=["The signals are being read again; ask in a minute."])


@router.post(
    "/teams/{team_id}/gap-suggestions/refresh",
    response={202: QueuedOut},
    summary="Read the team's signals again, in the background (leads, org admins)",
)
def refresh_suggestions(request: HttpRequest, team_id: int = id_in_path()) -> Status[QueuedOut]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.MANAGE)
    transaction.on_commit(lambda: refresh_team_signals.enqueue(team.pk))
    detail = "The signals are being read again; ask in a minute."
    return Status(202, QueuedOut(team_id=team.pk, detail=detail))


# --- The onboarding checklist ---------------------------------------------------------


class MarkOut(Schema):
    step_id: int = Field(..., examples=[2])
    done: bool
    hard: bool = Field(..., description="Whether it was hard (the signal counts these).")
    comment: str = Field(..., examples=["The VPN guide is out of date."])
    updated_at: dt.datetime


def mark_out(mark: OnboardingMark) -> MarkOut:
    return MarkOut(
        step_id=mark.step_id,
        done=mark.done,
        hard=mark.hard,
        comment=mark.comment,
        updated_at=mark.updated_at,
    )


class StepOut(Schema):
    id: int = Field(..., examples=[2])
    team_id: int = Field(..., examples=[1])
    title: str = Field(..., examples=["Get VPN access"])
    position: int = Field(..., examples=[0])
    done_count: int = Field(..., description="People who marked it done.", examples=[3])
    hard_count: int = Field(..., description="People who found it hard.", examples=[1])
    my_mark: MarkOut | None = Field(..., description="Your own mark; null if none.")


@router.get(
    "/teams/{team_id}/onboarding-steps",
    response=list[StepOut],
    summary="The team's onboarding checklist, with your marks and everyone's counts",
)
@paginate(Page)
def list_onboarding_steps(request: HttpRequest, team_id: int = id_in_path()) -> list[StepOut]:
    reader = api_user(request)
    team = get_team_for_user(reader, team_id, TeamAction.VIEW)
    steps = OnboardingStep.objects.filter(team=team).annotate(
        hard_count=Count("marks", filter=Q(marks__hard=True)),
        done_count=Count("marks", filter=Q(marks__done=True)),
    )
    mine = {m.step_id: m for m in OnboardingMark.objects.filter(step__team=team, person=reader)}
    return [
        StepOut(
            id=step.pk,
            team_id=step.team_id,
            title=step.title,
            position=step.position,
            done_count=step.done_count,
            hard_count=step.hard_count,
            my_mark=mark_out(mine[step.pk]) if step.pk in mine else None,
        )
        for step in steps
    ]


class StepIn(Schema):
    title: SingleLine = Field(..., max_length=rules.TITLE_MAX, examples=["Get VPN access"])


@router.post(
    "/teams/{team_id}/onboarding-steps",
    response={201: StepOut},
    summary="Add a step to the onboarding checklist (leads, org admins)",
)
def create_onboarding_step(
    request: HttpRequest, payload: StepIn, team_id: int = id_in_path()
) -> Status[StepOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.MANAGE)
    step = source_services.onboarding_step_create(team=team, actor=actor, title=payload.title)
    out = StepOut(
        id=step.pk,
        team_id=step.team_id,
        title=step.title,
        position=step.position,
        done_count=0,
        hard_count=0,
        my_mark=None,
    )
    return Status(201, out)


@router.delete(
    "/onboarding-steps/{step_id}",
    response={204: None},
    summary="Remove a step from the checklist, with its marks (leads, org admins)",
)
def remove_onboarding_step(request: HttpRequest, step_id: int = id_in_path()) -> Status[None]:
    actor = api_user(request)
    step = get_onboarding_step_for_user(actor, step_id, TeamAction.MANAGE)
    source_services.onboarding_step_remove(step=step, actor=actor)
    return Status(204, None)


class MarkIn(Schema):
    done: bool = Field(..., examples=[True])
    hard: bool = Field(False, examples=[True])
    comment: MultiLine = Field("", max_length=2000, examples=["The VPN guide is out of date."])


@router.put(
    "/onboarding-steps/{step_id}/mark",
    response=MarkOut,
    summary="Mark a step done, and whether it was hard (anyone in the team)",
)
def mark_onboarding_step(
    request: HttpRequest, payload: MarkIn, step_id: int = id_in_path()
) -> MarkOut:
    person = api_user(request)
    step = get_onboarding_step_for_user(person, step_id, TeamAction.VIEW)
    mark = source_services.onboarding_mark(
        step=step, person=person, done=payload.done, hard=payload.hard, comment=payload.comment
    )
    return mark_out(mark)


# --- Post-mortems ----------------------------------------------------------------------


class PostMortemOut(Schema):
    id: int = Field(..., examples=[4])
    team_id: int = Field(..., examples=[1])
    title: str = Field(..., examples=["Payments outage of 3 May"])
    happened_on: dt.date = Field(..., examples=["2026-05-03"])
    what_we_did_not_know: str = Field(..., examples=["How the retry queue drains."])
    what_would_have_helped: str = Field(..., examples=["A runbook for the queue."])
    link: str = Field(..., examples=["https://wiki.example.com/pm/42"])
    recorded_by: str | None = Field(..., description="Who recorded it.", examples=["Fiona"])
    gap_id: int | None = Field(..., description="The gap it opened.", examples=[9])
    created_at: dt.datetime


def post_mortem_out(row: PostMortem) -> PostMortemOut:
    return PostMortemOut(
        id=row.pk,
        team_id=row.team_id,
        title=row.title,
        happened_on=row.happened_on,
        what_we_did_not_know=row.what_we_did_not_know,
        what_would_have_helped=row.what_would_have_helped,
        link=row.link,
        recorded_by=row.recorded_by.name if row.recorded_by is not None else None,
        gap_id=row.gap_id,
        created_at=row.created_at,
    )


class PostMortemIn(Schema):
    title: SingleLine = Field(..., max_length=rules.TITLE_MAX, examples=["Payments outage"])
    happened_on: SaneDate = Field(..., examples=["2026-05-03"])
    what_we_did_not_know: MultiLine = Field(
        ..., max_length=rules.DESCRIPTION_MAX, examples=["How the retry queue drains."]
    )
    what_would_have_helped: MultiLine = Field(
        "", max_length=rules.DESCRIPTION_MAX, examples=["A runbook for the queue."]
    )
    link: WebUrl = Field("", max_length=500, examples=["https://wiki.example.com/pm/42"])


@router.post(
    "/teams/{team_id}/post-mortems",
    response={201: PostMortemOut},
    summary="Record what a post-mortem taught; it opens a gap (facilitators, leads, admins)",
)
def record_post_mortem(
    request: HttpRequest, payload: PostMortemIn, team_id: int = id_in_path()
) -> Status[PostMortemOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.FACILITATE)
    record = source_services.post_mortem_record(team=team, recorded_by=actor, **payload.dict())
    return Status(201, post_mortem_out(record))


@router.get(
    "/teams/{team_id}/post-mortems",
    response=list[PostMortemOut],
    summary="A team's recorded post-mortems, newest first (facilitators, leads, admins)",
)
@paginate(Page)
def list_post_mortems(request: HttpRequest, team_id: int = id_in_path()) -> list[PostMortemOut]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.FACILITATE)
    rows = PostMortem.objects.filter(team=team).select_related("recorded_by")
    return [post_mortem_out(row) for row in rows]


# --- Private 1:1 notes -------------------------------------------------------------------


class NoteOut(Schema):
    id: int = Field(..., examples=[6])
    team_id: int = Field(..., examples=[1])
    held_on: dt.date = Field(..., examples=["2026-05-04"])
    text: str = Field(..., examples=["Unsure how feature flags are cleaned up."])
    gap_id: int | None = Field(..., description="The gap made from it, if any.", examples=[None])
    created_at: dt.datetime


def note_out(note: OneOnOneNote) -> NoteOut:
    return NoteOut(
        id=note.pk,
        team_id=note.team_id,
        held_on=note.held_on,
        text=note.text,
        gap_id=note.gap_id,
        created_at=note.created_at,
    )


@router.get(
    "/teams/{team_id}/one-on-one-notes",
    response=list[NoteOut],
    summary="Your own 1:1 notes in a team (leads, org admins; nobody sees another's)",
)
@paginate(Page)
def list_notes(request: HttpRequest, team_id: int = id_in_path()) -> list[NoteOut]:
    author = api_user(request)
    team = get_team_for_user(author, team_id, TeamAction.MANAGE)
    return [note_out(n) for n in OneOnOneNote.objects.filter(team=team, author=author)]


class NoteIn(Schema):
    held_on: SaneDate = Field(..., examples=["2026-05-04"])
    text: MultiLine = Field(
        ...,
        max_length=rules.DESCRIPTION_MAX,
        examples=["Unsure how feature flags are cleaned up."],
    )


@router.post(
    "/teams/{team_id}/one-on-one-notes",
    response={201: NoteOut},
    summary="Keep a private note from a 1:1 (leads, org admins; only you will see it)",
)
def create_note(
    request: HttpRequest, payload: NoteIn, team_id: int = id_in_path()
) -> Status[NoteOut]:
    author = api_user(request)
    team = get_team_for_user(author, team_id, TeamAction.MANAGE)
    note = source_services.note_create(
        team=team, author=author, held_on=payload.held_on, text=payload.text
    )
    return Status(201, note_out(note))


class NoteGapIn(Schema):
    title: SingleLine = Field(
        ..., max_length=rules.TITLE_MAX, examples=["How feature flags are retired"]
    )
    description: MultiLine = Field("", max_length=rules.DESCRIPTION_MAX, examples=[""])


@router.post(
    "/one-on-one-notes/{note_id}/gap",
    response={201: GapDetailOut},
    summary="Turn your 1:1 note into a gap that names nobody (its author, if still a lead)",
)
def note_to_gap(
    request: HttpRequest, payload: NoteGapIn, note_id: int = id_in_path()
) -> Status[GapDetailOut]:
    lead = api_user(request)
    note = get_note_for_user(lead, note_id)
    get_team_access(lead, note.team_id, TeamAction.MANAGE)  # a demoted author is refused
    gap = source_services.note_to_gap(
        note=note, lead=lead, title=payload.title, description=payload.description
    )
    return Status(201, gap_detail_out(get_gap_access(lead, gap.pk, GapAction.VIEW), lead))


@router.delete(
    "/one-on-one-notes/{note_id}",
    response={204: None},
    summary="Delete your 1:1 note (its gap, if any, stays)",
)
def delete_note(request: HttpRequest, note_id: int = id_in_path()) -> Status[None]:
    author = api_user(request)
    source_services.note_delete(note=get_note_for_user(author, note_id), author=author)
    return Status(204, None)
