"""Wall-clock time is kept across DST; the UTC instant moves. Gaps and folds per RFC 5545."""

from __future__ import annotations

import datetime as dt

from peerlearn.engines.schedule.patterns import Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Series, occurrences

from .helpers import BERLIN, NEW_YORK, SYDNEY, UTC, at, utc


def _weekly(weekday: Weekday, starts_on: dt.date, when: dt.time, zone: str) -> Series:
    return Series(Weekly(weekday), starts_on, when, zone, 60)


def _utc_starts(series: Series, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    return [o.start.astimezone(UTC) for o in occurrences(series, start, end)]


def test_berlin_noon_stays_noon_across_spring_and_autumn_changes() -> None:
    series = _weekly(Weekday.MO, dt.date(2024, 3, 18), dt.time(12), "Europe/Berlin")
    found = occurrences(series, utc(2024, 3, 18), utc(2024, 11, 5))
    assert all(o.start.astimezone(BERLIN).time() == dt.time(12) for o in found)
    by_day = {o.start.date(): o.start.astimezone(UTC).hour for o in found}
    assert by_day[dt.date(2024, 3, 25)] == 11  # CET, +01:00
    assert by_day[dt.date(2024, 4, 1)] == 10  # CEST, +02:00
    assert by_day[dt.date(2024, 10, 21)] == 10
    assert by_day[dt.date(2024, 10, 28)] == 11
    assert all(o.end - o.start == dt.timedelta(hours=1) for o in found)


def test_new_york_morning_slot_moves_in_utc_on_the_us_dates() -> None:
    series = _weekly(Weekday.FR, dt.date(2024, 3, 1), dt.time(9, 30), "America/New_York")
    starts = _utc_starts(series, utc(2024, 3, 1), utc(2024, 3, 20))
    assert starts == [utc(2024, 3, 1, 14, 30), utc(2024, 3, 8, 14, 30), utc(2024, 3, 15, 13, 30)]
    autumn = _utc_starts(series, utc(2024, 10, 25), utc(2024, 11, 9))
    assert autumn == [utc(2024, 10, 25, 13, 30), utc(2024, 11, 1, 13, 30), utc(2024, 11, 8, 14, 30)]
    found = occurrences(series, utc(2024, 1, 1), utc(2025, 1, 1))
    assert {o.start.astimezone(NEW_YORK).time() for o in found} == {dt.time(9, 30)}


def test_sydney_southern_hemisphere_changes_in_april_and_october() -> None:
    series = _weekly(Weekday.TH, dt.date(2024, 3, 28), dt.time(12), "Australia/Sydney")
    april = _utc_starts(series, utc(2024, 4, 1), utc(2024, 4, 12))
    assert april == [utc(2024, 4, 4, 1), utc(2024, 4, 11, 2)]  # AEDT +11 → AEST +10
    october = _utc_starts(series, utc(2024, 10, 1), utc(2024, 10, 11))
    assert october == [utc(2024, 10, 3, 2), utc(2024, 10, 10, 1)]
    found = occurrences(series, utc(2024, 3, 1), utc(2025, 3, 1))
    assert {o.start.astimezone(SYDNEY).time() for o in found} == {dt.time(12)}


def test_wall_time_in_the_spring_gap_lands_after_it() -> None:
    # 02:30 does not exist on 2024-03-31 in Berlin; RFC 5545 reads it with the offset
    # from before the gap (+01:00), i.e. 01:30Z, shown as 03:30 CEST.
    series = _weekly(Weekday.SU, dt.date(2024, 3, 24), dt.time(2, 30), "Europe/Berlin")
    found = occurrences(series, utc(2024, 3, 23), utc(2024, 4, 8))
    assert [o.start.astimezone(UTC) for o in found] == [
        utc(2024, 3, 24, 1, 30),
        utc(2024, 3, 31, 1, 30),
        utc(2024, 4, 7, 0, 30),
    ]
    assert found[1].start.astimezone(BERLIN).time() == dt.time(3, 30)
    assert found[1].original_start == found[1].start


def test_wall_time_in_the_autumn_fold_means_the_first_pass() -> None:
    series = _weekly(Weekday.SU, dt.date(2024, 10, 20), dt.time(2, 30), "Europe/Berlin")
    found = occurrences(series, utc(2024, 10, 26), utc(2024, 10, 28))
    assert [o.start.astimezone(UTC) for o in found] == [utc(2024, 10, 27, 0, 30)]  # CEST
    assert found[0].end.astimezone(UTC) == utc(2024, 10, 27, 1, 30)  # an hour later, really


def test_window_in_another_zone_compares_instants() -> None:
    series = _weekly(Weekday.MO, dt.date(2024, 1, 1), dt.time(12), "Europe/Berlin")
    # 06:00 in New York is 12:00 in Berlin in January: the window starts exactly then.
    found = occurrences(series, at(NEW_YORK, 2024, 1, 8, 6), at(NEW_YORK, 2024, 1, 8, 7))
    assert [o.start for o in found] == [at(BERLIN, 2024, 1, 8)]
    assert occurrences(series, at(NEW_YORK, 2024, 1, 8, 6, 1), at(NEW_YORK, 2024, 1, 9)) == []
