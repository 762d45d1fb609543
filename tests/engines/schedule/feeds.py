"""Example calendar events the feed tests share."""

from __future__ import annotations

import datetime as dt

from peerlearn.engines.schedule.formats import LUNCH_AND_LEARN, describe
from peerlearn.engines.schedule.ical import Attendee, CalendarEvent, PartStat, Person
from peerlearn.engines.schedule.patterns import MonthlyNthWeekday, Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Override, Series

from .helpers import BERLIN, CHANGED_AT, NEW_YORK, at

D = dt.date

WEEKLY = Series(
    Weekly(Weekday.WE), D(2024, 1, 1), dt.time(12), "Europe/Berlin", 45,
    until=D(2024, 12, 31),
    skipped=frozenset({D(2024, 5, 1), D(2024, 12, 25)}),
    overrides=(
        Override(at(BERLIN, 2024, 1, 10), cancelled=True),
        Override(at(BERLIN, 2024, 3, 27), start=at(BERLIN, 2024, 3, 28, 14), note="Release day"),
        Override(at(BERLIN, 2024, 10, 30), facilitator="bob"),
    ),
    facilitator="fiona", location="Room 1",
)  # fmt: skip

MONTHLY = Series(
    MonthlyNthWeekday(Weekday.FR, -1), D(2024, 1, 1), dt.time(9, 30), "America/New_York", 90,
    count=12, overrides=(Override(at(NEW_YORK, 2024, 3, 29, 9, 30), cancelled=True),),
)  # fmt: skip


def lunch_event(series: Series = WEEKLY, *, sequence: int = 1) -> CalendarEvent:
    return CalendarEvent(
        uid="series-7@peerlearn.example",
        summary="Lunch & Learn: git internals",
        schedule=series,
        sequence=sequence,
        last_modified=CHANGED_AT,
        description=describe(LUNCH_AND_LEARN, 45),
        url="https://peerlearn.example/sessions/series/7",
        organizer=Person("alice@example.com", "Alice"),
        attendees=(
            Attendee(Person("bob@example.com", "Bob"), PartStat.ACCEPTED),
            Attendee(Person("fiona@example.com", "Fiona"), PartStat.NEEDS_ACTION, "CHAIR"),
        ),
    )


def review_event() -> CalendarEvent:
    return CalendarEvent(
        uid="series-9@peerlearn.example",
        summary="Code Review with a Twist",
        schedule=MONTHLY,
        sequence=4,
        last_modified=CHANGED_AT,
        url="https://peerlearn.example/sessions/series/9",
    )
