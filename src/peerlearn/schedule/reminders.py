"""Reminder e-mails a day before each session, each sent exactly once.

Several workers (or cron on several machines) may run `send_reminders` at the same
time. Each (session, person) reminder is claimed by inserting a `ReminderSent` row
under a unique constraint, in the same transaction as the send: the first insert wins,
a concurrent one waits for it and then fails on the constraint, and a failed send rolls
the claim back so the next run tries again.

The job runs for the whole installation, so nothing one team stored may stop it: a
series the engine refuses, a session or a person whose message cannot be made, a
message the server refuses — each is logged, recorded for its organisation's admins
(``ItemFailure``) and skipped, and the rest go out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlearn.audit.services import for_each_isolated
from peerlearn.engines.schedule import recurrence
from peerlearn.people.models import User
from peerlearn.schedule import mail
from peerlearn.schedule.calendar import with_calendar_relations
from peerlearn.schedule.failures import item_skipped, one_line
from peerlearn.schedule.models import ReminderSent, RsvpAnswer, Series, Session, SessionStatus
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.series_services import occurrence_materialise

REMINDER_LEAD = dt.timedelta(hours=24)
REMINDERS_JOB = "schedule: reminders"
MATERIALISE_JOB = "schedule: reminders (prepare series dates)"
SENT, CLAIMED, FAILED = "sent", "claimed", "failed"


@dataclass(frozen=True)
class ReminderRun:
    materialised: int
    sent: int
    skipped: int  # already claimed by this or another worker, or declined
    failed: int = 0  # logged and recorded as ItemFailure; the rest went on


@dataclass(frozen=True)
class _Due:
    session: Session
    person: User
    message: EmailMultiAlternatives


def _series_label(series: Series) -> str:
    return f"series {series.pk} ({one_line(series.title)})"


def materialise_upcoming(*, now: dt.datetime, until: dt.datetime) -> int:
    """Give every series occurrence starting before ``until`` its row ("about to happen")."""
    missing: list[tuple[Series, dt.datetime]] = []
    for series in with_calendar_relations(Series.objects.filter(cancelled_at__isnull=True)):
        try:
            rule = engine_series(
                series,
                skips=[s.on for s in series.skips.all()],
                occurrences=series.occurrences.all(),
            )
            have = {row.original_start for row in series.occurrences.all()}
            due = recurrence.occurrences(rule, now, until)
        except Exception as error:
            item_skipped(
                job=MATERIALISE_JOB,
                item=_series_label(series),
                error=error,
                organisation_id=series.team.organisation_id,
            )
            continue
        missing += [(series, o.original_start) for o in due if o.original_start not in have]
    result = for_each_isolated(
        missing,
        lambda pair: occurrence_materialise(series=pair[0], original_start=pair[1]),
        job=MATERIALISE_JOB,
        describe=lambda pair: f"{_series_label(pair[0])} on {pair[1]:%Y-%m-%d %H:%M %Z}",
        organisation_of=lambda pair: pair[0].team.organisation_id,
    )
    return len(result.done)


def reminders_send_due(*, now: dt.datetime | None = None) -> ReminderRun:
    moment = now or timezone.now()
    horizon = moment + REMINDER_LEAD
    made = materialise_upcoming(now=moment, until=horizon)
    sessions = Session.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=moment, starts_at__lte=horizon
    ).select_related("team")
    pending: list[_Due] = []
    skipped = failed = 0
    for session in sessions:
        planned = _plan(session, moment)
        if planned is None:
            failed += 1
            continue
        due, already, unmade = planned
        pending += due
        skipped += already
        failed += unmade
    if not pending:
        return ReminderRun(materialised=made, sent=0, skipped=skipped, failed=failed)
    outcomes: Counter[str] = Counter()
    with mail.Outbox() as outbox:
        result = for_each_isolated(
            pending,
            lambda due: outcomes.update([_claim_and_send(due, moment, outbox)]),
            job=REMINDERS_JOB,
            describe=_describe,
            organisation_of=lambda due: due.session.team.organisation_id,
        )
    return ReminderRun(
        materialised=made,
        sent=outcomes[SENT],
        skipped=skipped + outcomes[CLAIMED],
        failed=failed + outcomes[FAILED] + len(result.failed),
    )


def _describe(due: _Due) -> str:
    return _reminder_label(due.session, due.person)


def _reminder_label(session: Session, person: User) -> str:
    return (
        f"reminder for session {session.pk} ({one_line(session.title)}) "
        f"to {one_line(person.name)} (person {person.pk})"
    )


def _plan(session: Session, now: dt.datetime) -> tuple[list[_Due], int, int] | None:
    """The reminders ``session`` still owes, each message made for its reader; the
    number already sent or declined; the number that could not be made. None: the
    session itself could not be planned (recorded)."""
    organisation_id = session.team.organisation_id
    try:
        already = set(
            ReminderSent.objects.filter(session=session).values_list("person_id", flat=True)
        )
        declined = set(
            session.rsvps.filter(answer=RsvpAnswer.NOT_GOING).values_list("person_id", flat=True)
        )
        invitees = mail.session_invitees(session)
    except Exception as error:
        item = f"reminders for session {session.pk} ({one_line(session.title)})"
        item_skipped(job=REMINDERS_JOB, item=item, error=error, organisation_id=organisation_id)
        return None
    due: list[_Due] = []
    skipped = unmade = 0
    for person in invitees:
        if person.pk in already | declined:
            skipped += 1
            continue
        try:
            message = mail.reminder_message(session, person, now=now)
        except Exception as error:
            item_skipped(
                job=REMINDERS_JOB,
                item=_reminder_label(session, person),
                error=error,
                organisation_id=organisation_id,
            )
            unmade += 1
            continue
        due.append(_Due(session, person, message))
    return due, skipped, unmade


def _claim_and_send(due: _Due, now: dt.datetime, outbox: mail.Outbox) -> str:
    """Claim the reminder and send it in one transaction.

    A send that fails rolls the claim back, so the next run tries again; it is recorded
    (once a day, as it may fail the same way on every run until the session starts)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(session=due.session, person=due.person, sent_at=now)
            outbox.send(due.message)
    except IntegrityError:
        return CLAIMED  # another worker claimed it first
    except Exception as error:
        item_skipped(
            job=REMINDERS_JOB,
            item=_describe(due),
            error=error,
            organisation_id=due.session.team.organisation_id,
        )
        return FAILED
    return SENT
