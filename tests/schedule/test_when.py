"""The one time formatter of pages and e-mails (no database)."""

from __future__ import annotations

import datetime as dt

from peerlearn.schedule.when import SHORT, day_word, when

NOON_UTC = dt.datetime(2030, 7, 1, 12, 0, tzinfo=dt.UTC)


def test_when_in_the_readers_zone_with_the_sessions_beside_it() -> None:
    shown = when(NOON_UTC, reader_zone="Asia/Kolkata", zone="Europe/Paris")
    assert shown.text == "Monday 1 July 2030, 17:30"
    assert shown.beside == "14:00 in Europe/Paris"
    assert shown.plain == "Monday 1 July 2030, 17:30 (14:00 in Europe/Paris)"
    assert shown.named == "Monday 1 July 2030, 17:30 Asia/Kolkata (14:00 in Europe/Paris)"


def test_when_in_the_sessions_own_zone_has_nothing_beside_it() -> None:
    shown = when(NOON_UTC, reader_zone="Europe/Paris", zone="Europe/Paris", format=SHORT)
    assert (shown.plain, shown.named) == ("Mon 1 Jul, 14:00", "Mon 1 Jul, 14:00 Europe/Paris")


def test_day_word_reads_the_readers_calendar() -> None:
    start = dt.datetime(2030, 7, 2, 1, 0, tzinfo=dt.UTC)  # 2 July in UTC, 1 July in New York
    now = dt.datetime(2030, 7, 1, 20, 0, tzinfo=dt.UTC)
    assert day_word(start, reader_zone="UTC", now=now) == "tomorrow"
    assert day_word(start, reader_zone="America/New_York", now=now) == "today"
    assert day_word(start, reader_zone="UTC", now=now - dt.timedelta(days=2)) == (
        "on Tuesday 2 July"
    )
