"""Reminder e-mails a day before each session, each sent exactly once.

Several workers (or cron on several machines) may run `send_reminders` at the same
time. Each (session, person) reminder is claimed by inserting a `ReminderSent` row
under a unique constraint, in the same transaction as the send: the first insert wins,
a concurrent one waits for it and then fails on the constraint, and a failed send rolls
the claim back so the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlearn.engines.schedule import recurrence
from peerlearn.schedule import mail
from peerlearn.schedule.calendar import with_calendar_relations
from peerlearn.schedule.models import ReminderSent, RsvpAnswer, Series, Session, SessionStatus
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.series_services import occurrence_materialise

logger = logging.getLogger(__name__)
REMINDER_LEAD = dt.timedelta(hours=24)


@dataclass(frozen=True)
class ReminderRun:
    materialised: int
    sent: int
    skipped: int  # already claimed by this or another worker


def materialise_upcoming(*, now: dt.datetime, until: dt.datetime) -> int:
    """Give every series occurrence starting before ``until`` its row ("about to happen")."""
    made = 0
    for series in with_calendar_relations(Series.objects.filter(cancelled_at__isnull=True)):
        rule = engine_series(
            series,
            skips=[s.on for s in series.skips.all()],
            occurrences=series.occurrences.all(),
        )
        have = {row.original_start for row in series.occurrences.all()}
        for occurrence in recurrence.occurrences(rule, now, until):
            if occurrence.original_start not in have:
                occurrence_materialise(series=series, original_start=occurrence.original_start)
                made += 1
    return made


def reminders_send_due(*, now: dt.datetime | None = None) -> ReminderRun:
    moment = now or timezone.now()
    horizon = moment + REMINDER_LEAD
    made = materialise_upcoming(now=moment, until=horizon)
    sent = skipped = 0
    due = Session.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=moment, starts_at__lte=horizon
    ).select_related("team")
    for session in due:
        already = set(
            ReminderSent.objects.filter(session=session).values_list("person_id", flat=True)
        )
        declined = set(
            session.rsvps.filter(answer=RsvpAnswer.NOT_GOING).values_list("person_id", flat=True)
        )
        for person in mail.session_invitees(session):
            if person.pk in already | declined:
                skipped += 1
                continue
            if _claim_and_send(session, person.pk, moment):
                sent += 1
            else:
                skipped += 1
    return ReminderRun(materialised=made, sent=sent, skipped=skipped)


def _claim_and_send(session: Session, person_id: int, now: dt.datetime) -> bool:
    from peerlearn.people.models import User

    try:
        with transaction.atomic():
            ReminderSent.objects.create(session=session, person_id=person_id, sent_at=now)
            person = User.objects.get(pk=person_id)
            mail.send([mail.reminder_message(session, person)])
    except IntegrityError:
        return False  # another worker claimed it first
    return True
