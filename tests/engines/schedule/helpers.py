"""Shared builders, and an expander of parsed feeds that does not use recurrence.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from dateutil import rrule

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
CHANGED_AT = dt.datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def at(tz: ZoneInfo, y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


def utc(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=UTC)


@dataclass(frozen=True)
class Expanded:
    """One occurrence as a client computes it from the feed: instants in UTC."""

    uid: str
    original: dt.datetime
    start: dt.datetime
    cancelled: bool


def expand_feed(body: bytes, start: dt.datetime, end: dt.datetime) -> list[Expanded]:
    """Expand a feed like a calendar client: RRULE via dateutil's rrulestr, minus EXDATE,
    with RECURRENCE-ID overrides replacing the occurrence they name."""
    cal = icalendar.Calendar.from_ical(body)
    masters: dict[str, icalendar.Event] = {}
    overrides: dict[str, list[icalendar.Event]] = {}
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        if "RECURRENCE-ID" in event:
            overrides.setdefault(uid, []).append(event)
        else:
            masters[uid] = event
    found: list[Expanded] = []
    for uid, master in masters.items():
        first = master.decoded("DTSTART")
        replaced = {o.decoded("RECURRENCE-ID").astimezone(UTC): o for o in overrides.get(uid, [])}
        originals = [first]
        if "RRULE" in master:
            rule_text = master["RRULE"].to_ical().decode()
            rules = rrule.rrulestr(f"RRULE:{rule_text}", dtstart=first, forceset=True)
            exdates = master.get("EXDATE", [])
            for group in exdates if isinstance(exdates, list) else [exdates]:
                for value in group.dts:
                    rules.exdate(value.dt)
            # Ask a day beyond the window: moved overrides may come from outside it.
            originals = list(rules.between(start - dt.timedelta(days=400), end, inc=True))
        for original in originals:
            instant = original.astimezone(UTC)
            override = replaced.get(instant)
            if override is None:
                found.append(Expanded(uid, instant, instant, cancelled=False))
            else:
                moved = override.decoded("DTSTART").astimezone(UTC)
                cancelled = str(override.get("STATUS", "")) == "CANCELLED"
                found.append(Expanded(uid, instant, moved, cancelled))
    inside = [e for e in found if start <= e.start < end]
    return sorted(inside, key=lambda e: (e.start, e.original, e.uid))
