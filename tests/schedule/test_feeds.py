"""Calendar feeds at secret URLs, parsed back with icalendar field by field."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date
from pytest_django import DjangoAssertNumQueries

from peerlearn.people.services import membership_remove
from peerlearn.schedule import series_services, services
from peerlearn.schedule.feeds import calendar_feed_create, token_hash
from peerlearn.schedule.models import CalendarFeed, SessionStatus
from tests.conftest import Cast, client_for
from tests.schedule.conftest import UTC, berlin, make_series, make_session

pytestmark = pytest.mark.django_db


def _feed_url(token: str) -> str:
    return reverse("schedule:feed", args=[token])


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_feed_link_is_shown_once_and_only_its_hash_is_stored(cast: Cast) -> None:
    client = client_for(cast.bob)
    response = client.post(
        reverse("schedule:calendar_feed_action"), {"action": "create", "team": ""}
    )
    body = response.content.decode()
    match = re.search(r"/calendar/feeds/([A-Za-z0-9_-]+)\.ics", body)
    assert match is not None
    token = match.group(1)
    stored = CalendarFeed.objects.get()
    assert stored.token_hash == token_hash(token)
    assert token not in stored.token_hash
    assert token not in client.get(reverse("schedule:calendar_settings")).content.decode()
    assert Client().get(_feed_url(token)).status_code == 200  # no login needed


def test_revoke_and_regenerate(cast: Cast) -> None:
    _, old = calendar_feed_create(owner=cast.bob)
    _, new = calendar_feed_create(owner=cast.bob)
    anonymous = Client()
    assert anonymous.get(_feed_url(old)).status_code == 404
    assert anonymous.get(_feed_url(new)).status_code == 200
    client_for(cast.bob).post(
        reverse("schedule:calendar_feed_action"), {"action": "revoke", "team": ""}
    )
    assert anonymous.get(_feed_url(new)).status_code == 404


def test_team_feed_stops_when_the_owner_leaves_the_team(cast: Cast) -> None:
    _, token = calendar_feed_create(owner=cast.bob, team=cast.platform)
    assert Client().get(_feed_url(token)).status_code == 200
    membership_remove(membership=cast.bob.memberships.get(team=cast.platform))
    assert Client().get(_feed_url(token)).status_code == 404


def test_team_feed_carries_series_overrides_skips_and_singles(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    series_services.series_skip_add(series=series, on=dt.date(2030, 3, 20))
    moved = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    services.session_update(session=moved, changes={"starts_at": berlin(2030, 3, 7, 15)})
    gone = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 13))
    services.session_set_status(session=gone, status=SessionStatus.CANCELLED)
    single = make_session(cast.platform, title="One-off", facilitator=cast.alice)
    _, token = calendar_feed_create(owner=cast.bob, team=cast.platform)

    response = Client().get(_feed_url(token))
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "REFRESH-INTERVAL" in calendar
    events = _events(response.content)
    series_events = [e for e in events if str(e["UID"]) == series.uid]
    master = next(e for e in series_events if "RECURRENCE-ID" not in e)
    assert master["RRULE"]["FREQ"] == ["WEEKLY"]
    assert master.decoded("DTSTART") == berlin(2030, 3, 6)
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [berlin(2030, 3, 20)]
    assert master.walk("VALARM")
    overrides = {e.decoded("RECURRENCE-ID"): e for e in series_events if "RECURRENCE-ID" in e}
    assert overrides[berlin(2030, 3, 6)].decoded("DTSTART") == berlin(2030, 3, 7, 15)
    assert str(overrides[berlin(2030, 3, 13)]["STATUS"]) == "CANCELLED"
    one_off = next(e for e in events if str(e["UID"]) == single.uid)
    assert str(one_off["SUMMARY"]) == "One-off"
    assert str(one_off["URL"]).endswith(reverse("schedule:session", args=[single.pk]))
    assert "Agenda" in str(one_off["DESCRIPTION"])


def test_a_retitled_occurrence_shows_its_own_title_and_notes_in_the_feed(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    guest = series_services.occurrence_materialise(series=series, original_start=berlin(2030, 3, 6))
    services.session_update(
        session=guest, changes={"title": "Guest talk: packfiles", "notes": "Bring a laptop"}
    )
    _, token = calendar_feed_create(owner=cast.bob, team=cast.platform)
    events = [
        e for e in _events(Client().get(_feed_url(token)).content) if str(e["UID"]) == series.uid
    ]
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    (override,) = [e for e in events if "RECURRENCE-ID" in e]
    assert str(master["SUMMARY"]) == series.title
    assert override.decoded("RECURRENCE-ID") == berlin(2030, 3, 6)
    assert str(override["SUMMARY"]) == "Guest talk: packfiles"
    assert "Bring a laptop" in str(override["DESCRIPTION"])


def test_uid_is_stable_and_sequence_grows_across_edits(cast: Cast) -> None:
    session = make_session(cast.platform)
    _, token = calendar_feed_create(owner=cast.bob, team=cast.platform)
    seen = []
    for hour in (13, 14):
        event = _events(Client().get(_feed_url(token)).content)[0]
        seen.append((str(event["UID"]), int(event["SEQUENCE"])))
        session = services.session_update(
            session=session, changes={"starts_at": berlin(2030, 3, 6, hour)}
        )
    services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    event = _events(Client().get(_feed_url(token)).content)[0]
    seen.append((str(event["UID"]), int(event["SEQUENCE"])))
    assert {uid for uid, _ in seen} == {session.uid}
    assert [sequence for _, sequence in seen] == [0, 1, 3]
    assert str(event["STATUS"]) == "CANCELLED"


def test_conditional_requests_get_304_until_something_changes(cast: Cast) -> None:
    session = make_session(cast.platform)
    _, token = calendar_feed_create(owner=cast.bob)
    client = Client()
    first = client.get(_feed_url(token))
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(_feed_url(token), headers={"If-None-Match": etag}).status_code == 304
    not_modified = client.get(_feed_url(token), headers={"If-Modified-Since": modified})
    assert not_modified.status_code == 304
    services.session_update(session=session, changes={"title": "Renamed"})
    changed = client.get(_feed_url(token), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert b"Renamed" in changed.content


def test_person_feed_adds_open_sessions_elsewhere_they_joined(cast: Cast) -> None:
    open_session = make_session(cast.platform, title="Open talk", audience="organisation")
    make_session(cast.platform, title="Team only")
    services.rsvp_set(session=open_session, person=cast.charlie, answer="going")
    _, token = calendar_feed_create(owner=cast.charlie)
    titles = {str(e["SUMMARY"]) for e in _events(Client().get(_feed_url(token)).content)}
    assert titles == {"Open talk"}


@pytest.mark.parametrize("rows", [1, 4])
def test_feed_queries_are_constant(
    cast: Cast, rows: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(rows):
        make_session(cast.platform, title=f"S{number}", facilitator=cast.fiona,
                     starts_at=dt.datetime.now(UTC) + dt.timedelta(days=number))  # fmt: skip
        series = make_series(cast.platform, title=f"Series {number}", facilitator=cast.fiona)
        row = series_services.occurrence_materialise(
            series=series, original_start=berlin(2030, 3, 13)
        )
        services.session_update(session=row, changes={"location": "Elsewhere"})
        series_services.series_skip_add(series=series, on=dt.date(2030, 3, 20))
    _, token = calendar_feed_create(owner=cast.bob)
    Client().get(_feed_url(token))  # the first fetch records the content's ETag
    # token, memberships, series, skips, rows, row roles, singles, single roles; an
    # unchanged feed writes nothing
    with django_assert_num_queries(8):
        response = Client().get(_feed_url(token))
    assert len({str(e["UID"]) for e in _events(response.content)}) == 2 * rows


def test_last_modified_moves_when_events_drop_out(cast: Cast) -> None:
    make_session(cast.platform, title="Platform talk")
    _, token = calendar_feed_create(owner=cast.bob)
    client = Client()
    client.get(_feed_url(token))
    an_hour_ago = dt.datetime.now(UTC) - dt.timedelta(hours=1)
    CalendarFeed.objects.update(content_changed_at=an_hour_ago)  # as if served an hour ago
    since = {"If-Modified-Since": http_date((an_hour_ago + dt.timedelta(minutes=30)).timestamp())}
    assert client.get(_feed_url(token), headers=since).status_code == 304
    membership_remove(membership=cast.bob.memberships.get(team=cast.platform))
    response = client.get(_feed_url(token), headers=since)
    assert response.status_code == 200  # the feed lost events, so it is newer
    assert b"Platform talk" not in response.content
