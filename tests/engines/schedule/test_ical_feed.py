"""The feed parsed back with icalendar and checked field by field."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import pytest

from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.ical import (
    Alarm,
    CalendarEvent,
    Single,
    cancellation,
    etag,
    feed,
    invitation,
)
from peerlearn.engines.schedule.recurrence import Override

from .feeds import WEEKLY, lunch_event, review_event
from .helpers import BERLIN, CHANGED_AT, NEW_YORK, UTC, at

D = dt.date


def _parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def _events(cal: icalendar.Calendar, uid: str) -> list[icalendar.Event]:
    return [e for e in cal.walk("VEVENT") if str(e["UID"]) == uid]


def _master(cal: icalendar.Calendar, uid: str) -> icalendar.Event:
    (master,) = [e for e in _events(cal, uid) if "RECURRENCE-ID" not in e]
    return master


def _by_recurrence_id(cal: icalendar.Calendar, uid: str) -> dict[dt.datetime, icalendar.Event]:
    return {e.decoded("RECURRENCE-ID"): e for e in _events(cal, uid) if "RECURRENCE-ID" in e}


def test_calendar_properties() -> None:
    cal = _parse(feed([lunch_event()], name="Platform sessions"))
    assert str(cal["PRODID"]) == "-//peerlearn//peerlearn sessions//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Platform sessions"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=1)
    assert cal["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


def test_master_event_fields() -> None:
    cal = _parse(feed([lunch_event()], name="Platform"))
    master = _master(cal, "series-7@peerlearn.example")
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master.decoded("DTSTART") == at(BERLIN, 2024, 1, 3)
    assert master.decoded("DURATION") == dt.timedelta(minutes=45)
    rule = master["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["WE"]
    assert rule["UNTIL"] == [dt.datetime(2024, 12, 31, 22, 59, 59, tzinfo=UTC)]
    exdates = [v.dt for v in master["EXDATE"].dts]
    assert exdates == [at(BERLIN, 2024, 5, 1), at(BERLIN, 2024, 12, 25)]
    assert master["EXDATE"].params["TZID"] == "Europe/Berlin"
    assert int(master["SEQUENCE"]) == 1
    assert master.decoded("DTSTAMP") == CHANGED_AT
    assert master.decoded("LAST-MODIFIED") == CHANGED_AT
    assert str(master["SUMMARY"]) == "Lunch & Learn: git internals"
    description = str(master["DESCRIPTION"])
    assert description.startswith("Facilitator: fiona\n\nLunch & Learn · 45 min")
    assert "- Talk (25 min)" in description
    assert "- [ ] Attendees:" in description
    assert str(master["LOCATION"]) == "Room 1"
    assert str(master["URL"]) == "https://peerlearn.example/sessions/series/7"
    assert str(master["STATUS"]) == "CONFIRMED"
    assert str(master["ORGANIZER"]) == "mailto:alice@example.com"
    assert master["ORGANIZER"].params["CN"] == "Alice"
    bob, fiona = master["ATTENDEE"]
    assert (str(bob), bob.params["PARTSTAT"]) == ("mailto:bob@example.com", "ACCEPTED")
    assert "RSVP" not in bob.params
    assert (fiona.params["PARTSTAT"], fiona.params["ROLE"], fiona.params["RSVP"]) == (
        "NEEDS-ACTION", "CHAIR", "TRUE",
    )  # fmt: skip
    (alarm,) = master.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == dt.timedelta(minutes=-15)


def test_vtimezone_for_each_zone_used() -> None:
    cal = _parse(feed([lunch_event(), review_event()], name="All"))
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["America/New_York", "Europe/Berlin"]
    berlin = next(tz for tz in cal.walk("VTIMEZONE") if str(tz["TZID"]) == "Europe/Berlin")
    assert {c.name for c in berlin.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_overrides_share_the_uid_and_name_their_occurrence() -> None:
    cal = _parse(feed([lunch_event()], name="Platform"))
    overrides = _by_recurrence_id(cal, "series-7@peerlearn.example")
    assert sorted(overrides) == [
        at(BERLIN, 2024, 1, 10), at(BERLIN, 2024, 3, 27), at(BERLIN, 2024, 10, 30),
    ]  # fmt: skip
    cancelled = overrides[at(BERLIN, 2024, 1, 10)]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.decoded("DTSTART") == at(BERLIN, 2024, 1, 10)
    assert not cancelled.walk("VALARM")
    moved = overrides[at(BERLIN, 2024, 3, 27)]
    assert moved.decoded("DTSTART") == at(BERLIN, 2024, 3, 28, 14)
    assert moved["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert str(moved["DESCRIPTION"]).startswith("Release day\n\nFacilitator: fiona")
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert moved.walk("VALARM")
    new_facilitator = overrides[at(BERLIN, 2024, 10, 30)]
    assert str(new_facilitator["DESCRIPTION"]).startswith("Facilitator: bob\n")
    for override in overrides.values():
        assert int(override["SEQUENCE"]) == 1
        assert str(override["URL"]) == "https://peerlearn.example/sessions/series/7"


def test_an_override_can_retitle_its_occurrence_only() -> None:
    retitled = Override(at(BERLIN, 2024, 10, 30), title="Guest talk: packfiles", note="Room 4")
    series = dataclasses.replace(WEEKLY, overrides=(*WEEKLY.overrides[:2], retitled))
    cal = _parse(feed([lunch_event(series)], name="Platform"))
    assert str(_master(cal, "series-7@peerlearn.example")["SUMMARY"]) == (
        "Lunch & Learn: git internals"
    )
    overrides = _by_recurrence_id(cal, "series-7@peerlearn.example")
    assert str(overrides[at(BERLIN, 2024, 10, 30)]["SUMMARY"]) == "Guest talk: packfiles"
    assert str(overrides[at(BERLIN, 2024, 10, 30)]["DESCRIPTION"]).startswith("Room 4")
    assert str(overrides[at(BERLIN, 2024, 3, 27)]["SUMMARY"]) == "Lunch & Learn: git internals"


def test_uid_stable_and_sequence_as_given_across_an_edit() -> None:
    before = feed([lunch_event(sequence=1)], name="Platform")
    extra = Override(at(BERLIN, 2024, 6, 5), cancelled=True)
    edited_series = dataclasses.replace(WEEKLY, overrides=(*WEEKLY.overrides, extra))
    after = feed([lunch_event(edited_series, sequence=2)], name="Platform")
    old, new = _parse(before), _parse(after)
    assert {str(e["UID"]) for e in old.walk("VEVENT")} == {"series-7@peerlearn.example"}
    assert {str(e["UID"]) for e in new.walk("VEVENT")} == {"series-7@peerlearn.example"}
    assert {int(e["SEQUENCE"]) for e in new.walk("VEVENT")} == {2}
    new_cancel = _by_recurrence_id(new, "series-7@peerlearn.example")[at(BERLIN, 2024, 6, 5)]
    assert str(new_cancel["STATUS"]) == "CANCELLED"
    assert etag(before) != etag(after)


def test_same_input_same_bytes_whatever_the_order() -> None:
    one = feed([lunch_event(), review_event()], name="All")
    two = feed([review_event(), lunch_event()], name="All")
    assert one == two
    assert etag(one) == etag(two)
    assert etag(one).startswith('"')
    assert etag(one).endswith('"')
    assert len(etag(one)) == 34


def test_lines_are_folded_and_crlf_terminated() -> None:
    body = feed([lunch_event()], name="Platform " * 20)
    lines = body.split(b"\r\n")
    assert body.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_alarms_are_configurable() -> None:
    none = dataclasses.replace(lunch_event(), alarms=())
    assert not _parse(feed([none], name="x")).walk("VALARM")
    day = dataclasses.replace(lunch_event(), alarms=(Alarm(dt.timedelta(days=1), "Tomorrow"),))
    master = _master(_parse(feed([day], name="x")), "series-7@peerlearn.example")
    (alarm,) = master.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.timedelta(days=-1)
    assert str(alarm["DESCRIPTION"]) == "Tomorrow"


def test_single_session() -> None:
    single = CalendarEvent(
        uid="session-3@peerlearn.example", summary="Deep dive: Postgres locks",
        schedule=Single(at(NEW_YORK, 2024, 11, 3, 1, 30), 90, "olga", "Zoom"),
        sequence=0, last_modified=CHANGED_AT, url="https://peerlearn.example/sessions/3",
    )  # fmt: skip
    (event,) = _parse(feed([single], name="x")).walk("VEVENT")
    assert "RRULE" not in event
    assert "RECURRENCE-ID" not in event
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Zoom"


def test_second_pass_through_a_fold_is_written_in_utc() -> None:
    second = at(NEW_YORK, 2024, 11, 3, 1, 30).replace(fold=1)  # 01:30 EST, 06:30Z
    single = CalendarEvent(
        uid="s@x", summary="x", schedule=Single(second, 30), sequence=0, last_modified=CHANGED_AT
    )
    (event,) = _parse(feed([single], name="x")).walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2024, 11, 3, 6, 30, tzinfo=UTC)


def test_invitation_is_a_request() -> None:
    cal = _parse(invitation(lunch_event(sequence=3)))
    assert str(cal["METHOD"]) == "REQUEST"
    assert "X-WR-CALNAME" not in cal
    assert "REFRESH-INTERVAL" not in cal
    assert {int(e["SEQUENCE"]) for e in cal.walk("VEVENT")} == {3}


def test_cancellation_of_the_whole_series() -> None:
    cal = _parse(cancellation(lunch_event(sequence=5)))
    assert str(cal["METHOD"]) == "CANCEL"
    master = _master(cal, "series-7@peerlearn.example")
    assert str(master["STATUS"]) == "CANCELLED"
    assert int(master["SEQUENCE"]) == 5


def test_cancellation_of_one_occurrence() -> None:
    body = cancellation(lunch_event(sequence=2), original_start=at(BERLIN, 2024, 1, 10))
    cal = _parse(body)
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert event.decoded("RECURRENCE-ID") == at(BERLIN, 2024, 1, 10)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_cancellation_needs_a_cancelling_override_first() -> None:
    with pytest.raises(ScheduleError, match="Add a cancelling override") as err:
        cancellation(lunch_event(), original_start=at(BERLIN, 2024, 10, 30))
    assert err.value.field == "original_start"
