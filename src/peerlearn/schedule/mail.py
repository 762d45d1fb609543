"""Invitation, cancellation and reminder e-mails, each carrying an iCalendar part.

One message per person, so each ATTENDEE line carries that person's own RSVP and no
one's address is shown to the rest of the list.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Prefetch
from django.template.loader import render_to_string

from peerlearn.engines.schedule import ical
from peerlearn.people.models import Membership, User
from peerlearn.schedule.agenda import agenda_of
from peerlearn.schedule.calendar import (
    PARTSTAT,
    series_event,
    series_url,
    session_url,
    single_event,
    with_calendar_relations,
)
from peerlearn.schedule.models import (
    Rsvp,
    RsvpAnswer,
    Series,
    Session,
    SessionRole,
    SessionStatus,
)


def session_invitees(session: Session) -> list[User]:
    """Who a session's invitations and reminders go to: its team (for a team session),
    everyone with a part in it, and everyone who said they would come."""
    # The team always hears of its own sessions, open ones included.
    memberships = Membership.objects.filter(team_id=session.team_id).select_related("user")
    people: dict[int, User] = {m.user_id: m.user for m in memberships}
    for role in SessionRole.objects.filter(session=session).select_related("person"):
        people[role.person_id] = role.person
    for rsvp in Rsvp.objects.filter(
        session=session, answer__in=[RsvpAnswer.GOING, RsvpAnswer.MAYBE]
    ).select_related("person"):
        people[rsvp.person_id] = rsvp.person
    return [p for p in people.values() if p.email and p.is_active]


def series_invitees(series: Series) -> list[User]:
    memberships = Membership.objects.filter(team_id=series.team_id).select_related("user")
    people = {m.user_id: m.user for m in memberships}
    for extra in (series.facilitator, series.co_facilitator):
        if extra is not None:
            people[extra.pk] = extra
    return [p for p in people.values() if p.email and p.is_active]


def _attendee(person: User, answer: str | None, leads: set[int]) -> ical.Attendee:
    return ical.Attendee(
        person=ical.Person(email=person.email, name=person.name),
        partstat=PARTSTAT[RsvpAnswer(answer)] if answer else ical.PartStat.NEEDS_ACTION,
        role="CHAIR" if person.pk in leads else "REQ-PARTICIPANT",
    )


def _message(
    *, person: User, subject: str, text: str, ics: bytes, method: ical.Method
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
    # The text/calendar alternative with a METHOD is what makes Gmail, Outlook and Apple
    # Mail show "Accept/Decline" and update the event in place; the .ics attachment is
    # for clients that only import files.
    message.attach_alternative(ics.decode(), f"text/calendar; method={method.value}")
    message.attach("invite.ics", ics, "application/ics")
    return message


def send(messages: Iterable[EmailMultiAlternatives]) -> int:
    batch = list(messages)
    if not batch:
        return 0
    return int(mailers.default.send_messages(batch) or 0)


def session_invitations(session: Session) -> list[EmailMultiAlternatives]:
    """REQUEST for a scheduled session (new or changed), CANCEL for a cancelled one."""
    if session.series_id is not None:
        return _occurrence_messages(session)
    session = (
        Session.objects.prefetch_related(
            Prefetch("roles", queryset=SessionRole.objects.select_related("person"))
        )
        .select_related("team")
        .get(pk=session.pk)
    )
    cancelled = session.status == SessionStatus.CANCELLED
    answers = dict(session.rsvps.values_list("person_id", "answer"))
    leads = {r.person_id for r in session.roles.all() if r.role in SessionRole.LEADING_ROLES}
    messages = []
    for person in session_invitees(session):
        event = single_event(session, attendees=[_attendee(person, answers.get(person.pk), leads)])
        if cancelled:
            ics, method, verb = ical.cancellation(event), ical.Method.CANCEL, "Cancelled"
        else:
            ics, method = ical.invitation(event), ical.Method.REQUEST
            verb = "Updated" if session.sequence else "Invitation"
        text = _invitation_text(session, person, cancelled=cancelled)
        subject = f"{verb}: {session.title} ({session.local_start:%a %d %b %H:%M %Z})"
        messages.append(_message(person=person, subject=subject, text=text, ics=ics, method=method))
    return messages


def _invitation_text(session: Session, person: User, *, cancelled: bool) -> str:
    context = {
        "session": session,
        "person": person,
        "cancelled": cancelled,
        "agenda": agenda_of(session),
        "url": session_url(session),
    }
    return render_to_string("schedule/email/invitation.txt", context)


def _load_series(series_id: int) -> Series:
    return (
        with_calendar_relations(Series.objects.filter(pk=series_id))
        .select_related("co_facilitator")
        .get()
    )


def _occurrence_messages(session: Session) -> list[EmailMultiAlternatives]:
    assert session.series_id is not None
    series = _load_series(session.series_id)
    leads = {p for p in (series.facilitator_id, series.co_facilitator_id) if p}
    cancelled = session.status == SessionStatus.CANCELLED
    messages = []
    for person in session_invitees(session):
        event = series_event(series, attendees=[_attendee(person, None, leads)])
        if cancelled:
            assert session.original_start is not None
            ics = ical.cancellation(event, original_start=session.original_start)
            method, verb = ical.Method.CANCEL, "Cancelled"
        else:
            ics, method, verb = ical.invitation(event), ical.Method.REQUEST, "Changed"
        text = _invitation_text(session, person, cancelled=cancelled)
        subject = f"{verb}: {session.title} on {session.local_start:%a %d %b %H:%M %Z}"
        messages.append(_message(person=person, subject=subject, text=text, ics=ics, method=method))
    return messages


def series_invitations(series_id: int) -> list[EmailMultiAlternatives]:
    series = _load_series(series_id)
    cancelled = series.cancelled_at is not None
    leads = {p for p in (series.facilitator_id, series.co_facilitator_id) if p}
    messages = []
    for person in series_invitees(series):
        event = series_event(series, attendees=[_attendee(person, None, leads)])
        if cancelled:
            ics, method, verb = ical.cancellation(event), ical.Method.CANCEL, "Cancelled"
        else:
            ics, method = ical.invitation(event), ical.Method.REQUEST
            verb = "Updated series" if series.sequence else "Invitation to a series"
        text = render_to_string(
            "schedule/email/series_invitation.txt",
            {
                "series": series,
                "person": person,
                "cancelled": cancelled,
                "agenda": agenda_of(series),
                "url": series_url(series),
                "rule": series_event(series).schedule,
            },
        )
        subject = f"{verb}: {series.title}"
        messages.append(_message(person=person, subject=subject, text=text, ics=ics, method=method))
    return messages


def reminder_message(session: Session, person: User) -> EmailMultiAlternatives:
    text = render_to_string(
        "schedule/email/reminder.txt",
        {
            "session": session,
            "person": person,
            "agenda": agenda_of(session),
            "url": session_url(session),
        },
    )
    subject = f"Tomorrow: {session.title} ({session.local_start:%a %d %b %H:%M %Z})"
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
    return message
