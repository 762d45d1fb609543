"""Skips and per-occurrence changes touch only the occurrence they name."""

from __future__ import annotations

import dataclasses
import datetime as dt

from peerlearn.engines.schedule.patterns import Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Override, Series, Status, occurrences

from .helpers import BERLIN, NEW_YORK, UTC, at, utc

D = dt.date
BASE = Series(
    Weekly(Weekday.WE), D(2024, 1, 1), dt.time(12), "Europe/Berlin", 45,
    facilitator="fiona", location="Room 1",
)  # fmt: skip
WINDOW = (utc(2024, 1, 1), utc(2024, 3, 1))


def _with(**changes: object) -> Series:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


def test_skipped_dates_are_left_out_and_the_rest_unchanged() -> None:
    skipped = _with(skipped=frozenset({D(2024, 1, 17), D(2024, 2, 14), D(2024, 1, 18)}))
    before = occurrences(BASE, *WINDOW)
    after = occurrences(skipped, *WINDOW)
    assert [o.start.date() for o in after] == [
        o.start.date() for o in before if o.start.date() not in {D(2024, 1, 17), D(2024, 2, 14)}
    ]
    assert after == [o for o in before if o.start.date() not in {D(2024, 1, 17), D(2024, 2, 14)}]
    # 2024-01-18 is a Thursday: not a meeting day, so it is ignored.
    assert [w.date() for w in skipped.exdate_walls] == [D(2024, 1, 17), D(2024, 2, 14)]


def test_cancelled_occurrence_is_kept_as_cancelled() -> None:
    cancel = Override(at(BERLIN, 2024, 1, 24), cancelled=True)
    found = occurrences(_with(overrides=(cancel,)), *WINDOW)
    by_day = {o.start.date(): o for o in found}
    assert by_day[D(2024, 1, 24)].status is Status.CANCELLED
    assert by_day[D(2024, 1, 24)].override == cancel
    others = [o for o in found if o.start.date() != D(2024, 1, 24)]
    assert others == [o for o in occurrences(BASE, *WINDOW) if o.start.date() != D(2024, 1, 24)]


def test_moved_occurrence_keeps_its_original_start_and_others_stay() -> None:
    move = Override(at(BERLIN, 2024, 1, 24), start=at(BERLIN, 2024, 1, 25, 15), note="release")
    found = occurrences(_with(overrides=(move,)), *WINDOW)
    moved = [o for o in found if o.moved]
    assert len(moved) == 1
    assert moved[0].original_start == at(BERLIN, 2024, 1, 24)
    assert moved[0].start == at(BERLIN, 2024, 1, 25, 15)
    assert moved[0].end == at(BERLIN, 2024, 1, 25, 15, 45)
    assert D(2024, 1, 24) not in {o.start.date() for o in found}
    assert len(found) == len(occurrences(BASE, *WINDOW))


def test_move_across_the_window_edge_follows_the_actual_start() -> None:
    # Original on 2024-02-28 (inside), moved to 2024-03-04 (outside): gone from the window
    # and present in the next one; and the reverse for one moved into the window.
    out = Override(at(BERLIN, 2024, 2, 28), start=at(BERLIN, 2024, 3, 4))
    into = Override(at(BERLIN, 2024, 6, 5), start=at(BERLIN, 2024, 2, 29, 9))
    series = _with(overrides=(out, into))
    window = occurrences(series, *WINDOW)
    assert at(BERLIN, 2024, 3, 4) not in [o.start for o in window]
    assert window[-1].start == at(BERLIN, 2024, 2, 29, 9)
    assert window[-1].original_start == at(BERLIN, 2024, 6, 5)
    march = occurrences(series, utc(2024, 3, 1), utc(2024, 3, 8))
    assert [(o.original_start, o.start) for o in march] == [
        (at(BERLIN, 2024, 2, 28), at(BERLIN, 2024, 3, 4)),
        (at(BERLIN, 2024, 3, 6), at(BERLIN, 2024, 3, 6)),
    ]


def test_change_facilitator_location_and_length_of_one_occurrence() -> None:
    change = Override(
        at(BERLIN, 2024, 2, 7), facilitator="bob", location="Room 2", duration_minutes=60
    )
    found = occurrences(_with(overrides=(change,)), *WINDOW)
    changed = next(o for o in found if o.start.date() == D(2024, 2, 7))
    assert (changed.facilitator, changed.location) == ("bob", "Room 2")
    assert changed.end - changed.start == dt.timedelta(minutes=60)
    assert not changed.moved
    assert changed.status is Status.SCHEDULED
    rest = [o for o in found if o is not changed]
    assert {(o.facilitator, o.location) for o in rest} == {("fiona", "Room 1")}


def test_override_key_may_be_given_in_any_zone() -> None:
    same_instant = at(BERLIN, 2024, 2, 7).astimezone(NEW_YORK)
    series = _with(overrides=(Override(same_instant, cancelled=True),))
    cancelled = [o for o in occurrences(series, *WINDOW) if o.status is Status.CANCELLED]
    assert [o.original_start.astimezone(UTC) for o in cancelled] == [utc(2024, 2, 7, 11)]


def test_override_of_an_occurrence_in_the_dst_gap() -> None:
    bob = Override(at(BERLIN, 2024, 3, 31, 3, 30), facilitator="bob")
    series = Series(
        Weekly(Weekday.SU), D(2024, 3, 24), dt.time(2, 30), "Europe/Berlin", 30, overrides=(bob,)
    )
    (wall, _), = series.overridden  # fmt: skip
    assert wall.replace(tzinfo=None) == dt.datetime(2024, 3, 31, 2, 30)  # the RECURRENCE-ID
    found = occurrences(series, utc(2024, 3, 30), utc(2024, 4, 1))
    assert [(o.start.astimezone(UTC), o.facilitator) for o in found] == [
        (utc(2024, 3, 31, 1, 30), "bob")
    ]
