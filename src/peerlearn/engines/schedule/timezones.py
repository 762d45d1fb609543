"""Local wall-clock time in IANA zones, and how a wall time in a DST gap or fold resolves.

The rule is RFC 5545 §3.3.5, because that is what every calendar client applies to
``DTSTART;TZID=…`` and we want the occurrences we compute to be the ones clients show:

- a wall time that happens twice (the autumn fold) means the first of the two;
- a wall time that does not exist (the spring gap) is read with the UTC offset from
  before the gap, which lands it later by the gap's length (02:30 → 03:30 in Berlin).

``zoneinfo`` with ``fold=0`` computes exactly that, so ``resolve`` is a one-liner; the
helpers exist so the rule is named once and tested.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from peerlearn.engines.schedule.errors import ScheduleError

UTC = dt.UTC


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"{name!r} is not an IANA time zone (e.g. Europe/Berlin)", field="timezone"
        ) from None


def resolve(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The instant a naive local ``wall`` time means in ``tz``, expressed in ``tz``."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def exists(wall: dt.datetime, tz: ZoneInfo) -> bool:
    """False for wall times skipped by a DST gap."""
    return resolve(wall, tz).replace(tzinfo=None) == wall.replace(tzinfo=None)


def is_ambiguous(wall: dt.datetime, tz: ZoneInfo) -> bool:
    """True for wall times that happen twice (the DST fold)."""
    first = wall.replace(tzinfo=tz, fold=0).utcoffset()
    second = wall.replace(tzinfo=tz, fold=1).utcoffset()
    return exists(wall, tz) and first != second


def aware_exists(moment: dt.datetime) -> bool:
    """False for an aware datetime whose wall time its own zone skipped (a gap)."""
    tz = moment.tzinfo
    assert tz is not None
    round_trip = moment.astimezone(UTC).astimezone(tz)
    return round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None)


def require_aware(moment: dt.datetime, *, field: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ScheduleError(f"{moment.isoformat()} has no time zone", field=field)
