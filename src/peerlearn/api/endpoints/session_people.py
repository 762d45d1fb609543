"""/api/sessions/{id}/roles and /api/sessions/{id}/attendance: who does what in a
session (the format's roles) and who was there.

As the session page: anyone who sees the session sees both; its roles are set by
facilitators, leads and organisation admins (`SessionAction.EDIT`,
`services.session_set_format_roles`), attendance is taken by them too, once the session
has started (`SessionAction.ATTENDANCE`, `services.attendance_record`), for members of
the team and whoever answered the invitation.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints.person_ids import organisation_people, renamed
from peerlearn.api.endpoints.sessions import PersonRef
from peerlearn.api.fields import Id, SingleLine, id_in_path
from peerlearn.engines.schedule import formats
from peerlearn.people.models import User
from peerlearn.schedule import services
from peerlearn.schedule.access import SessionAction, get_session_access, session_allows
from peerlearn.schedule.models import Session
from peerlearn.schedule.selectors import missing_roles

router = Router(tags=["sessions"])

MAX_PEOPLE = 1000  # more than any team; bounds what one request makes the database read


class FormatRoleOut(Schema):
    key: str = Field(..., examples=["presenter"])
    label: str = Field(..., examples=["Presenter"])
    min_people: int = Field(..., examples=[1])
    max_people: int | None = Field(..., description="null: as many as want.", examples=[1])
    people: list[PersonRef]


class RolesOut(Schema):
    session_id: int = Field(..., examples=[12])
    format: str = Field(..., examples=["lunch_and_learn"])
    roles: list[FormatRoleOut] = Field(..., description="The format's roles, in its order.")
    missing: list[str] = Field(..., examples=[["Needs a presenter"]])
    can_edit: bool = Field(..., description="Whether you may set the roles.")


def _roles_out(session: Session, *, can_edit: bool) -> RolesOut:
    fmt = formats.get_format(session.format)
    people: dict[str, list[User]] = {}
    for row in session.roles.select_related("person").order_by("pk"):
        people.setdefault(row.role, []).append(row.person)
    format_roles = [(role, people.get(role.key, [])) for role in fmt.roles]
    return RolesOut(
        session_id=session.pk,
        format=fmt.key,
        roles=[
            FormatRoleOut(
                key=role.key,
                label=role.label,
                min_people=role.min_people,
                max_people=role.max_people,
                people=[PersonRef(user_id=p.pk, name=p.name) for p in holders],
            )
            for role, holders in format_roles
        ],
        missing=missing_roles(format_roles),
        can_edit=can_edit,
    )


@router.get("/sessions/{session_id}/roles", response=RolesOut, summary="A session's roles")
def get_roles(request: HttpRequest, session_id: int = id_in_path()) -> RolesOut:
    access = get_session_access(api_user(request), session_id, SessionAction.VIEW)
    return _roles_out(access.obj, can_edit=session_allows(access, SessionAction.EDIT))


RoleKey = Annotated[SingleLine, StringConstraints(min_length=1, max_length=40)]


class RolesIn(Schema):
    roles: dict[RoleKey, list[Id]] = Field(
        ...,
        max_length=20,
        description="Role key → the ids of the people in it, members of the team. Replaces "
        "every role of the format; a role left out is emptied. The facilitator and "
        "co-facilitator are set with PATCH /api/sessions/{id}.",
        examples=[{"presenter": [3], "attendee": [2, 4]}],
    )


@router.put(
    "/sessions/{session_id}/roles",
    response=RolesOut,
    summary="Set a session's roles (facilitators, leads, organisation admins)",
)
def set_roles(request: HttpRequest, payload: RolesIn, session_id: int = id_in_path()) -> RolesOut:
    session = get_session_access(api_user(request), session_id, SessionAction.EDIT).obj
    if sum(len(ids) for ids in payload.roles.values()) > MAX_PEOPLE:
        raise ValidationError({"roles": [f"At most {MAX_PEOPLE} people in all."]})
    people_by_role = {
        key: organisation_people(session.team, ids, "roles") for key, ids in payload.roles.items()
    }
    services.session_set_format_roles(session=session, people_by_role=people_by_role)
    return _roles_out(session, can_edit=True)


class AttendeeOut(PersonRef):
    recorded_at: dt.datetime


class AttendanceOut(Schema):
    session_id: int = Field(..., examples=[12])
    started: bool = Field(..., description="Attendance is taken once the session has started.")
    attendees: list[AttendeeOut] = Field(..., description="Empty until it is taken.")
    can_record: bool = Field(
        ..., description="Whether your role lets you take it (once started, unless cancelled)."
    )


def _attendance_out(session: Session, *, can_record: bool) -> AttendanceOut:
    rows = session.attendance.select_related("person").order_by("person__display_name", "pk")
    return AttendanceOut(
        session_id=session.pk,
        started=session.starts_at <= timezone.now(),
        attendees=[
            AttendeeOut(user_id=row.person_id, name=row.person.name, recorded_at=row.recorded_at)
            for row in rows
        ],
        can_record=can_record,
    )


@router.get(
    "/sessions/{session_id}/attendance",
    response=AttendanceOut,
    summary="Who was at a session",
)
def get_attendance(request: HttpRequest, session_id: int = id_in_path()) -> AttendanceOut:
    access = get_session_access(api_user(request), session_id, SessionAction.VIEW)
    return _attendance_out(access.obj, can_record=session_allows(access, SessionAction.ATTENDANCE))


class AttendanceIn(Schema):
    attendee_ids: list[Id] = Field(
        ...,
        max_length=MAX_PEOPLE,
        description="Everyone who was there: members of the team, or people who answered "
        "the invitation. Replaces the list; a scheduled session becomes done.",
        examples=[[2, 3]],
    )


@router.put(
    "/sessions/{session_id}/attendance",
    response=AttendanceOut,
    summary="Take attendance after a session started (facilitators, leads, org admins)",
)
def record_attendance(
    request: HttpRequest, payload: AttendanceIn, session_id: int = id_in_path()
) -> AttendanceOut:
    actor = api_user(request)
    session = get_session_access(actor, session_id, SessionAction.ATTENDANCE).obj
    attendees = organisation_people(session.team, payload.attendee_ids, "attendee_ids")
    try:
        services.attendance_record(session=session, attendees=attendees, recorded_by=actor)
    except ValidationError as error:
        raise renamed(error, "attendees", "attendee_ids") from None
    return _attendance_out(session, can_record=True)
