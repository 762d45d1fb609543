"""The engine never plans outside 1970-01-01 to 2100-12-31, whatever a row says.

A series stored with a start in year 1 made every dashboard walk two thousand years of
Wednesdays; windows, skips and overrides in year 1 or 9999 overflowed `datetime`. The
services refuse such dates now, and the engine bounds itself too: the first meeting it
counts from is the first on or after 1970-01-01 in step with the rule, windows are
clipped to the range, and one expansion returns at most ``MAX_OCCURRENCES``. Counts are
asserted, not timings.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from peerlearn.engines.schedule.bounds import EARLIEST_DAY, LATEST_DAY, MAX_OCCURRENCES
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.ical import CalendarEvent, feed
from peerlearn.engines.schedule.patterns import (
    MonthlyNthWeekday,
    Pattern,
    SprintCycle,
    Weekday,
    Weekly,
)
from peerlearn.engines.schedule.recurrence import Override, Series, occurrences, upcoming

from .helpers import CHANGED_AT, expand_feed, utc

D = dt.date
NOON = dt.time(12)
ZONES = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
FAR_PAST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
FAR_FUTURE = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)


def _series(pattern: Pattern, **kw: object) -> Series:
    defaults: dict[str, object] = {
        "starts_on": D(1, 1, 1), "at": NOON, "timezone": "Europe/Berlin", "duration_minutes": 60,
    }  # fmt: skip
    return Series(pattern, **{**defaults, **kw})  # type: ignore[arg-type]


def months(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _wednesdays_between(first: dt.date, last: dt.date, every_weeks: int = 1) -> int:
    return ((last - first).days // 7) // every_weeks + 1


@pytest.mark.parametrize("zone", ZONES)
def test_a_series_from_year_one_counts_from_1970_in_step_with_its_rule(zone: str) -> None:
    series = _series(Weekly(Weekday.WE, every_weeks=2), timezone=zone)
    original_first = D(1, 1, 3)  # the first Wednesday of year 1
    first = series.first_wall.date()
    assert EARLIEST_DAY <= first < EARLIEST_DAY + dt.timedelta(weeks=2)
    assert (first - original_first).days % 14 == 0
    found = occurrences(series, utc(2030, 1, 1), utc(2030, 3, 1))
    assert len(found) in (4, 5)
    assert all((o.start.date() - original_first).days % 14 == 0 for o in found)


def test_a_monthly_series_from_year_one_keeps_its_months() -> None:
    series = _series(MonthlyNthWeekday(Weekday.WE, nth=3, every_months=5), starts_on=D(1, 2, 1))
    first = series.first_wall.date()
    assert EARLIEST_DAY <= first < D(1970, 6, 1)
    assert (months(first) - months(D(1, 2, 1))) % 5 == 0
    assert first.weekday() == Weekday.WE
    assert 15 <= first.day <= 21
    for o in occurrences(series, utc(2030, 1, 1), utc(2032, 1, 1)):
        assert (months(o.start.date()) - months(D(1, 2, 1))) % 5 == 0


def test_a_sprint_series_anchored_in_year_one_stays_in_step() -> None:
    series = _series(SprintCycle(sprint_start=D(1, 1, 1), sprint_weeks=3, day_offset=2))
    found = occurrences(series, utc(2030, 1, 1), utc(2030, 6, 1))
    assert found
    assert all((o.start.date() - D(1, 1, 3)).days % 21 == 0 for o in found)


@pytest.mark.parametrize("zone", ZONES)
def test_the_widest_window_is_clipped_to_the_range(zone: str) -> None:
    series = _series(Weekly(Weekday.WE), timezone=zone, until=D(9999, 12, 31))
    found = occurrences(series, FAR_PAST, FAR_FUTURE)
    assert len(found) == _wednesdays_between(D(1970, 1, 7), D(2100, 12, 29))
    assert found[0].start.date() >= EARLIEST_DAY
    assert found[-1].start.date() <= LATEST_DAY
    assert len(found) <= MAX_OCCURRENCES


def test_an_expansion_returns_at_most_its_limit() -> None:
    series = _series(Weekly(Weekday.WE))
    assert len(occurrences(series, FAR_PAST, FAR_FUTURE, limit=10)) == 10
    assert len(occurrences(series, FAR_PAST, FAR_FUTURE)) <= MAX_OCCURRENCES


@pytest.mark.parametrize("zone", ZONES)
def test_windows_outside_the_range_are_empty_not_an_overflow(zone: str) -> None:
    series = _series(Weekly(Weekday.WE), timezone=zone, starts_on=D(2030, 1, 1))
    assert occurrences(series, FAR_PAST, FAR_PAST + dt.timedelta(seconds=1)) == []
    assert occurrences(series, FAR_FUTURE, FAR_FUTURE + dt.timedelta(seconds=1)) == []
    assert occurrences(series, dt.datetime(2101, 6, 1, tzinfo=dt.UTC), FAR_FUTURE) == []
    assert upcoming(series, FAR_FUTURE, 3) == []
    assert [o.start.date() for o in upcoming(series, FAR_PAST, 1)] == [D(2030, 1, 2)]


@pytest.mark.parametrize("zone", ZONES)
def test_an_end_in_year_9999_is_planned_to_2100(zone: str) -> None:
    series = _series(Weekly(Weekday.WE), timezone=zone, until=D(9999, 12, 31))
    until = series.rrule_parts["UNTIL"]
    assert isinstance(until, dt.datetime)
    assert until.year <= 2101


def test_skips_outside_the_range_are_ignored() -> None:
    series = _series(
        Weekly(Weekday.WE), skipped=frozenset({D(1, 1, 3), D(9999, 12, 29), D(2030, 1, 2)})
    )
    assert [w.date() for w in series.exdate_walls] == [D(2030, 1, 2)]


@pytest.mark.parametrize("instant", [FAR_PAST, FAR_FUTURE])
def test_an_override_outside_the_range_is_not_an_occurrence(instant: dt.datetime) -> None:
    with pytest.raises(ScheduleError) as caught:
        _series(
            Weekly(Weekday.WE),
            timezone="America/Los_Angeles",
            overrides=(Override(original_start=instant, cancelled=True),),
        )
    assert caught.value.field == "overrides"


def test_a_move_outside_the_range_is_refused() -> None:
    with pytest.raises(ScheduleError) as caught:
        _series(
            Weekly(Weekday.WE),
            starts_on=D(2030, 1, 1),
            overrides=(
                Override(
                    original_start=dt.datetime(2030, 1, 2, 11, tzinfo=dt.UTC), start=FAR_FUTURE
                ),
            ),
        )
    assert caught.value.field == "overrides"
    assert "1970-01-01 and 2100-12-31" in caught.value.message


def test_a_series_that_starts_after_the_range_never_meets() -> None:
    with pytest.raises(ScheduleError) as caught:
        _series(Weekly(Weekday.WE), starts_on=D(9999, 1, 1))
    assert caught.value.field == "starts_on"
    assert "1970-01-01 and 2100-12-31" in caught.value.message


@pytest.mark.parametrize("zone", ZONES)
def test_a_feed_of_a_series_from_year_1_to_year_9999_is_written_within_the_range(
    zone: str,
) -> None:
    series = _series(Weekly(Weekday.WE), timezone=zone, until=D(9999, 12, 31))
    event = CalendarEvent(
        uid="s@x", summary="x", schedule=series, sequence=0, last_modified=utc(2030, 1, 1)
    )
    body = feed([event], name="x").decode()
    assert f"DTSTART;TZID={zone}:19700107T120000" in body
    assert "UNTIL=2101" in body or "UNTIL=2100" in body
    assert "9999" not in body


@st.composite
def _late_windows(draw: st.DrawFn) -> tuple[Series, dt.datetime, dt.datetime]:
    """A series and a window years after its start: the engine restarts the rule near
    the window instead of walking from the start, and must meet on the same days."""
    starts_on = draw(st.dates(D(1970, 1, 1), D(2030, 12, 31)))
    weekday = draw(st.sampled_from(list(Weekday)))
    pattern: Pattern = draw(
        st.one_of(
            st.builds(Weekly, st.just(weekday), st.integers(1, 5)),
            st.builds(
                MonthlyNthWeekday,
                st.just(weekday),
                st.sampled_from([1, 2, 3, 4, 5, -1, -2]),
                st.integers(1, 7),
            ),
            st.builds(
                SprintCycle,
                st.dates(D(1970, 1, 1), D(2030, 12, 31)),
                st.just(2),
                st.integers(0, 13),
            ),
        )
    )
    until = draw(st.none() | st.dates(D(2031, 1, 1), D(2100, 12, 31)))
    zone = draw(st.sampled_from(["Europe/Berlin", "America/Santiago", "Australia/Lord_Howe"]))
    at = dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30])))
    try:
        series = Series(pattern, starts_on, at, zone, 60, until=until)
    except ScheduleError:
        assume(False)
        raise
    start = utc(2031, 1, 1) + dt.timedelta(days=draw(st.integers(0, 365 * 60)))
    return series, start, start + dt.timedelta(days=draw(st.integers(1, 400)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_late_windows())
def test_a_window_years_after_the_start_agrees_with_walking_the_whole_rule(
    case: tuple[Series, dt.datetime, dt.datetime],
) -> None:
    series, start, end = case
    event = CalendarEvent(
        uid="p@x", summary="s", schedule=series, sequence=0, last_modified=CHANGED_AT
    )
    theirs = expand_feed(feed([event], name="x"), start, end)
    assert [e.start for e in theirs] == [
        o.start.astimezone(dt.UTC) for o in occurrences(series, start, end)
    ]
