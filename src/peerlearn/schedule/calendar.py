"""Sessions and series as calendar events, through the schedule engine's iCalendar code.

Feeds read a fixed number of queries whatever their size: series, their skips, their
materialised occurrences with roles, and single sessions with roles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from peerlearn.engines.schedule import ical
from peerlearn.people.models import Membership, User
from peerlearn.schedule.agenda import describe
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
            start=session.starts_at.astimezone(ZoneInfo(session.time_zone)),
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
        .prefetch_related(Prefetch("roles", queryset=roles))
        .order_by("starts_at")
    )


def team_events(
    team_ids: Iterable[int], *, now: dt.datetime | None = None
) -> list[ical.CalendarEvent]:
    ids = list(team_ids)
    moment = now or timezone.now()
    series = with_calendar_relations(Series.objects.filter(team_id__in=ids))
    events = [series_event(s) for s in series]
    events += [single_event(s) for s in _singles(Q(team_id__in=ids), moment)]
    return events


def person_events(person: User, *, now: dt.datetime | None = None) -> list[ical.CalendarEvent]:
    """Everything of the person's teams, plus open sessions elsewhere they signed up for."""
    moment = now or timezone.now()
    team_ids = list(Membership.objects.filter(user=person).values_list("team_id", flat=True))
    series = with_calendar_relations(Series.objects.filter(team_id__in=team_ids))
    signed_up = Q(rsvps__person=person, rsvps__answer__in=[RsvpAnswer.GOING, RsvpAnswer.MAYBE]) | Q(
        roles__person=person
    )
    singles = _singles(Q(team_id__in=team_ids) | signed_up, moment)
    unique_singles = list({s.pk: s for s in singles}.values())
    return [series_event(s) for s in series] + [single_event(s) for s in unique_singles]


def feed_body(events: Iterable[ical.CalendarEvent], *, name: str) -> bytes:
    return ical.feed(events, name=name)


def last_modified(events: Sequence[ical.CalendarEvent]) -> dt.datetime | None:
    return max((event.last_modified for event in events), default=None)
