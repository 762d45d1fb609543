"""Hostile requests to the schedule's pages: a message at the field or a 404, never a 500,
and a refused request leaves every schedule table as it was.

These are the requests a probe sent (a presenter id of 10**30, a skip on 0001-01-01,
occurrence URLs in year 9999) and their relatives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Series, Session
from peerlearn.validation import DATE_RANGE_TEXT
from tests.conftest import Cast, client_for
from tests.schedule.conftest import berlin, make_series, make_session
from tests.schedule.tables import snapshot

pytestmark = pytest.mark.django_db

HUGE = str(10**30)


@pytest.fixture
def unchanged() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def messages_of(client: Client, response: Any) -> str:
    assert response.status_code == 302, response.status_code
    return client.get(response["Location"]).content.decode()


# --- single sessions -----------------------------------------------------------------------

FORM = {
    "title": "Tracing 101",
    "format": "lunch_and_learn",
    "audience": "team",
    "status": "scheduled",
    "date": "2030-05-08",
    "start_time": "12:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "45",
    "location": "Room 1",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "0001-01-01"}, "date", DATE_RANGE_TEXT),
        ({"date": "9999-12-31"}, "date", DATE_RANGE_TEXT),
        ({"date": "2030-02-30"}, "date", "Enter a valid date"),
        ({"date": "99999-01-01"}, "date", "Enter a valid date"),
        ({"title": "Tracing\r\nBcc: all@example.com"}, "title", "Must be one line of text"),
        ({"title": "Tracing\x00"}, "title", "a NUL byte"),
        ({"location": "Room \u202e1"}, "location", "text-direction override"),
        ({"change_link": "javascript:alert(1)"}, "change_link", "http:// or https://"),
        ({"video_link": "javascript:alert(1)"}, "video_link", ""),
        ({"notes": "a\x00b"}, "notes", "a NUL byte"),
        ({"facilitator": HUGE}, "facilitator", "Select a valid choice"),
        ({"duration_minutes": HUGE}, "duration_minutes", ""),
        ({"time_zone": "Nowhere/Zone"}, "time_zone", ""),
        ({"time_zone": "../../../etc/localtime"}, "time_zone", ""),
        ({"time_zone": "Europe/Berlin\x00"}, "time_zone", ""),
        ({"format": "lunch_and_learn\x00"}, "format", ""),
        ({"audience": "x" * 5000}, "audience", ""),
        ({"start_time": "12:00\x00"}, "start_time", ""),
    ],
)
def test_session_form_shows_the_problem_at_its_field_and_saves_nothing(
    cast: Cast, unchanged: None, changes: dict[str, str], field: str, message: str
) -> None:
    response = client_for(cast.fiona).post(
        reverse("schedule:session_create", args=[cast.platform.pk]), {**FORM, **changes}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in body
    assert message in body


def test_session_edit_shows_the_problem_and_keeps_the_session(cast: Cast) -> None:
    session = make_session(cast.platform)
    before = snapshot()
    response = client_for(cast.fiona).post(
        reverse("schedule:session_edit", args=[session.pk]),
        {**FORM, "title": "New\nBcc: x@example.com", "date": "9999-12-31"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_title_error"' in body
    assert 'id="id_date_error"' in body
    assert snapshot() == before


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "-5", "abc", "\x00"])
def test_roles_with_an_id_that_cannot_be_a_person_are_refused(cast: Cast, value: str) -> None:
    session = make_session(cast.platform, facilitator=cast.fiona)
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(
        reverse("schedule:session_roles", args=[session.pk]), {"presenter": value}
    )
    assert "Those roles could not be saved" in messages_of(client, response)
    assert snapshot() == before


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "0"])
def test_attendance_with_an_id_that_cannot_be_a_person_is_refused(cast: Cast, value: str) -> None:
    session = make_session(cast.platform, starts_at=berlin(2026, 1, 7), facilitator=cast.fiona)
    services.attendance_record(session=session, attendees=[cast.bob], recorded_by=cast.fiona)
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(
        reverse("schedule:session_attendance", args=[session.pk]),
        {"attendees": [str(cast.alice.pk), value]},
    )
    assert "Attendance could not be saved" in messages_of(client, response)
    assert snapshot() == before


@pytest.mark.parametrize("answer", ["maybe\x00", "x" * 5000, "", "going\n"])
def test_an_rsvp_that_is_no_answer_is_refused(cast: Cast, answer: str) -> None:
    session = make_session(cast.platform)
    before = snapshot()
    client = client_for(cast.bob)
    response = client.post(reverse("schedule:session_rsvp", args=[session.pk]), {"answer": answer})
    assert "is not an answer" in messages_of(client, response)
    assert snapshot() == before


@pytest.mark.parametrize("status", ["done\x00", "x" * 5000, "", "bogus"])
def test_a_status_that_is_no_status_is_refused(cast: Cast, status: str) -> None:
    session = make_session(cast.platform)
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(
        reverse("schedule:session_status", args=[session.pk]), {"status": status}
    )
    assert "cannot become" in messages_of(client, response)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["session", "session_edit", "session_ics"])
def test_a_huge_session_id_is_not_found(cast: Cast, name: str) -> None:
    path = reverse(f"schedule:{name}", args=[1]).replace("/1/", f"/{HUGE}/")
    assert client_for(cast.fiona).get(path).status_code == 404


# --- series, skips and occurrences ------------------------------------------------------

SERIES_FORM = {
    "title": "Weekly learning",
    "format": "lunch_and_learn",
    "audience": "team",
    "frequency": "weekly",
    "interval": "1",
    "weekday": "2",
    "starts_on": "2030-03-01",
    "start_time": "12:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "45",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"until": "9999-12-31"}, "until"),
        ({"frequency": "sprint", "sprint_start": "0001-01-01"}, "sprint_start"),
        ({"title": "Weekly\nlearning"}, "title"),
        ({"whiteboard_link": "javascript:alert(1)"}, "whiteboard_link"),
        ({"facilitator": HUGE}, "facilitator"),
        ({"interval": HUGE}, "interval"),
        ({"interval": "0"}, "interval"),
        ({"weekday": HUGE}, "weekday"),
        ({"frequency": "monthly", "week_of_month": HUGE}, "week_of_month"),
        ({"time_zone": "Nowhere/Zone"}, "time_zone"),
        ({"time_zone": "../../../etc/localtime"}, "time_zone"),
        ({"time_zone": "UTC\x00"}, "time_zone"),
        ({"duration_minutes": HUGE}, "duration_minutes"),
        ({"location": "Room\u2066 1"}, "location"),
        ({"topic": "a\x00b"}, "topic"),
    ],
)
def test_series_form_shows_the_problem_at_its_field_and_saves_nothing(
    cast: Cast, unchanged: None, changes: dict[str, str], field: str
) -> None:
    response = client_for(cast.fiona).post(
        reverse("schedule:series_create", args=[cast.platform.pk]), {**SERIES_FORM, **changes}
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()


def test_editing_a_cancelled_series_into_the_protected_slot_saves_nothing(cast: Cast) -> None:
    series = make_series(cast.platform)
    series_services.series_cancel(series=series)
    before = snapshot()
    response = client_for(cast.fiona).post(
        reverse("schedule:series_edit", args=[series.pk]),
        {**SERIES_FORM, "title": "Renamed", "is_protected_slot": "on"},
    )
    assert response.status_code == 200
    assert "cannot be the protected learning slot" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "1969-12-31", "2030-02-30", HUGE])
def test_skipping_a_far_or_impossible_date_is_refused(cast: Cast, on: str) -> None:
    series = make_series(cast.platform)
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(reverse("schedule:series_skip_add", args=[series.pk]), {"on": on})
    page = messages_of(client, response)
    assert "Give a date to skip" in page
    if on[:4] in ("0001", "9999", "1969"):
        assert DATE_RANGE_TEXT in page
    assert snapshot() == before


def test_skipping_with_a_reason_of_two_lines_is_refused(cast: Cast) -> None:
    series = make_series(cast.platform)
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(
        reverse("schedule:series_skip_add", args=[series.pk]),
        {"on": "2030-03-06", "reason": "Holiday\r\nBcc: x@example.com"},
    )
    assert "Must be one line of text" in messages_of(client, response)
    assert snapshot() == before


def test_removing_a_skip_with_a_huge_id_is_not_found(cast: Cast) -> None:
    series = make_series(cast.platform)
    path = reverse("schedule:series_skip_remove", args=[series.pk, 1]).replace("/1/", f"/{HUGE}/")
    assert client_for(cast.fiona).post(path).status_code == 404


BAD_KEYS = [
    "99991231T230000Z",
    "00010101T000000Z",
    "00010101T003000Z",
    "19691231T230000Z",
    "21010101T110000Z",
    "20300230T110000Z",
    "20301306T110000Z",
    "20300306T250000Z",
    "2030306T110000Z",
    "x" * 300,
]


@pytest.mark.parametrize("key", BAD_KEYS)
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_an_occurrence_url_with_a_far_or_impossible_date_is_not_found(
    cast: Cast, key: str, zone: str
) -> None:
    series = make_series(cast.platform, time_zone=zone)
    before = snapshot()
    client = client_for(cast.fiona)
    base = reverse("schedule:occurrence", args=[series.pk, "K"]).replace("/K/", f"/{key}/")
    assert client.get(base).status_code == 404
    for action, data in (
        ("rsvp/", {"answer": "going"}),
        ("move/", {"date": "2030-03-07", "start_time": "12:00"}),
        ("cancel/", {}),
        ("facilitator/", {"facilitator": str(cast.fiona.pk)}),
    ):
        assert client.post(base + action, data).status_code == 404, action
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "9999-12-31", "start_time": "12:00"}, DATE_RANGE_TEXT),
        ({"date": "0001-01-01", "start_time": "00:00"}, DATE_RANGE_TEXT),
        ({"date": "2030-02-30", "start_time": "12:00"}, "Enter a valid date"),
        ({"date": "2030-03-07", "start_time": "25:00"}, "Enter a valid time"),
    ],
)
def test_moving_to_a_far_or_impossible_date_is_refused(
    cast: Cast, data: dict[str, str], message: str
) -> None:
    series = make_series(cast.platform)
    key = "20300306T110000Z"
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(reverse("schedule:occurrence_move", args=[series.pk, key]), data)
    page = messages_of(client, response)
    assert "Not moved" in page
    assert message in page
    assert snapshot() == before


def test_changing_the_facilitator_to_a_huge_id_is_refused(cast: Cast) -> None:
    series = make_series(cast.platform)
    before = snapshot()
    client = client_for(cast.fiona)
    response = client.post(
        reverse("schedule:occurrence_facilitator", args=[series.pk, "20300306T110000Z"]),
        {"facilitator": HUGE},
    )
    assert "Not changed" in messages_of(client, response)
    assert snapshot() == before


@pytest.mark.parametrize("answer", ["bogus", "going\x00", ""])
def test_a_refused_rsvp_to_an_occurrence_leaves_no_row(cast: Cast, answer: str) -> None:
    series = make_series(cast.platform)
    before = snapshot()
    client = client_for(cast.bob)
    response = client.post(
        reverse("schedule:occurrence_rsvp", args=[series.pk, "20300306T110000Z"]),
        {"answer": answer},
    )
    assert "is not an answer" in messages_of(client, response)
    assert snapshot() == before


def test_a_refused_rsvp_to_an_occurrence_with_htmx_shows_the_message(cast: Cast) -> None:
    series = make_series(cast.platform)
    before = snapshot()
    response = client_for(cast.bob).post(
        reverse("schedule:occurrence_rsvp", args=[series.pk, "20300306T110000Z"]),
        {"answer": "bogus"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "is not an answer" in response.content.decode()
    assert snapshot() == before


def test_an_rsvp_to_an_occurrence_of_an_ended_series_leaves_no_row(cast: Cast) -> None:
    series = make_series(cast.platform, starts_on=dt.date(2030, 3, 1))
    series_services.series_cancel(series=series, now=berlin(2030, 3, 1))
    before = snapshot()
    client = client_for(cast.bob)
    response = client.post(
        reverse("schedule:occurrence_rsvp", args=[series.pk, "20300306T110000Z"]),
        {"answer": "going"},
    )
    assert "This session is cancelled" in messages_of(client, response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "query", [{"page": HUGE}, {"week": "9999-W99"}, {"from": "0001-01-01"}, {"x": "\x00"}]
)
def test_the_session_list_ignores_query_parameters_it_does_not_take(
    cast: Cast, query: dict[str, str]
) -> None:
    make_series(cast.platform)
    response = client_for(cast.bob).get(
        reverse("schedule:team_sessions", args=[cast.platform.pk]), query
    )
    assert response.status_code == 200


# --- calendar settings, feeds and history ---------------------------------------------


@pytest.mark.parametrize("team", [HUGE, "-1", "abc", "\x00", "1\n"])
@pytest.mark.parametrize("action", ["create", "revoke", "\x00", "x" * 5000])
def test_calendar_feed_actions_with_a_team_that_cannot_be_one_are_not_found(
    cast: Cast, team: str, action: str
) -> None:
    response = client_for(cast.bob).post(
        reverse("schedule:calendar_feed_action"), {"team": team, "action": action}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("token", ["\x00", "a" * 5000, "pl_\u202e", "%00", "..%2f..%2fetc"])
def test_a_feed_token_that_cannot_be_one_is_not_found(token: str, db: None) -> None:
    path = reverse("schedule:feed", args=["T"]).replace("/T.ics", f"/{token}.ics")
    assert Client().get(path).status_code == 404


def test_a_huge_person_id_has_no_history(cast: Cast) -> None:
    path = reverse("schedule:history", args=[1]).replace("/1/", f"/{HUGE}/")
    assert client_for(cast.bob).get(path).status_code == 404


@pytest.mark.parametrize(
    "link", ["javascript://x.test/%0aalert(1)", "data:text/html,x://", "JAVASCRIPT://a"]
)
def test_a_change_link_saved_before_links_were_checked_is_shown_as_text(
    cast: Cast, link: str
) -> None:
    session = make_session(cast.platform)
    Session.objects.filter(pk=session.pk).update(change_link=link)  # an old row
    body = client_for(cast.bob).get(reverse("schedule:session", args=[session.pk])).content
    page = body.decode()
    assert f"<code>{link}</code>" in page
    assert 'href="javascript' not in page.lower()
    assert 'href="data' not in page.lower()


def test_a_web_change_link_is_a_link(cast: Cast) -> None:
    session = make_session(cast.platform, change_link="https://git.example.com/pr/1")
    page = client_for(cast.bob).get(reverse("schedule:session", args=[session.pk])).content
    assert b'<a href="https://git.example.com/pr/1"' in page


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_a_series_saved_with_dates_in_year_1_and_9999_still_works_everywhere(
    cast: Cast, zone: str
) -> None:
    series = make_series(cast.platform, time_zone=zone, is_protected_slot=True)
    # A row from before dates were checked.
    Series.objects.filter(pk=series.pk).update(
        starts_on=dt.date(1, 1, 1), until=dt.date(9999, 12, 31)
    )
    client = client_for(cast.bob)
    team_page = client.get(reverse("schedule:team_sessions", args=[cast.platform.pk]))
    series_page = client.get(reverse("schedule:series", args=[series.pk]))
    ics = client.get(reverse("schedule:series_ics", args=[series.pk]))
    dashboard = client.get(reverse("web:dashboard"))
    assert {r.status_code for r in (team_page, series_page, ics, dashboard)} == {200}
    # 12 and 26 weeks of Wednesdays: the dates shown are the rule's, counted from 1970.
    assert team_page.content.decode().count("Weekly learning") >= 12
    assert b"DTSTART;TZID=" + zone.encode() + b":1970" in ics.content


def test_the_last_occurrence_of_the_range_has_a_page(cast: Cast) -> None:
    # Friday 2100-12-31 20:00 in Los Angeles is 2101-01-01 in UTC, and still in range.
    series = make_series(
        cast.platform,
        time_zone="America/Los_Angeles",
        starts_on=dt.date(2100, 12, 1),
        weekday=4,
        start_time=dt.time(20, 0),
    )
    response = client_for(cast.bob).get(
        reverse("schedule:occurrence", args=[series.pk, "21010101T040000Z"])
    )
    assert response.status_code == 200
    assert "Weekly learning" in response.content.decode()
