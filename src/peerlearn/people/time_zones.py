"""The IANA time zones people may choose. No database, no Django models."""

from __future__ import annotations

import zoneinfo
from functools import cache


@cache
def known_time_zones() -> frozenset[str]:
    # zoneinfo scans the tz database on disk on every call (tens of milliseconds), so
    # once per process: validating a profile or an import row must not pay it each time.
    return frozenset(zoneinfo.available_timezones())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(known_time_zones())]
