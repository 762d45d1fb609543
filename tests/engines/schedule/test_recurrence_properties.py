"""Properties of any valid series: sorted, inside the window, never on a skipped date,
wall time kept (or resolved per RFC 5545 in a gap), windows add up, and the feed agrees."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from peerlearn.engines.schedule import timezones
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.ical import CalendarEvent, feed
from peerlearn.engines.schedule.patterns import (
    MonthlyNthWeekday,
    Pattern,
    SprintCycle,
    Weekday,
    Weekly,
)
from peerlearn.engines.schedule.recurrence import Series, Status, occurrences

from .helpers import CHANGED_AT, UTC, expand_feed

ZONES = [
    "Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago",
    "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
]  # fmt: skip
dates = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
weekdays = st.sampled_from(list(Weekday))
patterns: st.SearchStrategy[Pattern] = st.one_of(
    st.builds(Weekly, weekdays, st.integers(1, 4)),
    st.builds(
        MonthlyNthWeekday, weekdays, st.sampled_from([1, 2, 3, 4, 5, -1, -2]), st.integers(1, 3)
    ),
    st.integers(1, 4).flatmap(
        lambda weeks: st.builds(SprintCycle, dates, st.just(weeks), st.integers(0, 7 * weeks - 1))
    ),
)
# Quarter hours, with the small hours over-represented: that is where DST gaps and folds are.
times = st.one_of(
    st.builds(dt.time, st.integers(0, 3), st.sampled_from([0, 15, 30, 45])),
    st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)


@st.composite
def series_and_window(draw: st.DrawFn) -> tuple[Series, dt.datetime, dt.datetime]:
    starts_on = draw(dates)
    ends = draw(st.sampled_from(["open", "count", "until"]))
    count = draw(st.integers(1, 80)) if ends == "count" else None
    until = starts_on + dt.timedelta(days=draw(st.integers(0, 1500))) if ends == "until" else None
    skipped = draw(
        st.frozensets(
            st.integers(0, 800).map(lambda n: starts_on + dt.timedelta(days=n)), max_size=30
        )
    )
    try:
        series = Series(
            draw(patterns), starts_on, draw(times), draw(st.sampled_from(ZONES)),
            draw(st.integers(15, 180)), until=until, count=count, skipped=skipped,
        )  # fmt: skip
    except ScheduleError:
        assume(False)  # e.g. a first occurrence in a DST gap, or an until before it
        raise
    offset = dt.timedelta(days=draw(st.integers(-60, 900)))
    start = dt.datetime.combine(starts_on, dt.time(), tzinfo=UTC) + offset
    end = start + dt.timedelta(hours=draw(st.integers(1, 24 * 500)))
    return series, start, end


COMMON = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@COMMON
@given(series_and_window())
def test_sorted_inside_the_window_and_never_on_a_skipped_date(
    case: tuple[Series, dt.datetime, dt.datetime],
) -> None:
    series, start, end = case
    found = occurrences(series, start, end)
    instants = [o.start.astimezone(UTC) for o in found]
    assert instants == sorted(instants)
    assert all(start <= moment < end for moment in instants)
    assert not any(o.original_start.astimezone(series.tz).date() in series.skipped for o in found)
    assert all(o.status is Status.SCHEDULED and o.override is None for o in found)
    assert len(set(instants)) == len(instants)


@COMMON
@given(series_and_window())
def test_local_wall_time_is_preserved(case: tuple[Series, dt.datetime, dt.datetime]) -> None:
    series, start, end = case
    tz = ZoneInfo(series.timezone)
    for occurrence in occurrences(series, start, end):
        local = occurrence.start.astimezone(tz)
        wall = dt.datetime.combine(local.date(), series.at)
        if local.time() != series.at:
            # Only a wall time the clocks skip may move, and only as RFC 5545 says:
            # that is, it was on the previous local day or the same one, and it is a gap.
            days = (local.date(), local.date() - dt.timedelta(days=1))
            day_of_wall = [
                d for d in days if not timezones.exists(dt.datetime.combine(d, series.at), tz)
            ]
            assert day_of_wall, (occurrence, wall)
            expected = timezones.resolve(dt.datetime.combine(day_of_wall[0], series.at), tz)
            assert occurrence.start == expected


@COMMON
@given(series_and_window(), st.floats(0, 1))
def test_adjacent_windows_add_up(
    case: tuple[Series, dt.datetime, dt.datetime], split: float
) -> None:
    series, start, end = case
    middle = start + (end - start) * split
    assume(start < middle < end)
    whole = occurrences(series, start, end)
    assert whole == occurrences(series, start, middle) + occurrences(series, middle, end)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(series_and_window())
def test_feed_expanded_by_dateutil_agrees(case: tuple[Series, dt.datetime, dt.datetime]) -> None:
    series, start, end = case
    event = CalendarEvent(
        uid="p@x", summary="s", schedule=series, sequence=0, last_modified=CHANGED_AT
    )
    theirs = expand_feed(feed([event], name="x"), start, end)
    assert [e.start for e in theirs] == [
        o.start.astimezone(UTC) for o in occurrences(series, start, end)
    ]
