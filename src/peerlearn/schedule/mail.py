"""Invitation, update, cancellation and reminder e-mails, each carrying an iCalendar part.

One message per person, so each ATTENDEE line carries that person's own RSVP, the
times read in that person's own zone (``schedule.when``), and no one's address is
shown to the rest of the list.

Who gets a message is decided when it is produced, by the schedule's access rule: an
RSVP or a role outlives a membership, access does not. One person's message that
cannot be made or sent is logged, recorded for the admins and skipped; the rest go.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from types import TracebackType

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from peerlearn.engines.schedule import ical, recurrence
from peerlearn.people.models import Membership, User
from peerlearn.schedule.access import people_with_session_access
from peerlearn.schedule.agenda import agenda_of
from peerlearn.schedule.calendar import (
    PARTSTAT,
    organizer,
    series_event,
    series_url,
    session_url,
    single_event,
    with_calendar_relations,
)
from peerlearn.schedule.failures import item_skipped, one_line
from peerlearn.schedule.models import (
    Rsvp,
    RsvpAnswer,
    Series,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.schedule.when import LONG, SHORT, day_word, when

INVITATIONS_JOB = "schedule: invitations"


def session_invitees(session: Session) -> list[User]:
    """Who a session's invitations and reminders go to now: its team (for a team
    session), everyone with a part in it, and everyone who said they would come —
    each only while they may still see the session."""
    # The team always hears of its own sessions, open ones included.
    memberships = Membership.objects.filter(team_id=session.team_id).select_related("user")
    people: dict[int, User] = {m.user_id: m.user for m in memberships}
    for role in SessionRole.objects.filter(session=session).select_related("person"):
        people[role.person_id] = role.person
    for rsvp in Rsvp.objects.filter(
        session=session, answer__in=[RsvpAnswer.GOING, RsvpAnswer.MAYBE]
    ).select_related("person"):
        people[rsvp.person_id] = rsvp.person
    return people_with_session_access([p for p in people.values() if p.email], session)


def series_invitees(series: Series) -> list[User]:
    memberships = Membership.objects.filter(team_id=series.team_id).select_related("user")
    people = {m.user_id: m.user for m in memberships}
    for extra in (series.facilitator, series.co_facilitator):
        if extra is not None:
            people[extra.pk] = extra
    return people_with_session_access([p for p in people.values() if p.email], series)


class Outbox:
    """One connection to the mail server for a run of messages.

    Opened on entering, so a server that is down fails the run once (and the task log
    shows it) rather than each message; a failed message closes the connection, so
    the next one starts on a fresh one.
    """

    def __init__(self) -> None:
        self.backend = mailers.default

    def __enter__(self) -> Outbox:
        self.backend.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.backend.close()

    def send(self, message: EmailMultiAlternatives) -> None:
        try:
            sent = self.backend.send_messages([message])
        except Exception:
            self.backend.close()
            raise
        if not sent:
            raise RuntimeError(f"The mail server did not take the message to {message.to}.")


def _deliver(
    people: Sequence[User],
    build: Callable[[User], EmailMultiAlternatives],
    *,
    what: str,
    organisation_id: int | None,
) -> int:
    """Build and send one message per person; a person whose fails is skipped."""
    if not people:
        return 0
    sent = 0
    with Outbox() as outbox:
        for person in people:
            try:
                outbox.send(build(person))
            except Exception as error:
                item = f"{what} to {one_line(person.name)} (person {person.pk})"
                item_skipped(
                    job=INVITATIONS_JOB, item=item, error=error, organisation_id=organisation_id
                )
            else:
                sent += 1
    return sent


def _attendee(person: User, answer: str | None, leads: set[int]) -> ical.Attendee:
    return ical.Attendee(
        person=ical.Person(email=person.email, name=person.name),
        partstat=PARTSTAT[RsvpAnswer(answer)] if answer else ical.PartStat.NEEDS_ACTION,
        role="CHAIR" if person.pk in leads else "REQ-PARTICIPANT",
    )


def _for(event: ical.CalendarEvent, attendee: ical.Attendee) -> ical.CalendarEvent:
    return dataclasses.replace(event, organizer=organizer(), attendees=(attendee,))


def _message(
    *,
    person: User,
    subject: str,
    text: str,
    ics: bytes | None = None,
    method: ical.Method = ical.Method.REQUEST,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        one_line(subject), text, settings.DEFAULT_FROM_EMAIL, [person.email]
    )
    if ics is not None:
        # The text/calendar alternative with a METHOD is what makes Gmail, Outlook and
        # Apple Mail show "Accept/Decline" and update the event in place; the .ics
        # attachment is for clients that only import files.
        message.attach_alternative(ics.decode(), f"text/calendar; method={method.value}")
        message.attach("invite.ics", ics, "application/ics")
    return message


def _session_text(
    template: str, session: Session, person: User, **extra: object
) -> tuple[str, str]:
    """The body of a message about ``session`` for ``person``, and the short time for
    its subject, both in the person's zone."""
    shown = when(session.starts_at, reader_zone=person.time_zone, zone=session.time_zone)
    short = when(
        session.starts_at, reader_zone=person.time_zone, zone=session.time_zone, format=SHORT
    )
    context = {
        "session": session,
        "person": person,
        "when": shown.named,
        "agenda": agenda_of(session),
        "url": session_url(session),
        **extra,
    }
    return render_to_string(template, context), f"{short.text} {short.reader_zone}"


def _label(kind: str, item: Session | Series) -> str:
    return f"{kind} {item.pk} ({one_line(item.title)})"


def session_invitations_send(session: Session) -> int:
    """REQUEST for a scheduled session (new or changed), CANCEL for a cancelled one;
    to each invitee, built and sent one by one. Returns the number sent."""
    what = _label("session", session)
    organisation_id = session.team.organisation_id
    try:
        people, build = _session_letters(session)
    except Exception as error:
        item_skipped(job=INVITATIONS_JOB, item=what, error=error, organisation_id=organisation_id)
        return 0
    return _deliver(people, build, what=what, organisation_id=organisation_id)


def _session_letters(
    session: Session,
) -> tuple[list[User], Callable[[User], EmailMultiAlternatives]]:
    """Who hears of ``session`` and how each one's message is made."""
    if session.series_id is not None:
        return _occurrence_letters(session)
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
    event = single_event(session)
    verb = "Cancelled" if cancelled else ("Updated" if session.sequence else "Invitation")

    def build(person: User) -> EmailMultiAlternatives:
        personal = _for(event, _attendee(person, answers.get(person.pk), leads))
        if cancelled:
            ics, method = ical.cancellation(personal), ical.Method.CANCEL
        else:
            ics, method = ical.invitation(personal), ical.Method.REQUEST
        text, short = _session_text(
            "schedule/email/invitation.txt", session, person, cancelled=cancelled
        )
        subject = f"{verb}: {session.title} ({short})"
        return _message(person=person, subject=subject, text=text, ics=ics, method=method)

    return session_invitees(session), build


def _load_series(series_id: int) -> Series:
    return (
        with_calendar_relations(Series.objects.filter(pk=series_id))
        .select_related("co_facilitator")
        .get()
    )


def _occurrence_letters(
    session: Session,
) -> tuple[list[User], Callable[[User], EmailMultiAlternatives]]:
    assert session.series_id is not None
    series = _load_series(session.series_id)
    leads = {p for p in (series.facilitator_id, series.co_facilitator_id) if p}
    cancelled = session.status == SessionStatus.CANCELLED
    event = series_event(series)
    if cancelled:
        assert session.original_start is not None
        original_start = session.original_start
        # An occurrence the engine cannot cancel fails here, once, not once per person.
        ical.cancellation(event, original_start=original_start)
    verb = "Cancelled" if cancelled else "Changed"

    def build(person: User) -> EmailMultiAlternatives:
        personal = _for(event, _attendee(person, None, leads))
        if cancelled:
            ics = ical.cancellation(personal, original_start=original_start)
            method = ical.Method.CANCEL
        else:
            ics, method = ical.invitation(personal), ical.Method.REQUEST
        text, short = _session_text(
            "schedule/email/invitation.txt", session, person, cancelled=cancelled
        )
        subject = f"{verb}: {session.title} on {short}"
        return _message(person=person, subject=subject, text=text, ics=ics, method=method)

    return session_invitees(session), build


def series_invitations_send(series_id: int, *, now: dt.datetime | None = None) -> int:
    """The invitation to (or the end of) a whole series, to each invitee."""
    series = _load_series(series_id)
    what = _label("series", series)
    organisation_id = series.team.organisation_id
    try:
        people, build = _series_letters(series, now=now)
    except Exception as error:
        item_skipped(job=INVITATIONS_JOB, item=what, error=error, organisation_id=organisation_id)
        return 0
    return _deliver(people, build, what=what, organisation_id=organisation_id)


def _series_letters(
    series: Series, *, now: dt.datetime | None
) -> tuple[list[User], Callable[[User], EmailMultiAlternatives]]:
    cancelled = series.cancelled_at is not None
    leads = {p for p in (series.facilitator_id, series.co_facilitator_id) if p}
    event = series_event(series)
    rule = event.schedule
    assert isinstance(rule, recurrence.Series)
    first = dt.datetime.combine(series.starts_on, dt.time(), tzinfo=rule.tz)
    moment = max(now or timezone.now(), first)
    upcoming = recurrence.occurrences(rule, moment, moment + dt.timedelta(days=400))
    following = next((o for o in upcoming if o.status == recurrence.Status.SCHEDULED), None)
    if cancelled:
        verb = "Cancelled"
    else:
        verb = "Updated series" if series.sequence else "Invitation to a series"

    def build(person: User) -> EmailMultiAlternatives:
        personal = _for(event, _attendee(person, None, leads))
        if cancelled:
            ics, method = ical.cancellation(personal), ical.Method.CANCEL
        else:
            ics, method = ical.invitation(personal), ical.Method.REQUEST
        shown = None
        if following is not None:
            shown = when(
                following.start, reader_zone=person.time_zone, zone=series.time_zone, format=LONG
            ).named
        text = render_to_string(
            "schedule/email/series_invitation.txt",
            {
                "series": series,
                "person": person,
                "cancelled": cancelled,
                "agenda": agenda_of(series),
                "url": series_url(series),
                "rule": rule,
                "next": shown,
            },
        )
        subject = f"{verb}: {series.title}"
        return _message(person=person, subject=subject, text=text, ics=ics, method=method)

    return series_invitees(series), build


def reminder_message(session: Session, person: User, *, now: dt.datetime) -> EmailMultiAlternatives:
    """The reminder for ``person``: "today" or "tomorrow" by their own calendar at ``now``."""
    day = day_word(session.starts_at, reader_zone=person.time_zone, now=now)
    text, short = _session_text("schedule/email/reminder.txt", session, person, day=day)
    subject = f"{day[:1].upper()}{day[1:]}: {session.title} ({short})"
    return _message(person=person, subject=subject, text=text)
