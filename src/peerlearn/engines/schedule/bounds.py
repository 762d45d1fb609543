"""The range of dates the schedule engine plans in: 1970-01-01 to 2100-12-31.

``peerlearn.validation`` refuses any date outside the same range at the door (a test
checks that the two agree). The engine bounds itself as well, because a row stored
before that rule may hold a start in year 1 or an end in year 9999: expanding such a
series once walked two thousand years of Wednesdays on every dashboard, and window
arithmetic near year 1 or 9999 overflowed ``datetime``.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_DAY = dt.date(1970, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)
RANGE_TEXT = f"between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}"

# Instants a day beyond the range on each side: any zone's wall time of an instant
# between them (±14 h), and a day more either way, still fits in ``datetime``.
EARLIEST_INSTANT = dt.datetime(1969, 12, 31, tzinfo=dt.UTC)
LATEST_INSTANT = dt.datetime(2101, 1, 2, tzinfo=dt.UTC)

# One expansion returns at most this many occurrences; a weekly series over the whole
# range has about 6,800, so only a runaway window meets the limit.
MAX_OCCURRENCES = 10_000


def in_range(day: dt.date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def in_planned_range(moment: dt.datetime) -> bool:
    """Whether an aware instant can be the start of something the engine plans."""
    return EARLIEST_INSTANT <= moment <= LATEST_INSTANT
