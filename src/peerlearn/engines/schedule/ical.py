"""RFC 5545 calendars for feeds, invitations and cancellations, built with ``icalendar``.

One recurring series becomes one master VEVENT (DTSTART;TZID, DURATION, RRULE, EXDATE)
plus one VEVENT per override sharing its UID and naming the occurrence by
RECURRENCE-ID; a cancelled occurrence is such an override with STATUS:CANCELLED, which
is how Google, Outlook and Apple show a struck-through single occurrence.

Output is a pure function of the input: nothing reads the clock (DTSTAMP is given or
taken from LAST-MODIFIED), events are ordered by UID and overrides by RECURRENCE-ID,
so identical input gives identical bytes and the ETag only changes with the content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

import icalendar

from peerlearn.engines.schedule import timezones
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.recurrence import Override, Series
from peerlearn.engines.schedule.timezones import UTC

DEFAULT_PRODID = "-//peerlearn//peerlearn sessions//EN"


class Method(StrEnum):
    PUBLISH = "PUBLISH"  # subscribed feeds
    REQUEST = "REQUEST"  # e-mail invitations and updates
    CANCEL = "CANCEL"  # e-mail cancellations


class PartStat(StrEnum):
    """RSVP answers as RFC 5545 PARTSTAT (going / maybe / not going / no answer yet)."""

    ACCEPTED = "ACCEPTED"
    TENTATIVE = "TENTATIVE"
    DECLINED = "DECLINED"
    NEEDS_ACTION = "NEEDS-ACTION"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Attendee:
    person: Person
    partstat: PartStat = PartStat.NEEDS_ACTION
    role: str = "REQ-PARTICIPANT"  # CHAIR for facilitators, OPT-PARTICIPANT for open audience


@dataclass(frozen=True, slots=True)
class Alarm:
    before: dt.timedelta = dt.timedelta(minutes=15)
    description: str = "Reminder"


@dataclass(frozen=True, slots=True)
class Single:
    """A one-off session: an aware start, a duration, who facilitates and where."""

    start: dt.datetime
    duration_minutes: int
    facilitator: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """A session or series as the calendar sees it.

    ``uid`` must never change for the same session (clients match updates by it) and
    ``sequence`` must grow on every change the attendees should see.
    """

    uid: str
    summary: str
    schedule: Series | Single
    sequence: int
    last_modified: dt.datetime
    description: str = ""
    url: str = ""
    organizer: Person | None = None
    attendees: tuple[Attendee, ...] = ()
    alarms: tuple[Alarm, ...] = (Alarm(),)
    cancelled: bool = False  # the whole session or series


def feed(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    refresh: dt.timedelta = dt.timedelta(hours=1),
    stamp: dt.datetime | None = None,
    prodid: str = DEFAULT_PRODID,
) -> bytes:
    """A subscribable METHOD:PUBLISH feed of ``events``."""
    return to_bytes(
        calendar(
            events, method=Method.PUBLISH, name=name, refresh=refresh, stamp=stamp, prodid=prodid
        )
    )


def invitation(event: CalendarEvent, *, stamp: dt.datetime | None = None) -> bytes:
    """A METHOD:REQUEST invitation (also used to send updates: bump ``sequence``)."""
    return to_bytes(calendar([event], method=Method.REQUEST, stamp=stamp))


def cancellation(
    event: CalendarEvent,
    *,
    original_start: dt.datetime | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """A METHOD:CANCEL message for the whole ``event``, or for one occurrence of a series.

    For one occurrence pass its ``original_start``; ``event.schedule`` should already
    hold the cancelling override, and its ``sequence`` must have been bumped.
    """
    if original_start is None:
        cancelled = dataclasses.replace(event, cancelled=True)
        return to_bytes(calendar([cancelled], method=Method.CANCEL, stamp=stamp))
    if not isinstance(event.schedule, Series):
        raise ScheduleError("Only a series has occurrences to cancel", field="original_start")
    timezones.require_aware(original_start, field="original_start")
    instant = original_start.astimezone(UTC)
    for wall, override in event.schedule.overridden:
        if _resolved(wall) == instant:
            if not override.cancelled:
                break
            cal = _new_calendar(Method.CANCEL, None, None, DEFAULT_PRODID)
            _add_timezones(cal, [event])
            cal.add_component(_override_vevent(event, event.schedule, wall, override, stamp))
            return to_bytes(cal)
    raise ScheduleError(
        "Add a cancelling override for that occurrence before sending its cancellation",
        field="original_start",
    )


def calendar(
    events: Iterable[CalendarEvent],
    *,
    method: Method | None = None,
    name: str | None = None,
    refresh: dt.timedelta | None = None,
    stamp: dt.datetime | None = None,
    prodid: str = DEFAULT_PRODID,
) -> icalendar.Calendar:
    """The ``icalendar.Calendar`` behind ``feed``/``invitation``, for callers that add more."""
    ordered = sorted(events, key=lambda event: event.uid)
    if stamp is not None:
        timezones.require_aware(stamp, field="stamp")
    cal = _new_calendar(method, name, refresh, prodid)
    _add_timezones(cal, ordered)
    for event in ordered:
        for component in _vevents(event, stamp):
            cal.add_component(component)
    return cal


def to_bytes(cal: icalendar.Calendar) -> bytes:
    body: bytes = cal.to_ical()
    return body


def etag(body: bytes) -> str:
    """A strong HTTP ETag (quoted) for a calendar body: equal bytes, equal tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _new_calendar(
    method: Method | None, name: str | None, refresh: dt.timedelta | None, prodid: str
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method.value)
    if name:
        cal.add("x-wr-calname", name)
    if refresh is not None:
        # REFRESH-INTERVAL is RFC 7986; X-PUBLISHED-TTL is what Outlook and Apple read.
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(refresh))
    return cal


def _vevents(event: CalendarEvent, stamp: dt.datetime | None) -> list[icalendar.Event]:
    if isinstance(event.schedule, Single):
        return [_single_vevent(event, event.schedule, stamp)]
    series = event.schedule
    master = _base_vevent(event, stamp, series.facilitator, series.location, "")
    master.add("dtstart", series.first_wall)
    master.add("duration", series.duration)
    master.add("rrule", series.rrule_parts)
    if series.exdate_walls:
        master.add("exdate", list(series.exdate_walls))
    _add_alarms(master, event)
    overrides = [
        _override_vevent(event, series, wall, override, stamp)
        for wall, override in series.overridden
    ]
    return [master, *overrides]


def _single_vevent(
    event: CalendarEvent, single: Single, stamp: dt.datetime | None
) -> icalendar.Event:
    timezones.require_aware(single.start, field="start")
    if single.duration_minutes < 1:
        raise ScheduleError("A session lasts at least 1 minute", field="duration")
    vevent = _base_vevent(event, stamp, single.facilitator, single.location, "")
    vevent.add("dtstart", _ics_moment(single.start))
    vevent.add("duration", dt.timedelta(minutes=single.duration_minutes))
    _add_alarms(vevent, event)
    return vevent


def _override_vevent(
    event: CalendarEvent,
    series: Series,
    wall: dt.datetime,
    override: Override,
    stamp: dt.datetime | None,
) -> icalendar.Event:
    facilitator = override.facilitator if override.facilitator is not None else series.facilitator
    location = override.location if override.location is not None else series.location
    vevent = _base_vevent(event, stamp, facilitator, location, override.note)
    vevent.add("recurrence-id", wall)
    start = _resolved(wall).astimezone(series.tz) if override.start is None else override.start
    vevent.add("dtstart", _ics_moment(start))
    minutes = override.duration_minutes or series.duration_minutes
    vevent.add("duration", dt.timedelta(minutes=minutes))
    if override.cancelled:
        vevent["status"] = "CANCELLED"  # replaces the CONFIRMED the base gave it
    else:
        _add_alarms(vevent, event)
    return vevent


def _base_vevent(
    event: CalendarEvent, stamp: dt.datetime | None, facilitator: str, location: str, note: str
) -> icalendar.Event:
    timezones.require_aware(event.last_modified, field="last_modified")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", (stamp or event.last_modified).astimezone(UTC))
    vevent.add("last-modified", event.last_modified.astimezone(UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    description = _description(event.description, facilitator, note)
    if description:
        vevent.add("description", description)
    if location:
        vevent.add("location", location)
    if event.url:
        vevent.add("url", event.url)
    if event.organizer is not None:
        vevent.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        address = _address(attendee.person)
        address.params["PARTSTAT"] = attendee.partstat.value
        address.params["ROLE"] = attendee.role
        if attendee.partstat is PartStat.NEEDS_ACTION:
            address.params["RSVP"] = "TRUE"
        vevent.add("attendee", address)
    return vevent


def _description(text: str, facilitator: str, note: str) -> str:
    head = [line for line in (note, f"Facilitator: {facilitator}" if facilitator else "") if line]
    return "\n\n".join([*head, text] if text else head)


def _address(person: Person) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    return address


def _add_alarms(vevent: icalendar.Event, event: CalendarEvent) -> None:
    for alarm in event.alarms:
        valarm = icalendar.Alarm()
        valarm.add("action", "DISPLAY")
        valarm.add("description", alarm.description)
        valarm.add("trigger", -alarm.before)
        vevent.add_component(valarm)


def _ics_moment(moment: dt.datetime) -> dt.datetime:
    """``moment`` as it can be written: with its TZID when the wall time names it
    unambiguously, else in UTC (a fixed offset or the second pass through a fold)."""
    tz = moment.tzinfo
    if isinstance(tz, ZoneInfo) and _resolved(moment) == moment.astimezone(UTC):
        return moment
    return moment.astimezone(UTC)


def _resolved(wall: dt.datetime) -> dt.datetime:
    """The UTC instant a TZID wall time means to a client (RFC 5545 §3.3.5)."""
    tz = wall.tzinfo
    assert isinstance(tz, ZoneInfo)
    return timezones.resolve(wall.replace(tzinfo=None), tz).astimezone(UTC)


def _add_timezones(cal: icalendar.Calendar, events: Sequence[CalendarEvent]) -> None:
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    for moment in _moments(events):
        tz = moment.tzinfo
        if isinstance(tz, ZoneInfo) and tz.key != "UTC":
            first[tz.key] = min(first.get(tz.key, moment.date()), moment.date())
            last[tz.key] = max(last.get(tz.key, moment.date()), moment.date())
    for key in sorted(first):
        # Cover a decade past the last date we know of, for open-ended series; the range
        # depends only on the input so the bytes stay deterministic.
        start = dt.date(first[key].year, 1, 1)
        end = dt.date(last[key].year + 10, 1, 1)
        cal.add_component(_vtimezone(key, start, end))


def _moments(events: Sequence[CalendarEvent]) -> Iterable[dt.datetime]:
    for event in events:
        if isinstance(event.schedule, Single):
            yield _ics_moment(event.schedule.start)
            continue
        series = event.schedule
        yield series.first_wall
        if series.until is not None:
            yield dt.datetime.combine(series.until, dt.time(), tzinfo=series.tz)
        for _, override in series.overridden:
            if override.start is not None:
                yield _ics_moment(override.start)


@functools.lru_cache(maxsize=64)
def _vtimezone(key: str, start: dt.date, end: dt.date) -> icalendar.Timezone:
    # Building a VTIMEZONE walks the zone's transitions; feeds reuse a handful of zones.
    return icalendar.Timezone.from_tzid(key, first_date=start, last_date=end)
