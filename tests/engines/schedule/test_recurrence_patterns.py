"""Nth weekday, last weekday, sprint anchoring, and the two ways a series ends."""

from __future__ import annotations

import datetime as dt

from peerlearn.engines.schedule.patterns import MonthlyNthWeekday, SprintCycle, Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Series, occurrences, upcoming

from .helpers import BERLIN, at, utc

D = dt.date
NOON = dt.time(12)


def _days(series: Series, start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    return [o.start.date() for o in occurrences(series, start, end)]


def test_third_wednesday_of_the_month() -> None:
    series = Series(MonthlyNthWeekday(Weekday.WE, 3), D(2024, 1, 1), NOON, "Europe/Berlin", 60)
    assert _days(series, utc(2024, 1, 1), utc(2024, 7, 1)) == [
        D(2024, 1, 17), D(2024, 2, 21), D(2024, 3, 20), D(2024, 4, 17), D(2024, 5, 15),
        D(2024, 6, 19),
    ]  # fmt: skip
    assert series.describe() == "the 3rd Wednesday of every month at 12:00 (Europe/Berlin)"


def test_last_friday_of_the_month() -> None:
    series = Series(MonthlyNthWeekday(Weekday.FR, -1), D(2024, 1, 1), NOON, "Europe/Berlin", 60)
    assert _days(series, utc(2024, 1, 1), utc(2024, 7, 1)) == [
        D(2024, 1, 26), D(2024, 2, 23), D(2024, 3, 29), D(2024, 4, 26), D(2024, 5, 31),
        D(2024, 6, 28),
    ]  # fmt: skip
    assert series.describe().startswith("the last Friday of every month")


def test_fifth_wednesday_only_in_months_that_have_one() -> None:
    series = Series(MonthlyNthWeekday(Weekday.WE, 5), D(2024, 1, 1), NOON, "Europe/Berlin", 60)
    assert _days(series, utc(2024, 1, 1), utc(2025, 1, 1)) == [
        D(2024, 1, 31), D(2024, 5, 29), D(2024, 7, 31), D(2024, 10, 30),
    ]  # fmt: skip


def test_starting_after_this_months_nth_weekday_begins_next_month() -> None:
    series = Series(MonthlyNthWeekday(Weekday.WE, 3), D(2024, 1, 18), NOON, "Europe/Berlin", 60)
    assert series.first_start == at(BERLIN, 2024, 2, 21)


def test_every_second_month() -> None:
    pattern = MonthlyNthWeekday(Weekday.TU, 1, every_months=2)
    series = Series(pattern, D(2024, 1, 1), NOON, "Europe/Berlin", 60)
    assert _days(series, utc(2024, 1, 1), utc(2024, 8, 1)) == [
        D(2024, 1, 2), D(2024, 3, 5), D(2024, 5, 7), D(2024, 7, 2),
    ]  # fmt: skip


def test_sprint_cycle_every_two_weeks_from_the_sprint_start() -> None:
    # Sprints start on Monday 2024-01-08; the session is on day 4 (Thursday).
    pattern = SprintCycle(sprint_start=D(2024, 1, 8), sprint_weeks=2, day_offset=3)
    series = Series(pattern, D(2024, 1, 1), NOON, "Europe/Berlin", 60)
    assert _days(series, utc(2024, 1, 1), utc(2024, 3, 1)) == [
        D(2024, 1, 11), D(2024, 1, 25), D(2024, 2, 8), D(2024, 2, 22),
    ]  # fmt: skip


def test_sprint_window_starting_mid_sprint() -> None:
    pattern = SprintCycle(sprint_start=D(2024, 1, 8), sprint_weeks=2, day_offset=3)
    series = Series(pattern, D(2024, 1, 1), NOON, "Europe/Berlin", 60)
    # 2024-01-30 is the second week of the sprint that started on 2024-01-22.
    assert _days(series, utc(2024, 1, 30), utc(2024, 3, 1)) == [D(2024, 2, 8), D(2024, 2, 22)]


def test_sprint_series_created_mid_sprint_stays_in_step_with_sprints() -> None:
    pattern = SprintCycle(sprint_start=D(2024, 1, 8), sprint_weeks=2, day_offset=3)
    late = Series(pattern, D(2024, 1, 30), NOON, "Europe/Berlin", 60)
    # A plain "every 2 weeks" from 2024-01-30 would meet on 2024-02-01: out of step.
    assert late.first_start == at(BERLIN, 2024, 2, 8)
    assert late.rrule_parts == {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": "TH"}


def test_sprint_retro_on_the_last_friday_of_a_three_week_sprint() -> None:
    pattern = SprintCycle(sprint_start=D(2024, 1, 8), sprint_weeks=3, day_offset=18)
    series = Series(pattern, D(2024, 1, 8), dt.time(15), "Europe/Berlin", 60)
    assert _days(series, utc(2024, 1, 1), utc(2024, 3, 1)) == [
        D(2024, 1, 26), D(2024, 2, 16),
    ]  # fmt: skip


def test_until_is_an_inclusive_local_date() -> None:
    series = Series(Weekly(Weekday.WE), D(2024, 1, 1), dt.time(23, 30), "Europe/Berlin", 30,
                    until=D(2024, 1, 31))  # fmt: skip
    days = _days(series, utc(2023, 1, 1), utc(2030, 1, 1))
    assert days == [D(2024, 1, 3), D(2024, 1, 10), D(2024, 1, 17), D(2024, 1, 24), D(2024, 1, 31)]
    assert series.rrule_parts["UNTIL"] == dt.datetime(2024, 1, 31, 22, 59, 59, tzinfo=dt.UTC)


def test_count_ends_the_series_and_counts_skipped_dates() -> None:
    series = Series(Weekly(Weekday.WE), D(2024, 1, 1), NOON, "Europe/Berlin", 30, count=4,
                    skipped=frozenset({D(2024, 1, 10)}))  # fmt: skip
    assert _days(series, utc(2023, 1, 1), utc(2030, 1, 1)) == [
        D(2024, 1, 3), D(2024, 1, 17), D(2024, 1, 24),
    ]  # fmt: skip


def test_every_three_weeks_counts_from_the_first_meeting() -> None:
    series = Series(Weekly(Weekday.TU, every_weeks=3), D(2024, 1, 1), NOON, "Europe/Berlin", 30)
    days = _days(series, utc(2024, 1, 1), utc(2024, 3, 1))
    assert days == [D(2024, 1, 2), D(2024, 1, 23), D(2024, 2, 13)]
    assert series.describe() == "every 3 weeks on Tuesday at 12:00 (Europe/Berlin)"


def test_upcoming_for_an_open_ended_and_a_finished_series() -> None:
    open_ended = Series(MonthlyNthWeekday(Weekday.WE, 5), D(2024, 1, 1), NOON, "UTC", 30)
    nxt = upcoming(open_ended, utc(2024, 2, 1), 3)
    assert [o.start.date() for o in nxt] == [D(2024, 5, 29), D(2024, 7, 31), D(2024, 10, 30)]
    finished = Series(Weekly(Weekday.WE), D(2024, 1, 1), NOON, "UTC", 30, count=2)
    assert upcoming(finished, utc(2024, 1, 5), 5)[0].start == utc(2024, 1, 10, 12)
    assert len(upcoming(finished, utc(2024, 1, 5), 5)) == 1
