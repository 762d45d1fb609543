"""The feed as the engine built it with ``icalendar`` before ``ics_writer``, as an oracle.

``ical`` now writes RFC 5545 text itself; the equivalence tests parse both outputs and
compare them, so the faster writer is held to the same calendar, field by field. What
to put in a VEVENT (description text, which moment, which zones) is shared with
``ical``; only the serialisation differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from peerlearn.engines.schedule.ical import (
    DEFAULT_PRODID,
    CalendarEvent,
    Method,
    PartStat,
    Person,
    Single,
    _description,
    _ics_moment,
    _moments,
    _resolved,
    _vtimezone,
)
from peerlearn.engines.schedule.ics_writer import UTC_KEYS
from peerlearn.engines.schedule.recurrence import Override, Series

UTC = dt.UTC


def oracle_bytes(
    events: Iterable[CalendarEvent],
    *,
    method: Method | None = None,
    name: str | None = None,
    refresh: dt.timedelta | None = None,
    stamp: dt.datetime | None = None,
    only: tuple[dt.datetime, Override] | None = None,
) -> bytes:
    """``only``: write just that override of the single series (a one-occurrence CANCEL)."""
    ordered = sorted(events, key=lambda event: event.uid)
    cal = icalendar.Calendar()
    cal.add("prodid", DEFAULT_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method.value)
    if name:
        cal.add("x-wr-calname", name)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(refresh))
    _add_timezones(cal, ordered)
    for event in ordered:
        if only is not None:
            assert isinstance(event.schedule, Series)
            cal.add_component(_override(event, event.schedule, *only, stamp))
        else:
            for component in _vevents(event, stamp):
                cal.add_component(component)
    body: bytes = cal.to_ical()
    return body


def _add_timezones(cal: icalendar.Calendar, events: list[CalendarEvent]) -> None:
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    for moment in _moments(events):
        key = getattr(moment.tzinfo, "key", None)
        if key and key not in UTC_KEYS:
            first[key] = min(first.get(key, moment.date()), moment.date())
            last[key] = max(last.get(key, moment.date()), moment.date())
    for key in sorted(first):
        start, end = dt.date(first[key].year, 1, 1), dt.date(last[key].year + 10, 1, 1)
        cal.add_component(icalendar.Timezone.from_ical(_vtimezone(key, start, end)))


def _vevents(event: CalendarEvent, stamp: dt.datetime | None) -> list[icalendar.Event]:
    if isinstance(event.schedule, Single):
        single = event.schedule
        vevent = _base(event, stamp, single.facilitator, single.location, "")
        vevent.add("dtstart", _ics_moment(single.start))
        vevent.add("duration", dt.timedelta(minutes=single.duration_minutes))
        _add_alarms(vevent, event)
        return [vevent]
    series = event.schedule
    master = _base(event, stamp, series.facilitator, series.location, "")
    master.add("dtstart", series.first_wall)
    master.add("duration", series.duration)
    master.add("rrule", series.rrule_parts)
    if series.exdate_walls:
        master.add("exdate", list(series.exdate_walls))
    _add_alarms(master, event)
    overrides = [_override(event, series, w, o, stamp) for w, o in series.overridden]
    return [master, *overrides]


def _override(
    event: CalendarEvent,
    series: Series,
    wall: dt.datetime,
    override: Override,
    stamp: dt.datetime | None,
) -> icalendar.Event:
    facilitator = override.facilitator if override.facilitator is not None else series.facilitator
    location = override.location if override.location is not None else series.location
    vevent = _base(event, stamp, facilitator, location, override.note)
    vevent.add("recurrence-id", wall)
    start = _resolved(wall).astimezone(series.tz) if override.start is None else override.start
    vevent.add("dtstart", _ics_moment(start))
    vevent.add(
        "duration", dt.timedelta(minutes=override.duration_minutes or series.duration_minutes)
    )
    if override.cancelled:
        vevent["status"] = "CANCELLED"
    else:
        _add_alarms(vevent, event)
    return vevent


def _base(
    event: CalendarEvent, stamp: dt.datetime | None, facilitator: str, location: str, note: str
) -> icalendar.Event:
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
