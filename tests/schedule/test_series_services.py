from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Frequency, Series, SeriesSkip, Session, SessionStatus
from peerlearn.schedule.selectors import series_slots, series_with_rows, slots_for_teams
from tests.conftest import Cast
from tests.schedule.conftest import UTC, berlin, make_series

pytestmark = pytest.mark.django_db

MARCH = (berlin(2030, 3, 1, 0), berlin(2030, 4, 1, 0))


def _slots(series: Series, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    loaded = series_with_rows(Series.objects.filter(pk=series.pk)).get()
    return [slot.starts_at for slot in series_slots(loaded, start, end)]


def test_weekly_series_meets_every_wednesday_at_noon_local(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    assert _slots(series, *MARCH) == [berlin(2030, 3, d) for d in (6, 13, 20, 27)]
    assert not Session.objects.exists()  # nothing materialised just by reading


def test_weekly_series_keeps_wall_time_across_dst(cast: Cast) -> None:
    series = make_series(cast.platform)
    starts = _slots(series, berlin(2030, 3, 20, 0), berlin(2030, 4, 4, 0))
    assert [s.astimezone(UTC).hour for s in starts] == [11, 11, 10]  # DST begins 31 March 2030
    assert {s.hour for s in starts} == {12}


def test_sprint_series_is_anchored_to_the_sprint_start(cast: Cast) -> None:
    # Sprints of 2 weeks start Monday 2030-03-04; the slot is the Thursday of the first week,
    # even though the series itself is created to start mid-sprint.
    series = make_series(
        cast.platform,
        frequency=Frequency.SPRINT,
        interval=2,
        weekday=3,
        sprint_start=dt.date(2030, 3, 4),
        starts_on=dt.date(2030, 3, 12),
    )
    days = [s.date() for s in _slots(series, *MARCH)]
    assert days == [dt.date(2030, 3, 21)]
    later = _slots(series, berlin(2030, 4, 1, 0), berlin(2030, 5, 1, 0))
    assert [s.date() for s in later] == [dt.date(2030, 4, 4), dt.date(2030, 4, 18)]


def test_monthly_third_wednesday(cast: Cast) -> None:
    series = make_series(cast.platform, frequency=Frequency.MONTHLY, week_of_month=3)
    days = [s.date() for s in _slots(series, berlin(2030, 3, 1, 0), berlin(2030, 6, 1, 0))]
    assert days == [dt.date(2030, 3, 20), dt.date(2030, 4, 17), dt.date(2030, 5, 15)]


def test_impossible_recurrences_get_clear_messages_and_save_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, until=dt.date(2030, 2, 1))
    assert "ends on 2030-02-01 before it starts" in caught.value.message_dict["until"][0]
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, frequency=Frequency.MONTHLY, week_of_month=None)
    assert "Say which weekday of the month" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, start_time=dt.time(2, 30), starts_on=dt.date(2030, 3, 31),
                    weekday=6)  # fmt: skip
    assert "does not exist" in caught.value.message_dict["start_time"][0]
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, duration_minutes=15)
    assert caught.value.message_dict["duration_minutes"] == [
        "Lunch & Learn lasts 30\u201360 minutes; 15 is outside it"
    ]
    assert not Series.objects.exists()


def test_skip_a_date_and_bring_it_back(cast: Cast) -> None:
    series = make_series(cast.platform)
    skip = series_services.series_skip_add(series=series, on=dt.date(2030, 3, 13), reason="Holiday")
    assert dt.date(2030, 3, 13) not in [s.date() for s in _slots(series, *MARCH)]
    series.refresh_from_db()
    assert series.sequence == 1
    with pytest.raises(ValidationError, match="does not meet on Thursday 14 March 2030"):
        series_services.series_skip_add(series=series, on=dt.date(2030, 3, 14))
    series_services.series_skip_remove(skip=skip)
    assert dt.date(2030, 3, 13) in [s.date() for s in _slots(series, *MARCH)]
    assert not SeriesSkip.objects.exists()


def test_move_one_occurrence_keeps_the_rest(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    row = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 13))
    services.session_update(session=row, changes={"starts_at": berlin(2030, 3, 14, 15)})
    assert _slots(series, *MARCH) == [
        berlin(2030, 3, 6),
        berlin(2030, 3, 14, 15),
        berlin(2030, 3, 20),
        berlin(2030, 3, 27),
    ]
    series.refresh_from_db()
    assert series.sequence == 1  # the series' calendar event carries the override


def test_cancel_and_change_facilitator_of_one_occurrence(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    cancelled = series_services.occurrence_materialise(
        series=series, original_start=berlin(2030, 3, 6)
    )
    services.session_set_status(session=cancelled, status=SessionStatus.CANCELLED)
    other = series_services.occurrence_materialise(
        series=series, original_start=berlin(2030, 3, 13)
    )
    services.session_update(
        session=other, changes={}, facilitator=cast.alice, set_facilitators=True
    )
    loaded = series_with_rows(Series.objects.filter(pk=series.pk)).get()
    slots = series_slots(loaded, *MARCH)
    assert [(s.starts_at.day, s.status, s.facilitators) for s in slots] == [
        (6, "cancelled", ("Fiona",)),
        (13, "scheduled", ("Alice",)),
        (20, "scheduled", ("Fiona",)),
        (27, "scheduled", ("Fiona",)),
    ]


def test_materialise_is_idempotent_and_refuses_non_occurrences(cast: Cast) -> None:
    series = make_series(cast.platform)
    first = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    again = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    assert first.pk == again.pk
    with pytest.raises(ValidationError, match="has no session"):
        series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 7))
    assert Session.objects.count() == 1


def test_series_edit_reaches_future_rows_unless_changed_there(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    plain = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    changed = series_services.occurrence_materialise(
        series=series, original_start=berlin(2030, 3, 13)
    )
    services.session_update(session=changed, changes={"location": "Roof terrace"})
    series_services.series_update(
        series=series,
        changes={"location": "Room 2", "start_time": dt.time(13, 0)},
        facilitator=cast.alice,
        co_facilitator=None,
        now=berlin(2030, 3, 1),
    )
    plain.refresh_from_db()
    changed.refresh_from_db()
    assert plain.location == "Room 2"
    assert plain.starts_at == berlin(2030, 3, 6, 13)
    assert changed.location == "Roof terrace"
    assert plain.roles.get().person == cast.alice


def test_rule_change_drops_future_rows_the_new_rule_lacks(cast: Cast) -> None:
    series = make_series(cast.platform)
    row = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    series_services.series_update(
        series=series, changes={"weekday": 3}, facilitator=None, co_facilitator=None,
        now=berlin(2030, 3, 1),
    )  # fmt: skip
    assert not Session.objects.filter(pk=row.pk).exists()
    assert [s.weekday() for s in _slots(series, *MARCH)] == [3, 3, 3, 3]


def test_one_protected_slot_per_team(cast: Cast) -> None:
    first = make_series(cast.platform, is_protected_slot=True)
    second = make_series(cast.platform, title="Deep dives", is_protected_slot=True)
    first.refresh_from_db()
    assert not first.is_protected_slot
    assert second.is_protected_slot
    series_services.series_set_protected(series=first, protected=True)
    second.refresh_from_db()
    assert not second.is_protected_slot


def test_cancelled_series_cancels_future_rows(cast: Cast) -> None:
    series = make_series(cast.platform)
    row = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    series_services.series_cancel(series=series, now=berlin(2030, 3, 1))
    row.refresh_from_db()
    assert row.status == SessionStatus.CANCELLED
    assert slots_for_teams([cast.platform.pk], *MARCH) == []
