"""Impossible series and overrides are refused with a message and the field at fault."""

from __future__ import annotations

import datetime as dt

import pytest

from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.patterns import (
    MonthlyNthWeekday,
    Pattern,
    SprintCycle,
    Weekday,
    Weekly,
)
from peerlearn.engines.schedule.recurrence import Override, Series, occurrences

from .helpers import BERLIN, at, utc

D = dt.date
NOON = dt.time(12)


WEDNESDAYS = Weekly(Weekday.WE)


def _series(pattern: Pattern = WEDNESDAYS, **kw: object) -> Series:
    defaults: dict[str, object] = {
        "starts_on": D(2024, 1, 1), "at": NOON, "timezone": "Europe/Berlin",
        "duration_minutes": 60,
    }  # fmt: skip
    return Series(pattern, **{**defaults, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "field", "message"),
    [
        (
            Weekly(Weekday.WE, every_weeks=0),
            "every_weeks",
            "weeks between sessions must be at least 1; 0 is not",
        ),
        (
            SprintCycle(D(2024, 1, 8), sprint_weeks=0),
            "sprint_weeks",
            "sprint's length in weeks must be at least 1",
        ),
        (
            SprintCycle(D(2024, 1, 8), 2, day_offset=14),
            "day_offset",
            "day within a 2-week sprint must be 0 to 13; 14",
        ),
        (MonthlyNthWeekday(Weekday.WE, 6), "nth", "at most 5 of each weekday"),
        (MonthlyNthWeekday(Weekday.WE, 0), "nth", "0 is impossible"),
        (MonthlyNthWeekday(Weekday.WE, -6), "nth", "-6 is impossible"),
        (MonthlyNthWeekday(Weekday.WE, 1, every_months=0), "every_months", "months between"),
    ],
)
def test_impossible_patterns(pattern: Pattern, field: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message) as err:
        _series(pattern)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"count": 0}, "count", "a count of 0 has none"),
        ({"count": 3, "until": D(2024, 2, 1)}, "count", "by a date or by a count, not both"),
        ({"until": D(2023, 12, 31)}, "until", "ends on 2023-12-31 before it starts on 2024-01-01"),
        ({"until": D(2024, 1, 2)}, "until", "never meets: its first every Wednesday is 2024-01-03"),
        ({"timezone": "Mars/Olympus"}, "timezone", "'Mars/Olympus' is not an IANA time zone"),
        ({"duration_minutes": 0}, "duration", "at least 1 minute"),
        ({"at": dt.time(12, 0, 30)}, "at", "whole minute"),
        ({"at": dt.time(12, tzinfo=dt.UTC)}, "at", "local to the series' zone"),
        (
            {"starts_on": D(2024, 3, 31), "at": dt.time(2, 30)},
            "at",
            "02:30 does not exist on 2024-03-31 in Europe/Berlin",
        ),
    ],
)
def test_impossible_series(changes: dict[str, object], field: str, message: str) -> None:
    pattern = Weekly(Weekday.SU) if "starts_on" in changes else Weekly(Weekday.WE)
    with pytest.raises(ScheduleError, match=message) as err:
        _series(pattern, **changes)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            Override(at(BERLIN, 2024, 1, 4), cancelled=True),
            "2024-01-04 12:00 Europe/Berlin is not an occurrence",
        ),
        (Override(at(BERLIN, 2024, 1, 10, 13), cancelled=True), "is not an occurrence"),
        (
            Override(at(BERLIN, 2024, 1, 17), cancelled=True),
            "2024-01-17 12:00 Europe/Berlin is skipped",
        ),
        (
            Override(at(BERLIN, 2024, 1, 10), cancelled=True, facilitator="bob"),
            "both cancels and changes",
        ),
        (Override(dt.datetime(2024, 1, 10, 12), cancelled=True), "has no time zone"),
        (Override(at(BERLIN, 2024, 1, 10), start=dt.datetime(2024, 1, 11, 12)), "has no time zone"),
        (
            Override(at(BERLIN, 2024, 1, 10), start=at(BERLIN, 2024, 3, 31, 2, 30)),
            "a time the clocks skip",
        ),
        (Override(at(BERLIN, 2024, 1, 10), duration_minutes=0), "last under a minute"),
    ],
)
def test_impossible_overrides(override: Override, message: str) -> None:
    with pytest.raises(ScheduleError, match=message) as err:
        _series(skipped=frozenset({D(2024, 1, 17)}), overrides=(override,))
    assert err.value.field == "overrides"


def test_two_overrides_for_one_occurrence() -> None:
    twice = (Override(at(BERLIN, 2024, 1, 10), facilitator="a"), Override(at(BERLIN, 2024, 1, 10)))
    with pytest.raises(ScheduleError, match="has two overrides"):
        _series(overrides=twice)


def test_bad_windows() -> None:
    series = _series()
    with pytest.raises(ScheduleError, match="has no time zone") as err:
        occurrences(series, dt.datetime(2024, 1, 1), utc(2024, 2, 1))
    assert err.value.field == "window_start"
    with pytest.raises(ScheduleError, match="ends before it starts"):
        occurrences(series, utc(2024, 2, 1), utc(2024, 1, 1))


def test_error_is_a_value_error_for_callers_that_catch_broadly() -> None:
    with pytest.raises(ValueError, match="at least 1 minute"):
        _series(duration_minutes=-5)
