"""The parsed feed, expanded by dateutil's rrulestr, gives exactly our occurrences."""

from __future__ import annotations

import datetime as dt

import pytest

from peerlearn.engines.schedule.ical import CalendarEvent, feed
from peerlearn.engines.schedule.patterns import SprintCycle, Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Override, Series, Status, occurrences

from .feeds import MONTHLY, WEEKLY
from .helpers import CHANGED_AT, SYDNEY, UTC, Expanded, at, expand_feed, utc

D = dt.date

SPRINT_SYDNEY = Series(
    SprintCycle(D(2024, 1, 8), 2, day_offset=3), D(2024, 1, 1), dt.time(12), "Australia/Sydney",
    60, skipped=frozenset({D(2024, 4, 18)}),
    overrides=(
        Override(at(SYDNEY, 2024, 4, 4), start=at(SYDNEY, 2024, 4, 9, 9)),
        Override(at(SYDNEY, 2024, 10, 3), cancelled=True),
    ),
)  # fmt: skip

GAP_SUNDAYS = Series(
    Weekly(Weekday.SU), D(2024, 3, 3), dt.time(2, 30), "Europe/Berlin", 30, count=40,
    overrides=(Override(at(SYDNEY, 2024, 3, 31, 12, 30), facilitator="night owl"),),
)  # fmt: skip
# 12:30 Sydney on 2024-03-31 is 01:30Z: the occurrence whose 02:30 Berlin wall time is in the gap.


def _ours(uid: str, series: Series, start: dt.datetime, end: dt.datetime) -> list[Expanded]:
    return [
        Expanded(
            uid,
            o.original_start.astimezone(UTC),
            o.start.astimezone(UTC),
            o.status is Status.CANCELLED,
        )
        for o in occurrences(series, start, end)
    ]


@pytest.mark.parametrize(
    "series",
    [WEEKLY, MONTHLY, SPRINT_SYDNEY, GAP_SUNDAYS],
    ids=["weekly", "monthly", "sprint", "gap"],
)
@pytest.mark.parametrize(
    ("start", "end"),
    [(utc(2023, 1, 1), utc(2026, 1, 1)), (utc(2024, 3, 20), utc(2024, 4, 20))],
    ids=["all", "march-april"],
)
def test_feed_expands_to_our_occurrences(
    series: Series, start: dt.datetime, end: dt.datetime
) -> None:
    event = CalendarEvent(
        uid="u@x", summary="s", schedule=series, sequence=1, last_modified=CHANGED_AT
    )
    theirs = expand_feed(feed([event], name="x"), start, end)
    ours = _ours("u@x", series, start, end)
    assert theirs == sorted(ours, key=lambda e: (e.start, e.original, e.uid))
    assert ours  # the window is not trivially empty


def test_several_series_in_one_feed() -> None:
    events = [
        CalendarEvent(uid=f"{i}@x", summary="s", schedule=s, sequence=i, last_modified=CHANGED_AT)
        for i, s in enumerate([WEEKLY, MONTHLY, SPRINT_SYDNEY])
    ]
    window = (utc(2024, 1, 1), utc(2025, 1, 1))
    theirs = expand_feed(feed(events, name="x"), *window)
    ours = [
        e
        for i, s in enumerate([WEEKLY, MONTHLY, SPRINT_SYDNEY])
        for e in _ours(f"{i}@x", s, *window)
    ]
    assert theirs == sorted(ours, key=lambda e: (e.start, e.original, e.uid))
