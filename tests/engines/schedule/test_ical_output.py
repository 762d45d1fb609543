"""The written feed: the same calendar icalendar built before, hostile text kept exactly,
every line within 75 octets, and the same bytes every time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from peerlearn.engines.schedule.ical import (
    Alarm,
    Attendee,
    CalendarEvent,
    Method,
    PartStat,
    Person,
    Single,
    calendar,
    cancellation,
    feed,
    invitation,
    to_bytes,
)
from peerlearn.engines.schedule.patterns import Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Override, Series

from .feeds import WEEKLY, lunch_event, review_event
from .helpers import BERLIN, CHANGED_AT, NEW_YORK, SYDNEY, at
from .icalendar_oracle import oracle_bytes
from .test_ics_writer import HOSTILE, assert_well_formed, expected_text

D = dt.date
ROOT = Path(__file__).resolve().parents[3]
STAMP = dt.datetime(2025, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


def canonical(body: bytes) -> str:
    """Parsed and re-serialised by icalendar: property order and folding normalised."""
    text: str = icalendar.Calendar.from_ical(body).to_ical().decode()
    return text


def long_series() -> Series:
    """Two years in Sydney with every kind of override, some across DST changes."""
    first = D(2024, 1, 4)
    overrides = []
    for week in range(0, 104, 5):
        original = dt.datetime.combine(first + dt.timedelta(weeks=week), dt.time(18), SYDNEY)
        kind = week % 4
        if kind == 0:
            overrides.append(Override(original, cancelled=True))
        elif kind == 1:
            moved = (original + dt.timedelta(days=1)).astimezone(NEW_YORK)
            overrides.append(Override(original, start=moved, duration_minutes=90, note="Moved"))
        elif kind == 2:
            overrides.append(Override(original, facilitator="Zoë 漢字", location="Room; 2, east"))
        else:
            overrides.append(Override(original, location=""))
    return Series(
        Weekly(Weekday.TH), first, dt.time(18), "Australia/Sydney", 60, count=104,
        skipped=frozenset({D(2024, 12, 26), D(2025, 1, 2)}), overrides=tuple(overrides),
        facilitator="fiona", location="Room 1",
    )  # fmt: skip


def single_event(**changes: object) -> CalendarEvent:
    event = CalendarEvent(
        uid="session-3@peerlearn.example", summary="Deep dive: Postgres locks",
        schedule=Single(at(NEW_YORK, 2024, 11, 3, 1, 30), 90, "olga", "Zoom"),
        sequence=0, last_modified=CHANGED_AT, url="https://peerlearn.example/sessions/3",
        alarms=(Alarm(), Alarm(dt.timedelta(days=1), "Tomorrow: read the chapter")),
    )  # fmt: skip
    return dataclasses.replace(event, **changes)  # type: ignore[arg-type]


LONG = CalendarEvent(
    uid="series-11@peerlearn.example", summary="Sydney evening deep dive", schedule=long_series(),
    sequence=12, last_modified=CHANGED_AT, description="Read:\n- chapter 3, section 2; notes",
    url="https://peerlearn.example/sessions/series/11?tab=agenda&x=1,2;3",
    organizer=Person("alice@example.com", "Alice Doe, PhD"),
    attendees=(
        Attendee(Person("bob@example.com", 'Bob "the builder"'), PartStat.TENTATIVE),
        Attendee(Person("chen@example.com", "陈伟"), PartStat.DECLINED, "OPT-PARTICIPANT"),
    ),
)  # fmt: skip

EVENTS = [lunch_event(), review_event(), LONG, single_event()]
SECOND_PASS = single_event(
    uid="fold@x", schedule=Single(at(NEW_YORK, 2024, 11, 3, 1, 30).replace(fold=1), 30)
)

CASES: dict[str, tuple[Callable[[], bytes], Callable[[], bytes]]] = {
    "feed": (
        lambda: feed(EVENTS, name="Platform: all sessions"),
        lambda: oracle_bytes(
            EVENTS, method=Method.PUBLISH, name="Platform: all sessions",
            refresh=dt.timedelta(hours=1),
        ),
    ),
    "feed-stamped-no-refresh-fold": (
        lambda: feed([*EVENTS, SECOND_PASS], name="x", stamp=STAMP, refresh=dt.timedelta(days=1)),
        lambda: oracle_bytes(
            [*EVENTS, SECOND_PASS], method=Method.PUBLISH, name="x", stamp=STAMP,
            refresh=dt.timedelta(days=1),
        ),
    ),
    "invitation": (
        lambda: invitation(LONG),
        lambda: oracle_bytes([LONG], method=Method.REQUEST),
    ),
    "invitation-single": (
        lambda: invitation(single_event(alarms=())),
        lambda: oracle_bytes([single_event(alarms=())], method=Method.REQUEST),
    ),
    "cancel-series": (
        lambda: cancellation(lunch_event(sequence=5), stamp=STAMP),
        lambda: oracle_bytes(
            [dataclasses.replace(lunch_event(sequence=5), cancelled=True)],
            method=Method.CANCEL, stamp=STAMP,
        ),
    ),
    "cancel-occurrence": (
        lambda: cancellation(lunch_event(sequence=2), original_start=at(BERLIN, 2024, 1, 10)),
        lambda: oracle_bytes(
            [lunch_event(sequence=2)], method=Method.CANCEL,
            only=(at(BERLIN, 2024, 1, 10), WEEKLY.overrides[0]),
        ),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_same_calendar_as_icalendar_built(case: str) -> None:
    ours, theirs = (make() for make in CASES[case])
    assert_well_formed(ours)
    assert canonical(ours) == canonical(theirs)


def test_calendar_is_the_written_feed_parsed() -> None:
    cal = calendar(EVENTS, method=Method.PUBLISH, name="x", refresh=dt.timedelta(hours=1))
    assert isinstance(cal, icalendar.Calendar)
    body = feed(EVENTS, name="x")
    assert canonical(to_bytes(cal)) == canonical(body)


def hostile_event(value: str) -> CalendarEvent:
    series = dataclasses.replace(
        WEEKLY,
        facilitator=value,
        location=value,
        overrides=(
            Override(at(BERLIN, 2024, 1, 10), cancelled=True, note=value),
            Override(at(BERLIN, 2024, 3, 27), location=value + "!", note=value),
        ),
    )
    return CalendarEvent(
        uid="hostile@x", summary=value, schedule=series, sequence=3, last_modified=CHANGED_AT,
        description=value, url="https://x.example/s?q=" + value.replace(" ", "%20")[:40],
        organizer=Person("o@example.com", value),
        attendees=(Attendee(Person("a@example.com", value)),),
        alarms=(Alarm(description=value),),
    )  # fmt: skip


def unescape_text(raw: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw)


def assert_fields_round_trip(body: bytes, value: str, name: str | None) -> None:
    assert_well_formed(body)
    cal = icalendar.Calendar.from_ical(body)
    want = expected_text(value)
    if name is not None:
        # icalendar reads X- properties raw; clients read X-WR-CALNAME as TEXT.
        assert unescape_text(str(cal["X-WR-CALNAME"])) == want
    events = cal.walk("VEVENT")
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert str(master["SUMMARY"]) == want
    assert str(master["LOCATION"]) == want
    facilitator = f"Facilitator: {value}"
    assert str(master["DESCRIPTION"]) == expected_text(f"{facilitator}\n\n{value}")
    assert master["ORGANIZER"].params["CN"] == want
    assert master["ATTENDEE"].params["CN"] == want
    assert str(master["ATTENDEE"]) == "mailto:a@example.com"
    (alarm,) = master.walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == want
    moved = next(e for e in events if e.decoded("RECURRENCE-ID", None) == at(BERLIN, 2024, 3, 27))
    assert str(moved["LOCATION"]) == expected_text(value + "!")
    assert str(moved["DESCRIPTION"]).startswith(expected_text(f"{value}\n\n{facilitator}"))


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_round_trip_through_the_feed(value: str) -> None:
    event = hostile_event(value)
    assert_fields_round_trip(feed([event], name=value), value, value)
    assert_fields_round_trip(invitation(event), value, None)
    assert_fields_round_trip(cancellation(event), value, None)
    one = cancellation(event, original_start=at(BERLIN, 2024, 1, 10))
    assert_well_formed(one)
    (cancelled,) = icalendar.Calendar.from_ical(one).walk("VEVENT")
    assert str(cancelled["DESCRIPTION"]).startswith(expected_text(value))


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=300))
@example("0 \xa0")  # Unicode spaces at the ends of a parameter value
@example("0\t\x85")
def test_random_text_round_trips_through_the_feed(value: str) -> None:
    event = hostile_event(value)
    assert_fields_round_trip(feed([event], name=value), value, value)


def test_same_bytes_every_time() -> None:
    first = feed(EVENTS, name="x")
    assert feed(list(reversed(EVENTS)), name="x") == first
    assert feed(EVENTS, name="x") == first


def test_same_bytes_in_another_process() -> None:
    """With other string hashes (this process's are random): no set or dict order leaks."""
    script = (
        "import hashlib, sys\n"
        "from tests.engines.schedule.test_ical_output import EVENTS, feed\n"
        "sys.stdout.write(hashlib.sha256(feed(EVENTS, name='x')).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
    )
    assert done.stdout.decode() == hashlib.sha256(feed(EVENTS, name="x")).hexdigest()
