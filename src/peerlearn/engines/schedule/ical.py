"""RFC 5545 calendars for feeds, invitations and cancellations.

One recurring series becomes one master VEVENT (DTSTART;TZID, DURATION, RRULE, EXDATE)
plus one VEVENT per override sharing its UID and naming the occurrence by
RECURRENCE-ID; a cancelled occurrence is such an override with STATUS:CANCELLED, which
is how Google, Outlook and Apple show a struck-through single occurrence.

Output is a pure function of the input: nothing reads the clock (DTSTAMP is given or
taken from LAST-MODIFIED), events are ordered by UID and overrides by RECURRENCE-ID,
so identical input gives identical bytes and the ETag only changes with the content.

The bytes are written by ``ics_writer`` (``icalendar``'s serialiser was too slow for a
five-year feed); ``icalendar`` still builds each VTIMEZONE, once per zone and range, and
``calendar`` parses the written bytes for callers that want an ``icalendar.Calendar``.
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

from peerlearn.engines.schedule import ics_writer, timezones
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.ics_writer import ContentWriter, date_time, duration, param, text
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
    return _write(
        events, method=Method.PUBLISH, name=name, refresh=refresh, stamp=stamp, prodid=prodid
    )


def invitation(event: CalendarEvent, *, stamp: dt.datetime | None = None) -> bytes:
    """A METHOD:REQUEST invitation (also used to send updates: bump ``sequence``)."""
    return _write([event], method=Method.REQUEST, stamp=stamp)


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
        return _write([cancelled], method=Method.CANCEL, stamp=stamp)
    if not isinstance(event.schedule, Series):
        raise ScheduleError("Only a series has occurrences to cancel", field="original_start")
    timezones.require_aware(original_start, field="original_start")
    if stamp is not None:
        timezones.require_aware(stamp, field="stamp")
    instant = original_start.astimezone(UTC)
    for wall, override in event.schedule.overridden:
        if _resolved(wall) == instant:
            if not override.cancelled:
                break
            out = _begin_calendar(Method.CANCEL, None, None, DEFAULT_PRODID)
            _write_timezones(out, [event])
            _write_override(out, event, event.schedule, wall, override, stamp)
            out.end("VCALENDAR")
            return out.to_bytes()
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
    """The calendar ``feed``/``invitation`` write, parsed, for callers that add more.

    Parsing the written bytes (rather than building a second time) keeps one source of
    truth; it costs a parse, so serve feeds with ``feed``, not ``to_bytes(calendar(…))``.
    """
    body = _write(events, method=method, name=name, refresh=refresh, stamp=stamp, prodid=prodid)
    return icalendar.Calendar.from_ical(body)


def to_bytes(cal: icalendar.Calendar) -> bytes:
    body: bytes = cal.to_ical()
    return body


def etag(body: bytes) -> str:
    """A strong HTTP ETag (quoted) for a calendar body: equal bytes, equal tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _write(
    events: Iterable[CalendarEvent],
    *,
    method: Method | None,
    name: str | None = None,
    refresh: dt.timedelta | None = None,
    stamp: dt.datetime | None = None,
    prodid: str = DEFAULT_PRODID,
) -> bytes:
    ordered = sorted(events, key=lambda event: event.uid)
    if stamp is not None:
        timezones.require_aware(stamp, field="stamp")
    out = _begin_calendar(method, name, refresh, prodid)
    _write_timezones(out, ordered)
    for event in ordered:
        _write_event(out, event, stamp)
    out.end("VCALENDAR")
    return out.to_bytes()


def _begin_calendar(
    method: Method | None, name: str | None, refresh: dt.timedelta | None, prodid: str
) -> ContentWriter:
    out = ContentWriter()
    out.begin("VCALENDAR")
    out.line("VERSION:2.0")
    out.line(f"PRODID:{text(prodid)}")
    out.line("CALSCALE:GREGORIAN")
    if method is not None:
        out.line(f"METHOD:{method.value}")
    if name:
        out.line(f"X-WR-CALNAME:{text(name)}")
    if refresh is not None:
        # REFRESH-INTERVAL is RFC 7986; X-PUBLISHED-TTL is what Outlook and Apple read.
        out.line(f"REFRESH-INTERVAL;VALUE=DURATION:{duration(refresh)}")
        out.line(f"X-PUBLISHED-TTL:{duration(refresh)}")
    return out


def _write_event(out: ContentWriter, event: CalendarEvent, stamp: dt.datetime | None) -> None:
    if isinstance(event.schedule, Single):
        _write_single(out, event, event.schedule, stamp)
        return
    series = event.schedule
    _begin_vevent(
        out, event, stamp, series.facilitator, series.location, "", event.cancelled, event.summary
    )
    out.line(date_time("DTSTART", series.first_wall))
    out.line(f"DURATION:{duration(series.duration)}")
    out.line(f"RRULE:{ics_writer.recur(series.rrule_parts)}")
    if series.exdate_walls:
        for line in ics_writer.date_times("EXDATE", series.exdate_walls):
            out.line(line)
    _write_alarms(out, event)
    out.end("VEVENT")
    for wall, override in series.overridden:
        _write_override(out, event, series, wall, override, stamp)


def _write_single(
    out: ContentWriter, event: CalendarEvent, single: Single, stamp: dt.datetime | None
) -> None:
    timezones.require_aware(single.start, field="start")
    if single.duration_minutes < 1:
        raise ScheduleError("A session lasts at least 1 minute", field="duration")
    _begin_vevent(
        out, event, stamp, single.facilitator, single.location, "", event.cancelled, event.summary
    )
    out.line(date_time("DTSTART", _ics_moment(single.start)))
    out.line(f"DURATION:{duration(dt.timedelta(minutes=single.duration_minutes))}")
    _write_alarms(out, event)
    out.end("VEVENT")


def _write_override(
    out: ContentWriter,
    event: CalendarEvent,
    series: Series,
    wall: dt.datetime,
    override: Override,
    stamp: dt.datetime | None,
) -> None:
    facilitator = override.facilitator if override.facilitator is not None else series.facilitator
    location = override.location if override.location is not None else series.location
    cancelled = event.cancelled or override.cancelled
    summary = override.title if override.title is not None else event.summary
    _begin_vevent(out, event, stamp, facilitator, location, override.note, cancelled, summary)
    out.line(date_time("RECURRENCE-ID", wall))
    start = _resolved(wall).astimezone(series.tz) if override.start is None else override.start
    out.line(date_time("DTSTART", _ics_moment(start)))
    minutes = override.duration_minutes or series.duration_minutes
    out.line(f"DURATION:{duration(dt.timedelta(minutes=minutes))}")
    if not override.cancelled:
        _write_alarms(out, event)
    out.end("VEVENT")


def _begin_vevent(
    out: ContentWriter,
    event: CalendarEvent,
    stamp: dt.datetime | None,
    facilitator: str,
    location: str,
    note: str,
    cancelled: bool,
    summary: str,
) -> None:
    timezones.require_aware(event.last_modified, field="last_modified")
    out.begin("VEVENT")
    out.line(f"UID:{text(event.uid)}")
    out.line(f"DTSTAMP:{ics_writer.utc(stamp or event.last_modified)}")
    out.line(f"LAST-MODIFIED:{ics_writer.utc(event.last_modified)}")
    out.line(f"SEQUENCE:{event.sequence:d}")
    out.line(f"SUMMARY:{text(summary)}")
    out.line(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    description = _description(event.description, facilitator, note)
    if description:
        out.line(f"DESCRIPTION:{text(description)}")
    if location:
        out.line(f"LOCATION:{text(location)}")
    if event.url:
        out.line(f"URL:{ics_writer.uri(event.url)}")
    if event.organizer is not None:
        out.line(f"ORGANIZER{_address_params(event.organizer)}:{_mailto(event.organizer)}")
    for attendee in event.attendees:
        params = _address_params(attendee.person)
        params += f";PARTSTAT={param(attendee.partstat.value)};ROLE={param(attendee.role)}"
        if attendee.partstat is PartStat.NEEDS_ACTION:
            params += ";RSVP=TRUE"
        out.line(f"ATTENDEE{params}:{_mailto(attendee.person)}")


def _description(text: str, facilitator: str, note: str) -> str:
    head = [line for line in (note, f"Facilitator: {facilitator}" if facilitator else "") if line]
    return "\n\n".join([*head, text] if text else head)


def _address_params(person: Person) -> str:
    return f";CN={param(person.name)}" if person.name else ""


def _mailto(person: Person) -> str:
    return ics_writer.uri(f"mailto:{person.email}")


def _write_alarms(out: ContentWriter, event: CalendarEvent) -> None:
    for alarm in event.alarms:
        out.begin("VALARM")
        out.line("ACTION:DISPLAY")
        out.line(f"DESCRIPTION:{text(alarm.description)}")
        out.line(f"TRIGGER:{duration(-alarm.before)}")
        out.end("VALARM")


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


def _write_timezones(out: ContentWriter, events: Sequence[CalendarEvent]) -> None:
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    for moment in _moments(events):
        tz = moment.tzinfo
        if isinstance(tz, ZoneInfo) and tz.key and tz.key not in ics_writer.UTC_KEYS:
            first[tz.key] = min(first.get(tz.key, moment.date()), moment.date())
            last[tz.key] = max(last.get(tz.key, moment.date()), moment.date())
    for key in sorted(first):
        # Cover a decade past the last date we know of, for open-ended series; the range
        # depends only on the input so the bytes stay deterministic.
        start = dt.date(first[key].year, 1, 1)
        end = dt.date(last[key].year + 10, 1, 1)
        out.block(_vtimezone(key, start, end))


def _moments(events: Sequence[CalendarEvent]) -> Iterable[dt.datetime]:
    for event in events:
        if isinstance(event.schedule, Single):
            yield _ics_moment(event.schedule.start)
            continue
        series = event.schedule
        yield series.first_wall
        if series.last_day is not None:
            yield dt.datetime.combine(series.last_day, dt.time(), tzinfo=series.tz)
        for _, override in series.overridden:
            if override.start is not None:
                yield _ics_moment(override.start)


@functools.lru_cache(maxsize=64)
def _vtimezone(key: str, start: dt.date, end: dt.date) -> str:
    """The VTIMEZONE text (folded, CRLF-ended) covering ``start`` to ``end``.

    Building one walks the zone's transitions; feeds reuse a handful of zones and
    ranges, so each is built and serialised by ``icalendar`` once per process.
    """
    component = icalendar.Timezone.from_tzid(key, first_date=start, last_date=end)
    serialised: bytes = component.to_ical()
    return serialised.decode()
