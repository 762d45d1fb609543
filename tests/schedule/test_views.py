from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Rsvp, Series, Session, SessionStatus
from peerlearn.schedule.selectors import occurrence_key
from tests.conftest import Cast, client_for
from tests.schedule.conftest import berlin, make_series, make_session

pytestmark = pytest.mark.django_db

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
    "whiteboard_link": "https://excalidraw.com/#room=abc",
}


def test_create_session_from_the_form(cast: Cast) -> None:
    client = client_for(cast.fiona)
    data = {**FORM, "facilitator": cast.fiona.pk}
    response = client.post(reverse("schedule:session_create", args=[cast.platform.pk]), data)
    session = Session.objects.get()
    assert response["Location"] == reverse("schedule:session", args=[session.pk])
    assert session.starts_at == berlin(2030, 5, 8, 12)
    assert session.created_by == cast.fiona
    page = client.get(response["Location"]).content.decode()
    assert "Tracing 101" in page
    assert "Talk (25 min)" in page  # agenda from the format template
    assert "Attendees: note one question you want answered" in page  # checklist
    assert "session.ics" in page


def test_form_errors_are_tied_to_their_fields_and_nothing_is_saved(cast: Cast) -> None:
    client = client_for(cast.fiona)
    data = {
        **FORM,
        "format": "deep_dive",
        "whiteboard_link": "http://miro.com/board",
        "date": "2030-03-31",
        "start_time": "02:30",
    }
    response = client.post(reverse("schedule:session_create", args=[cast.platform.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in body
    assert 'id="id_duration_minutes_error"' in body
    assert "Focused Deep Dive lasts 90\u2013120 minutes; 45 is outside it" in body
    assert 'aria-describedby="id_duration_minutes_error"' in body
    assert "does not exist on 2030-03-31 in Europe/Berlin" in body
    assert "Use an https:// link" in body
    assert not Session.objects.exists()


def test_double_booked_facilitator_is_warned_on_save_and_on_the_page(cast: Cast) -> None:
    make_session(cast.platform, title="Tracing", facilitator=cast.fiona)
    client = client_for(cast.fiona)
    data = {**FORM, "title": "Profiling", "date": "2030-03-06", "facilitator": cast.fiona.pk}
    response = client.post(
        reverse("schedule:session_create", args=[cast.platform.pk]), data, follow=True
    )
    body = response.content.decode()
    assert "Fiona also facilitates “Tracing”" in body
    assert "Double-booked facilitator" in body


def test_rsvp_with_htmx_returns_the_rsvp_fragment(cast: Cast) -> None:
    session = make_session(cast.platform)
    response = client_for(cast.bob).post(
        reverse("schedule:session_rsvp", args=[session.pk]),
        {"answer": "going"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="rsvp"')
    assert "1 going" in body
    assert "<html" not in body
    assert Rsvp.objects.get().answer == "going"


def test_attendance_is_taken_after_the_session(cast: Cast) -> None:
    session = make_session(cast.platform, starts_at=berlin(2020, 1, 8))
    services.rsvp_set(session=session, person=cast.bob, answer="going")
    client = client_for(cast.fiona)
    page = client.get(reverse("schedule:session", args=[session.pk])).content.decode()
    assert "Who was there" in page
    client.post(
        reverse("schedule:session_attendance", args=[session.pk]), {"attendees": [cast.bob.pk]}
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE
    history = client_for(cast.bob).get(reverse("schedule:my_history")).content.decode()
    assert "Attended (1)" in history
    assert "Intro to tracing" in history


def test_history_of_someone_sharing_no_team_is_404(cast: Cast) -> None:
    response = client_for(cast.charlie).get(reverse("schedule:history", args=[cast.bob.pk]))
    assert response.status_code == 404
    shared = client_for(cast.alice).get(reverse("schedule:history", args=[cast.bob.pk]))
    assert shared.status_code == 200


def test_series_form_reports_impossible_rules_on_fields(cast: Cast) -> None:
    data = {
        "title": "Monthly",
        "format": "lunch_and_learn",
        "audience": "team",
        "frequency": "monthly",
        "interval": "1",
        "weekday": "2",
        "starts_on": "2030-03-01",
        "start_time": "12:00",
        "time_zone": "Europe/Berlin",
        "duration_minutes": "45",
        "until": "2030-02-01",
    }
    response = client_for(cast.alice).post(
        reverse("schedule:series_create", args=[cast.platform.pk]), data
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Say which weekday of the month" in body
    assert not Series.objects.exists()


def test_series_links_must_be_https(cast: Cast) -> None:
    data = {
        "title": "Weekly",
        "format": "lunch_and_learn",
        "audience": "team",
        "frequency": "weekly",
        "interval": "1",
        "weekday": "2",
        "starts_on": "2030-03-01",
        "start_time": "12:00",
        "time_zone": "Europe/Berlin",
        "duration_minutes": "45",
        "video_link": "http://meet.example.com/room",
    }
    response = client_for(cast.alice).post(
        reverse("schedule:series_create", args=[cast.platform.pk]), data
    )
    assert "Use an https:// link" in response.content.decode()
    assert not Series.objects.exists()


def test_series_page_moves_cancels_and_reassigns_single_dates(cast: Cast) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona, starts_on=dt.date(2030, 3, 1))
    client = client_for(cast.alice)
    first, second, third = (occurrence_key(berlin(2030, 3, d)) for d in (6, 13, 20))
    base = reverse("schedule:series", args=[series.pk])
    client.post(f"{base}occurrences/{first}/move/", {"date": "2030-03-07", "start_time": "15:00"})
    client.post(f"{base}occurrences/{second}/cancel/")
    client.post(f"{base}occurrences/{third}/facilitator/", {"facilitator": cast.alice.pk})
    rows = {row.original_start: row for row in Session.objects.all()}
    assert rows[berlin(2030, 3, 6)].starts_at == berlin(2030, 3, 7, 15)
    assert rows[berlin(2030, 3, 13)].status == SessionStatus.CANCELLED
    assert rows[berlin(2030, 3, 20)].roles.get().person == cast.alice
    assert len(rows) == 3  # the rest of the series stays a rule


def test_occurrence_page_does_not_write_and_rsvp_materialises(cast: Cast) -> None:
    series = make_series(cast.platform)
    key = occurrence_key(berlin(2030, 3, 13))
    url = reverse("schedule:occurrence", args=[series.pk, key])
    client = client_for(cast.bob)
    page = client.get(url)
    assert page.status_code == 200
    assert "Weekly learning" in page.content.decode()
    assert not Session.objects.exists()
    response = client.post(url + "rsvp/", {"answer": "going"}, headers={"HX-Request": "true"})
    session = Session.objects.get()
    assert response["HX-Redirect"] == reverse("schedule:session", args=[session.pk])
    assert session.original_start == berlin(2030, 3, 13)
    assert client.get(url)["Location"] == reverse("schedule:session", args=[session.pk])
    missing = client.get(reverse("schedule:occurrence", args=[series.pk, "20300314T110000Z"]))
    assert missing.status_code == 404


def test_session_ics_download_parses(cast: Cast) -> None:
    session = make_session(cast.platform, facilitator=cast.fiona)
    response = client_for(cast.bob).get(reverse("schedule:session_ics", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == session.uid
    assert event.decoded("DTSTART") == berlin(2030, 3, 6, 12)
    assert "Facilitator: Fiona" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("rows", [1, 4])
def test_team_sessions_page_queries_are_constant(
    cast: Cast, rows: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(rows):
        make_session(
            cast.platform, title=f"S{number}", facilitator=cast.fiona,
            starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=number + 1),
        )  # fmt: skip
        series = make_series(cast.platform, title=f"Series {number}", facilitator=cast.fiona,
                             starts_on=dt.date.today() + dt.timedelta(days=1))  # fmt: skip
        row = series_services.occurrence_materialise(
            series=series,
            original_start=series_services.engine_series(series).first_start,
        )
        services.rsvp_set(session=row, person=cast.bob, answer="going")
        make_session(cast.platform, title=f"Past {number}", starts_at=berlin(2020, 1, 1 + number))
    client = client_for(cast.bob)
    client.get(reverse("schedule:team_sessions", args=[cast.platform.pk]))
    # session with person (1), team with role (1), series (also the page's list of series)
    # with skips, rows and their roles (4), single sessions with roles (2), past sessions
    # with roles (2)
    with django_assert_num_queries(11):
        response = client.get(reverse("schedule:team_sessions", args=[cast.platform.pk]))
    assert response.content.decode().count("Series ") >= rows


def test_rsvp_refusal_with_htmx_shows_the_reason_in_the_fragment(cast: Cast) -> None:
    session = make_session(cast.platform)
    client = client_for(cast.bob)
    url = reverse("schedule:session_rsvp", args=[session.pk])
    services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    response = client.post(url, {"answer": "going"}, headers={"HX-Request": "true"})
    assert 'role="alert">This session is cancelled.' in response.content.decode()
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize(
    "action", ["occurrence_cancel", "occurrence_move", "occurrence_facilitator"]
)
def test_changing_a_date_the_series_does_not_meet_is_404_and_writes_nothing(
    cast: Cast, action: str
) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    not_a_meeting = occurrence_key(berlin(2030, 3, 7))  # a Thursday; the series meets Wednesdays
    url = reverse(f"schedule:{action}", args=[series.pk, not_a_meeting])
    data = {"date": "2030-03-08", "start_time": "10:00", "facilitator": cast.alice.pk}
    response = client_for(cast.alice).post(url, data)
    assert response.status_code == 404
    assert not Session.objects.filter(series=series).exists()


def test_a_refused_move_leaves_no_occurrence_row_behind(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    series = make_series(cast.platform, facilitator=cast.fiona)
    with pytest.raises(ValidationError):
        series_services.occurrence_move(
            series=series,
            original_start=berlin(2030, 3, 6),
            starts_at=dt.datetime(2030, 3, 7, 12, 0),  # naive: refused by session_update
        )
    assert not Session.objects.filter(series=series).exists()
