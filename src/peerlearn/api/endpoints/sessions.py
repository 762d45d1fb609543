"""/api/teams/{id}/sessions and /api/sessions/{id}: the team's calendar, one session,
create, edit, cancel and RSVP.

Same rules as the pages (docs/sessions.md, "Who may do what"), through the same choke
points (`peerlearn.schedule.access`) and services (`peerlearn.schedule.services`):
anyone in the team sees and RSVPs, facilitators, leads and organisation admins change;
a session open to the organisation is seen and RSVPed to by everyone of it.
"""

# No `from __future__ import annotations`: ninja must see `Query[WindowIn]` as a type.
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints.person_ids import team_person
from peerlearn.api.fields import (
    Id,
    MultiLine,
    SaneDate,
    SaneDateTime,
    SingleLine,
    WebUrl,
    id_in_path,
)
from peerlearn.api.pagination import Page
from peerlearn.people.access import get_team_for_user
from peerlearn.people.models import User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule import services
from peerlearn.schedule.access import SessionAction, get_session_access
from peerlearn.schedule.models import (
    Audience,
    Rsvp,
    RsvpAnswer,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.schedule.selectors import Slot, occurrence_key, slots_for_teams
from peerlearn.schedule.when import zone_or_utc

router = Router(tags=["sessions"])

DEFAULT_WEEKS = 12  # what the team's sessions page shows ahead
MAX_WINDOW_DAYS = 366  # one request expands at most a year of every series


class SlotOut(Schema):
    session_id: int | None = Field(
        ...,
        description="null for a date of a series nobody has changed or answered yet.",
        examples=[12],
    )
    series_id: int | None = Field(..., examples=[None])
    occurrence: str | None = Field(
        ...,
        description="A series date's original start (UTC), as the occurrence page's URL has it.",
        examples=[None],
    )
    title: str = Field(..., examples=["Intro to tracing"])
    format_name: str = Field(..., examples=["Lunch & Learn"])
    status: SessionStatus = Field(..., examples=[SessionStatus.SCHEDULED])
    starts_at: dt.datetime = Field(..., description="In the session's own time zone.")
    ends_at: dt.datetime
    time_zone: str = Field(..., examples=["Europe/Berlin"])
    facilitators: list[str] = Field(..., examples=[["Fiona"]])
    url: str = Field(..., description="The page of the session.", examples=["/sessions/12/"])


def slot_out(slot: Slot) -> SlotOut:
    return SlotOut(
        session_id=slot.session.pk if slot.session is not None else None,
        series_id=slot.series.pk if slot.series is not None else None,
        occurrence=occurrence_key(slot.original_start) if slot.original_start else None,
        title=slot.title,
        format_name=slot.format_name,
        status=SessionStatus(slot.status),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        time_zone=slot.time_zone,
        facilitators=list(slot.facilitators),
        url=slot.url,
    )


class WindowIn(Schema):
    from_: SaneDate | None = Field(
        None,
        alias="from",
        description="First day (your time zone); default today.",
        examples=["2026-05-04"],
    )
    to: SaneDate | None = Field(
        None,
        description=f"Last day, included; default {DEFAULT_WEEKS} weeks after `from`. "
        f"At most {MAX_WINDOW_DAYS} days after `from`.",
        examples=["2026-07-27"],
    )


def _window(window: WindowIn, reader: User) -> tuple[dt.datetime, dt.datetime]:
    zone = zone_or_utc(reader.time_zone)
    first = window.from_ or timezone.localtime(timezone.now(), zone).date()
    last = window.to or first + dt.timedelta(weeks=DEFAULT_WEEKS)
    if last < first:
        raise ValidationError({"to": ["The last day is before the first day."]})
    if (last - first).days > MAX_WINDOW_DAYS:
        raise ValidationError({"to": [f"Ask for at most {MAX_WINDOW_DAYS} days at a time."]})
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


@router.get(
    "/teams/{team_id}/sessions",
    response=list[SlotOut],
    summary="A team's sessions and series dates in a window of days",
)
@paginate(Page)
def list_sessions(
    request: HttpRequest, window: Query[WindowIn], team_id: int = id_in_path()
) -> list[SlotOut]:
    reader = api_user(request)
    team = get_team_for_user(reader, team_id, TeamAction.VIEW)
    start, end = _window(window, reader)
    return [slot_out(slot) for slot in slots_for_teams([team.pk], start, end)]


class PersonRef(Schema):
    user_id: int = Field(..., examples=[3])
    name: str = Field(..., examples=["Fiona"])


class RoleOut(PersonRef):
    role: str = Field(
        ...,
        description="facilitator, co_facilitator or a role of the format.",
        examples=["facilitator"],
    )


class RsvpOut(PersonRef):
    answer: RsvpAnswer = Field(..., examples=[RsvpAnswer.GOING])


class SessionOut(Schema):
    id: int = Field(..., examples=[12])
    team_id: int = Field(..., examples=[1])
    series_id: int | None = Field(..., examples=[None])
    title: str = Field(..., examples=["Intro to tracing"])
    format: str = Field(..., examples=["lunch_and_learn"])
    topic: str = Field(..., examples=["Spans, traces and where to start."])
    change_link: str = Field(..., examples=[""])
    notes: str = Field(..., examples=[""])
    audience: Audience = Field(..., examples=[Audience.TEAM])
    status: SessionStatus = Field(..., examples=[SessionStatus.SCHEDULED])
    starts_at: dt.datetime = Field(..., description="In the session's own time zone.")
    ends_at: dt.datetime
    time_zone: str = Field(..., examples=["Europe/Berlin"])
    duration_minutes: int = Field(..., examples=[45])
    location: str = Field(..., examples=["Room 1"])
    video_link: str = Field(..., examples=["https://meet.example.com/tracing"])
    whiteboard_link: str = Field(..., examples=[""])
    roles: list[RoleOut]
    rsvps: list[RsvpOut]
    my_rsvp: RsvpAnswer | None = Field(..., examples=[RsvpAnswer.GOING])
    can_edit: bool = Field(..., description="Whether you may change or cancel it.")


def session_out(session: Session, *, reader: User, can_edit: bool) -> SessionOut:
    roles = list(session.roles.select_related("person"))
    rsvps: list[Rsvp] = list(session.rsvps.select_related("person").order_by("answer", "pk"))
    zone = zone_or_utc(session.time_zone)
    return SessionOut(
        id=session.pk,
        team_id=session.team_id,
        series_id=session.series_id,
        title=session.title,
        format=session.format,
        topic=session.topic,
        change_link=session.change_link,
        notes=session.notes,
        audience=Audience(session.audience),
        status=SessionStatus(session.status),
        starts_at=session.starts_at.astimezone(zone),
        ends_at=session.ends_at.astimezone(zone),
        time_zone=session.time_zone,
        duration_minutes=session.duration_minutes,
        location=session.location,
        video_link=session.video_link,
        whiteboard_link=session.whiteboard_link,
        roles=[RoleOut(user_id=r.person_id, name=r.person.name, role=r.role) for r in roles],
        rsvps=[
            RsvpOut(user_id=r.person_id, name=r.person.name, answer=RsvpAnswer(r.answer))
            for r in rsvps
        ],
        my_rsvp=next((RsvpAnswer(r.answer) for r in rsvps if r.person_id == reader.pk), None),
        can_edit=can_edit,
    )


@router.get("/sessions/{session_id}", response=SessionOut, summary="One session")
def get_session(request: HttpRequest, session_id: int = id_in_path()) -> SessionOut:
    reader = api_user(request)
    access = get_session_access(reader, session_id, SessionAction.VIEW)
    return session_out(access.obj, reader=reader, can_edit=access.allows(TeamAction.FACILITATE))


class SessionIn(Schema):
    title: SingleLine = Field(..., min_length=1, max_length=200, examples=["Intro to tracing"])
    format: SingleLine = Field(
        ...,
        max_length=40,
        description="lunch_and_learn, code_review_twist, pairing or deep_dive.",
        examples=["lunch_and_learn"],
    )
    starts_at: SaneDateTime = Field(
        ..., description="With its offset.", examples=["2026-05-06T12:00:00+02:00"]
    )
    time_zone: SingleLine = Field(..., max_length=64, examples=["Europe/Berlin"])
    duration_minutes: int = Field(..., ge=1, le=24 * 60, examples=[45])
    status: SessionStatus = Field(
        SessionStatus.SCHEDULED, description="proposed or scheduled.", examples=["scheduled"]
    )
    topic: MultiLine = Field("", max_length=20_000, examples=["Spans, traces and where to start."])
    change_link: SingleLine = Field(
        "",
        max_length=500,
        description="Code Review with a Twist: a pull/merge request link or a commit range.",
        examples=[""],
    )
    notes: MultiLine = Field("", max_length=20_000, examples=[""])
    audience: Audience = Field(Audience.TEAM, examples=["team"])
    location: SingleLine = Field("", max_length=300, examples=["Room 1"])
    video_link: WebUrl = Field("", max_length=500, examples=["https://meet.example.com/tracing"])
    whiteboard_link: WebUrl = Field("", max_length=500, examples=[""])
    facilitator_id: Id | None = Field(None, description="A member of the team.", examples=[3])
    co_facilitator_id: Id | None = Field(None, examples=[None])


@router.post(
    "/teams/{team_id}/sessions",
    response={201: SessionOut},
    summary="Plan a session (facilitators, leads, organisation admins)",
)
def create_session(
    request: HttpRequest, payload: SessionIn, team_id: int = id_in_path()
) -> Status[SessionOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.FACILITATE)
    data = payload.model_dump(exclude={"facilitator_id", "co_facilitator_id"})
    session = services.session_create(
        team=team,
        created_by=actor,
        facilitator=team_person(team, payload.facilitator_id, "facilitator_id"),
        co_facilitator=team_person(team, payload.co_facilitator_id, "co_facilitator_id"),
        **data,
    )
    return Status(201, session_out(session, reader=actor, can_edit=True))


class SessionPatch(Schema):
    """Only the fields sent are changed; `null` is refused except for the facilitators."""

    title: SingleLine | None = Field(None, min_length=1, max_length=200)
    format: SingleLine | None = Field(None, max_length=40)
    starts_at: SaneDateTime | None = None
    time_zone: SingleLine | None = Field(None, max_length=64)
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    topic: MultiLine | None = Field(None, max_length=20_000)
    change_link: SingleLine | None = Field(None, max_length=500)
    notes: MultiLine | None = Field(None, max_length=20_000)
    audience: Audience | None = None
    location: SingleLine | None = Field(None, max_length=300)
    video_link: WebUrl | None = Field(None, max_length=500)
    whiteboard_link: WebUrl | None = Field(None, max_length=500)
    facilitator_id: Id | None = Field(None, description="null: no facilitator.")
    co_facilitator_id: Id | None = Field(None, description="null: no co-facilitator.")


PEOPLE_FIELDS = ("facilitator_id", "co_facilitator_id")


def _leading(session: Session) -> dict[str, int]:
    rows = session.roles.filter(role__in=SessionRole.LEADING_ROLES).values_list("role", "person")
    return dict(rows)


@router.patch(
    "/sessions/{session_id}",
    response=SessionOut,
    summary="Change a session (facilitators, leads, organisation admins)",
)
def edit_session(
    request: HttpRequest, payload: SessionPatch, session_id: int = id_in_path()
) -> SessionOut:
    actor = api_user(request)
    session = get_session_access(actor, session_id, SessionAction.EDIT).obj
    sent = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in sent.items() if value is None and name not in PEOPLE_FIELDS]
    if nulls:
        raise ValidationError({name: ["Give a value, or leave the field out."] for name in nulls})
    people: dict[str, Any] = {}
    if any(name in sent for name in PEOPLE_FIELDS):
        current = _leading(session)
        ids = {
            "facilitator_id": sent.get("facilitator_id", current.get(SessionRole.FACILITATOR)),
            "co_facilitator_id": sent.get(
                "co_facilitator_id", current.get(SessionRole.CO_FACILITATOR)
            ),
        }
        people = {
            "facilitator": team_person(session.team, ids["facilitator_id"], "facilitator_id"),
            "co_facilitator": team_person(
                session.team, ids["co_facilitator_id"], "co_facilitator_id"
            ),
            "set_facilitators": True,
        }
    changes = {name: value for name, value in sent.items() if name not in PEOPLE_FIELDS}
    updated = services.session_update(session=session, changes=changes, **people)
    return session_out(updated, reader=actor, can_edit=True)


@router.post(
    "/sessions/{session_id}/cancel",
    response=SessionOut,
    summary="Cancel a session (facilitators, leads, organisation admins)",
)
def cancel_session(request: HttpRequest, session_id: int = id_in_path()) -> SessionOut:
    actor = api_user(request)
    session = get_session_access(actor, session_id, SessionAction.EDIT).obj
    cancelled = services.session_set_status(
        session=session, status=SessionStatus.CANCELLED, actor=actor
    )
    return session_out(cancelled, reader=actor, can_edit=True)


class RsvpIn(Schema):
    answer: RsvpAnswer = Field(..., description="going, maybe or not_going.", examples=["going"])


class MyRsvpOut(Schema):
    session_id: int = Field(..., examples=[12])
    answer: RsvpAnswer = Field(..., examples=[RsvpAnswer.GOING])
    answered_at: dt.datetime


@router.put(
    "/sessions/{session_id}/rsvp",
    response=MyRsvpOut,
    summary="Answer whether you come (anyone who can see the session)",
)
def rsvp_session(
    request: HttpRequest, payload: RsvpIn, session_id: int = id_in_path()
) -> MyRsvpOut:
    person = api_user(request)
    session = get_session_access(person, session_id, SessionAction.RSVP).obj
    rsvp = services.rsvp_set(session=session, person=person, answer=payload.answer)
    return MyRsvpOut(
        session_id=session.pk, answer=RsvpAnswer(rsvp.answer), answered_at=rsvp.answered_at
    )
