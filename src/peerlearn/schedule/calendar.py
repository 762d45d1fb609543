"""Sessions and series as calendar events, through the schedule engine's iCalendar code.

Feeds read a fixed number of queries whatever their size: series, their skips, their
materialised occurrences with roles, and single sessions with roles. A session or
series that cannot become an event (a rule the engine refuses, say) is logged,
recorded for its organisation's admins and left out: the feed carries the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from peerlearn.engines.schedule import ical, timezones
from peerlearn.people.models import Membership, User
from peerlearn.schedule.access import SessionAction, can_session_as
from peerlearn.schedule.agenda import describe
from peerlearn.schedule.failures import item_skipped, one_line
from peerlearn.schedule.models import (
    RsvpAnswer,
    Series,
    SeriesSkip,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.schedule.rules import engine_series, facilitator_of

# Single sessions older than this drop out of feeds; series always carry their history.
FEED_HISTORY = dt.timedelta(days=365)
FEED_JOB = "schedule: calendar feed"
logger = logging.getLogger(__name__)
PARTSTAT = {
    RsvpAnswer.GOING: ical.PartStat.ACCEPTED,
    RsvpAnswer.MAYBE: ical.PartStat.TENTATIVE,
    RsvpAnswer.NOT_GOING: ical.PartStat.DECLINED,
}


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def session_url(session: Session) -> str:
    return absolute(reverse("schedule:session", args=[session.pk]))


def series_url(series: Series) -> str:
    return absolute(reverse("schedule:series", args=[series.pk]))


def organizer() -> ical.Person:
    # Invitations come from the app, so replies and updates never fight a person's own
    # calendar over who owns the event.
    from email.utils import parseaddr

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return ical.Person(email=address or "peerlearn@localhost", name=name or "peerlearn")


def single_event(
    session: Session, *, attendees: Sequence[ical.Attendee] = ()
) -> ical.CalendarEvent:
    facilitator = facilitator_of(session)
    where = session.location or session.video_link
    return ical.CalendarEvent(
        uid=session.uid,
        summary=session.title,
        schedule=ical.Single(
            start=session.starts_at.astimezone(timezones.zone(session.time_zone)),
            duration_minutes=session.duration_minutes,
            facilitator=facilitator.name if facilitator else "",
            location=where,
        ),
        sequence=session.sequence,
        last_modified=session.updated_at,
        description=describe(session, url=session_url(session)),
        url=session_url(session),
        organizer=organizer() if attendees else None,
        attendees=tuple(attendees),
        cancelled=session.status == SessionStatus.CANCELLED,
    )


def series_event(series: Series, *, attendees: Sequence[ical.Attendee] = ()) -> ical.CalendarEvent:
    """Needs ``skips`` and ``occurrences`` (with ``roles__person``) prefetched."""
    rule = engine_series(
        series,
        skips=[skip.on for skip in series.skips.all()],
        occurrences=series.occurrences.all(),
    )
    return ical.CalendarEvent(
        uid=series.uid,
        summary=series.title,
        schedule=rule,
        sequence=series.sequence,
        last_modified=series.updated_at,
        description=describe(series, url=series_url(series)),
        url=series_url(series),
        organizer=organizer() if attendees else None,
        attendees=tuple(attendees),
        cancelled=series.cancelled_at is not None,
    )


def with_calendar_relations(series: QuerySet[Series]) -> QuerySet[Series]:
    roles = SessionRole.objects.select_related("person")
    return series.select_related("facilitator", "team").prefetch_related(
        Prefetch("skips", queryset=SeriesSkip.objects.all()),
        Prefetch(
            "occurrences",
            queryset=Session.objects.prefetch_related(Prefetch("roles", queryset=roles)),
        ),
    )


def _singles(condition: Q, now: dt.datetime) -> list[Session]:
    roles = SessionRole.objects.select_related("person")
    return list(
        Session.objects.filter(condition, series__isnull=True, starts_at__gte=now - FEED_HISTORY)
        .exclude(status=SessionStatus.PROPOSED)
        .select_related("team")
        .prefetch_related(Prefetch("roles", queryset=roles))
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class FeedEntry:
    """One event of a feed, and what to call its session or series if it cannot be written."""

    event: ical.CalendarEvent
    label: str
    organisation_id: int | None


def _label(item: Session | Series) -> str:
    kind = "series" if isinstance(item, Series) else "session"
    return f"{kind} {item.pk} ({one_line(item.title)})"


def _entries(items: Iterable[Session | Series]) -> list[FeedEntry]:
    """Each item's event; an item the engine refuses is recorded and left out."""
    entries = []
    for item in items:
        label, organisation_id = _label(item), item.team.organisation_id
        try:
            event = series_event(item) if isinstance(item, Series) else single_event(item)
        except Exception as error:
            item_skipped(job=FEED_JOB, item=label, error=error, organisation_id=organisation_id)
            continue
        entries.append(FeedEntry(event, label, organisation_id))
    return entries


def team_events(team_ids: Iterable[int], *, now: dt.datetime | None = None) -> list[FeedEntry]:
    """Every series and recent single session of the teams (checked by the caller)."""
    ids = list(team_ids)
    moment = now or timezone.now()
    series = list(with_calendar_relations(Series.objects.filter(team_id__in=ids)))
    return _entries([*series, *_singles(Q(team_id__in=ids), moment)])


def person_events(person: User, *, now: dt.datetime | None = None) -> list[FeedEntry]:
    """Everything of the person's teams, plus open sessions elsewhere they signed up for,
    each only while the person may still see it (an RSVP or a role outlives a
    membership; access does not)."""
    moment = now or timezone.now()
    roles = dict(Membership.objects.filter(user=person).values_list("team_id", "role"))
    series = with_calendar_relations(Series.objects.filter(team_id__in=list(roles)))
    signed_up = Q(rsvps__person=person, rsvps__answer__in=[RsvpAnswer.GOING, RsvpAnswer.MAYBE]) | Q(
        roles__person=person
    )
    singles = _singles(Q(team_id__in=list(roles)) | signed_up, moment)
    items: list[Session | Series] = [*series, *{s.pk: s for s in singles}.values()]
    visible = [
        item
        for item in items
        if can_session_as(person, item, SessionAction.VIEW, role=roles.get(item.team_id))
    ]
    return _entries(visible)


def feed_body(entries: Sequence[FeedEntry], *, name: str) -> bytes:
    """The feed of ``entries``. If it cannot be written, each event is tried on its own:
    those that fail are recorded and left out, and the feed carries the rest."""
    try:
        return ical.feed([entry.event for entry in entries], name=name)
    except Exception:
        logger.warning("feed %r could not be written whole; trying event by event", name)
    good = []
    for entry in entries:
        try:
            ical.feed([entry.event], name=name)
        except Exception as error:
            item_skipped(
                job=FEED_JOB, item=entry.label, error=error, organisation_id=entry.organisation_id
            )
        else:
            good.append(entry.event)
    return ical.feed(good, name=name)
