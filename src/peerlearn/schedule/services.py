"""Every write to sessions, their roles, RSVPs and attendance goes through these functions.

Series and occurrences: `series_services.py`; feed tokens: `feeds.py`; reminders:
`reminders.py`. Invitations go out from a background task after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from peerlearn.engines.schedule import formats
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.timezones import aware_exists
from peerlearn.gaps.services import gaps_cover_for_session
from peerlearn.people.models import Membership, Team, User
from peerlearn.schedule.audit_events import cancellation_record
from peerlearn.schedule.models import (
    Attendance,
    Audience,
    Rsvp,
    RsvpAnswer,
    Series,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.schedule.rules import as_validation_error, field_problems
from peerlearn.search.services import search_session_scopes_sync

# A change to any of these is visible in a calendar, so it bumps SEQUENCE and re-invites.
CALENDAR_FIELDS = (
    "title",
    "format",
    "topic",
    "change_link",
    "notes",
    "audience",
    "status",
    "starts_at",
    "time_zone",
    "duration_minutes",
    "location",
    "video_link",
    "whiteboard_link",
)
EDITABLE_FIELDS = frozenset(CALENDAR_FIELDS) - {"status"}


def validate_session_fields(session: Session) -> None:
    """The shared input rules, format rules from the engine and model validation, as one
    ValidationError by field."""
    errors = field_problems(session)
    try:
        fmt = formats.get_format(session.format)
    except ScheduleError as error:
        raise as_validation_error(error) from None
    problem = formats.duration_problem(fmt, session.duration_minutes)
    if problem:
        errors["duration_minutes"] = [problem]
    link_problem = formats.change_link_problem(fmt, session.change_link)
    if link_problem and "change_link" not in errors:
        errors["change_link"] = [link_problem]
    if session.starts_at.tzinfo is None:
        errors["starts_at"] = ["The start needs a time zone."]
    elif "starts_at" not in errors and not aware_exists(session.starts_at):
        errors["starts_at"] = ["That time does not exist in this zone (daylight saving)."]
    try:
        # Fields already refused are not judged again (Django's own URL message would
        # only repeat the one above).
        session.full_clean(exclude=["ends_at", *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _require_team_people(team: Team, people: Iterable[User | None]) -> None:
    wanted = {person.pk for person in people if person is not None}
    found = set(
        Membership.objects.filter(team=team, user_id__in=wanted).values_list("user_id", flat=True)
    )
    missing = [p.name for p in people if p is not None and p.pk not in found]
    if missing:
        raise ValidationError(f"Not in {team.name}: {', '.join(missing)}.")


def _set_leading_roles(session: Session, facilitator: User | None, co: User | None) -> None:
    SessionRole.objects.filter(session=session, role__in=SessionRole.LEADING_ROLES).delete()
    if facilitator is not None:
        SessionRole.objects.create(
            session=session, person=facilitator, role=SessionRole.FACILITATOR
        )
    if co is not None and co != facilitator:
        SessionRole.objects.create(session=session, person=co, role=SessionRole.CO_FACILITATOR)


def _touch_series(session: Session) -> None:
    # A changed occurrence is an override inside its series' calendar event, which has
    # one SEQUENCE: bump it so clients take the change.
    if session.series_id is not None:
        Series.objects.filter(pk=session.series_id).update(
            sequence=F("sequence") + 1, updated_at=timezone.now()
        )


def announce_after_commit(session: Session) -> None:
    """Queue the invitation (REQUEST) or cancellation (CANCEL) once the change is saved,
    and the team's chat notification."""
    from peerlearn.chat.events import session_announced
    from peerlearn.schedule.tasks import send_session_invitations

    if session.status == SessionStatus.PROPOSED:
        return
    session_announced(session)  # queued in this transaction, sent after it
    session_id, sequence = session.pk, session.sequence
    transaction.on_commit(lambda: send_session_invitations.enqueue(session_id, sequence))


@transaction.atomic
def session_create(
    *,
    team: Team,
    created_by: User | None,
    title: str,
    format: str,
    starts_at: dt.datetime,
    time_zone: str,
    duration_minutes: int,
    topic: str = "",
    change_link: str = "",
    notes: str = "",
    audience: str = Audience.TEAM,
    status: str = SessionStatus.SCHEDULED,
    location: str = "",
    video_link: str = "",
    whiteboard_link: str = "",
    facilitator: User | None = None,
    co_facilitator: User | None = None,
) -> Session:
    if status not in (SessionStatus.PROPOSED, SessionStatus.SCHEDULED):
        raise ValidationError({"status": ["A new session is proposed or scheduled."]})
    session = Session(
        team=team,
        created_by=created_by,
        title=title,
        format=format,
        topic=topic,
        change_link=change_link,
        notes=notes,
        audience=audience,
        status=status,
        starts_at=starts_at,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        location=location,
        video_link=video_link,
        whiteboard_link=whiteboard_link,
    )
    validate_session_fields(session)
    _require_team_people(team, [facilitator, co_facilitator])
    session.ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    session.save()
    _set_leading_roles(session, facilitator, co_facilitator)
    announce_after_commit(session)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    changes: Mapping[str, Any],
    facilitator: User | None = None,
    co_facilitator: User | None = None,
    set_facilitators: bool = False,
) -> Session:
    """Apply ``changes`` (field → value); bump SEQUENCE if a calendar would show it."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    locked = Session.objects.select_for_update().get(pk=session.pk)
    before = {name: getattr(locked, name) for name in CALENDAR_FIELDS}
    for name, value in changes.items():
        setattr(locked, name, value)
    validate_session_fields(locked)
    locked.ends_at = locked.starts_at + dt.timedelta(minutes=locked.duration_minutes)
    changed = any(getattr(locked, name) != before[name] for name in CALENDAR_FIELDS)
    if set_facilitators:
        _require_team_people(locked.team, [facilitator, co_facilitator])
        old = _leading(locked)
        _set_leading_roles(locked, facilitator, co_facilitator)
        changed = changed or old != _leading(locked)
    if changed:
        locked.sequence += 1
        locked.updated_at = timezone.now()
        _touch_series(locked)
    locked.save()
    if locked.audience != before["audience"]:
        search_session_scopes_sync(session_ids=[locked.pk])
    if changed:
        announce_after_commit(locked)
    return locked


def _leading(session: Session) -> set[tuple[int, str]]:
    return set(
        SessionRole.objects.filter(session=session, role__in=SessionRole.LEADING_ROLES).values_list(
            "person_id", "role"
        )
    )


_ALLOWED_MOVES = {
    SessionStatus.PROPOSED: {SessionStatus.SCHEDULED, SessionStatus.CANCELLED},
    SessionStatus.SCHEDULED: {SessionStatus.DONE, SessionStatus.CANCELLED},
    SessionStatus.CANCELLED: {SessionStatus.SCHEDULED},
    SessionStatus.DONE: set(),
}


@transaction.atomic
def session_set_status(*, session: Session, status: str, actor: User | None = None) -> Session:
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if status == locked.status:
        return locked
    if status not in _ALLOWED_MOVES[SessionStatus(locked.status)]:
        shown = status if status in SessionStatus.values else repr(status[:40])
        raise ValidationError(
            f"A {locked.get_status_display().lower()} session cannot become {shown}."
        )
    locked.status = status
    locked.sequence += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "sequence", "updated_at"])
    if status == SessionStatus.CANCELLED:
        cancellation_record(item=locked, actor=actor)
    _touch_series(locked)
    if status == SessionStatus.DONE:
        gaps_cover_for_session(session=locked)
    else:
        announce_after_commit(locked)
    return locked


@transaction.atomic
def session_set_format_roles(
    *, session: Session, people_by_role: Mapping[str, Sequence[User]]
) -> Session:
    """Replace the format roles (author, guide, reviewers…); facilitators stay."""
    fmt = formats.get_format(session.format)
    known = {role.key for role in fmt.roles}
    problems = [f"{fmt.name} has no role {key!r}" for key in people_by_role if key not in known]
    for role in fmt.roles:
        count = len(people_by_role.get(role.key, ()))
        if role.max_people is not None and count > role.max_people:
            problems.append(f"{fmt.name} allows at most {role.max_people} {role.label.lower()}")
    # Keyed by field, so the API names it; the page joins the messages as before.
    if problems:
        raise ValidationError({"roles": problems})
    try:
        _require_team_people(
            session.team, [p for people in people_by_role.values() for p in people]
        )
    except ValidationError as error:
        raise ValidationError({"roles": error.messages}) from None
    SessionRole.objects.filter(session=session, role__in=known).exclude(
        role__in=SessionRole.LEADING_ROLES
    ).delete()
    SessionRole.objects.bulk_create(
        SessionRole(session=session, person=person, role=key)
        for key, people in people_by_role.items()
        for person in dict.fromkeys(people)
        if key not in SessionRole.LEADING_ROLES
    )
    return session


@transaction.atomic
def rsvp_set(*, session: Session, person: User, answer: str) -> Rsvp:
    if answer not in RsvpAnswer.values:
        raise ValidationError(f"{answer[:40]!r} is not an answer; use going, maybe or not_going.")
    current = Session.objects.select_for_update().get(pk=session.pk)
    if current.status in (SessionStatus.CANCELLED, SessionStatus.DONE):
        raise ValidationError(f"This session is {current.get_status_display().lower()}.")
    rsvp, _ = Rsvp.objects.update_or_create(
        session=session,
        person=person,
        defaults={"answer": answer, "answered_at": timezone.now()},
    )
    return rsvp


@transaction.atomic
def attendance_record(
    *,
    session: Session,
    attendees: Iterable[User],
    recorded_by: User,
    now: dt.datetime | None = None,
) -> list[Attendance]:
    """Replace who attended. Only once the session has started; marks it done."""
    moment = now or timezone.now()
    if session.starts_at > moment:
        raise ValidationError("Attendance is taken once the session has started.")
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError("A cancelled session has no attendance.")
    people = list(dict.fromkeys(attendees))
    allowed = set(
        Membership.objects.filter(team=session.team).values_list("user_id", flat=True)
    ) | set(session.rsvps.values_list("person_id", flat=True))
    strangers = [p.name for p in people if p.pk not in allowed]
    if strangers:
        raise ValidationError(
            {"attendees": [f"Not in the team and no RSVP: {', '.join(strangers)}."]}
        )
    Attendance.objects.filter(session=session).exclude(person__in=people).delete()
    kept = set(Attendance.objects.filter(session=session).values_list("person_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(session=session, person=p, recorded_by=recorded_by, recorded_at=moment)
        for p in people
        if p.pk not in kept
    )
    if session.status == SessionStatus.SCHEDULED:
        session_set_status(session=session, status=SessionStatus.DONE)
    return list(Attendance.objects.filter(session=session).select_related("person"))
