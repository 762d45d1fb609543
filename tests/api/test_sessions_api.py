"""Sessions through the API beyond the matrix: windows, series dates, bad input, the
organisation-wide audience, and that a refused write leaves the session as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.schedule.models import Audience, Rsvp, Series, Session, SessionRole
from tests.api.conftest import json_of
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_session

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Tracing, hands on",
    "format": "lunch_and_learn",
    "starts_at": "2030-04-03T12:00:00+02:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 45,
}


def send(client: Client, method: str, url: str, data: object) -> Any:
    return getattr(client, method)(url, data=data, content_type="application/json")


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    body = json_of(response)
    return {str(e["loc"][-1]): e["msg"] for e in body["detail"]}


def stored(session: Session) -> dict[str, Any]:
    row = Session.objects.filter(pk=session.pk).values().get()
    roles = set(SessionRole.objects.filter(session=session).values_list("person_id", "role"))
    return {**row, "roles": roles}


def test_list_window_filters_by_from_and_to(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    later = make_session(cast.platform, title="Later", starts_at=berlin(2030, 6, 5))
    url = f"/api/teams/{cast.platform.pk}/sessions"

    march = json_of(client_as("bob").get(url, {"from": "2030-03-01", "to": "2030-03-31"}))
    june = json_of(client_as("bob").get(url, {"from": "2030-06-05", "to": "2030-06-05"}))
    both = json_of(client_as("bob").get(url, {"from": "2030-03-01", "to": "2030-06-30"}))

    assert [i["session_id"] for i in march["items"]] == [platform_session.pk]
    assert [i["session_id"] for i in june["items"]] == [later.pk]
    assert [i["title"] for i in both["items"]] == ["Intro to tracing", "Later"]
    assert both["items"][0]["starts_at"] == "2030-03-06T12:00:00+01:00"
    assert both["items"][0]["url"] == f"/sessions/{platform_session.pk}/"


def test_list_shows_series_dates_nobody_touched(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    url = f"/api/teams/{cast.platform.pk}/sessions?from=2030-03-01&to=2030-03-19"
    body = json_of(client_as("bob").get(url))

    assert [i["occurrence"] for i in body["items"]] == ["20300306T110000Z", "20300313T110000Z"]
    assert {i["session_id"] for i in body["items"]} == {None}
    assert {i["series_id"] for i in body["items"]} == {platform_series.pk}
    assert not Session.objects.exists()  # reading wrote no rows


def test_list_is_paged(cast: Cast, client_as: Callable[[str], Client]) -> None:
    for day in (6, 13, 20):
        make_session(cast.platform, title=f"March {day}", starts_at=berlin(2030, 3, day))
    url = f"/api/teams/{cast.platform.pk}/sessions?from=2030-03-01&to=2030-03-31&page_size=2"

    first = json_of(client_as("bob").get(url))
    second = json_of(client_as("bob").get(url + "&page=2"))

    assert (first["count"], [i["title"] for i in first["items"]]) == (3, ["March 6", "March 13"])
    assert [i["title"] for i in second["items"]] == ["March 20"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"from": "2030-03-31", "to": "2030-03-01"}, "to", "before the first day"),
        ({"from": "2030-01-01", "to": "2031-06-01"}, "to", "at most 366 days"),
        ({"from": "9999-01-01"}, "from", "1970-01-01 and 2100-12-31"),
        ({"to": "0001-01-01"}, "to", "1970-01-01 and 2100-12-31"),
        ({"from": "yesterday"}, "from", "date"),
    ],
)
def test_list_bad_window_is_422_naming_the_parameter(
    cast: Cast, client_as: Callable[[str], Client], query: dict[str, str], field: str, words: str
) -> None:
    response = client_as("bob").get(f"/api/teams/{cast.platform.pk}/sessions", query)

    errors = field_errors(response)
    assert words in errors[field]
    assert json_of(response)["message"].startswith(f"{field}: ")


def test_create_stores_what_was_sent_with_facilitators(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    data = {
        **VALID,
        "facilitator_id": cast.fiona.pk,
        "co_facilitator_id": cast.bob.pk,
        "video_link": "https://meet.example.com/tracing",
        "status": "proposed",
    }
    response = send(client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/sessions", data)

    assert response.status_code == 201
    body = json_of(response)
    session = Session.objects.get(pk=body["id"])
    assert (session.title, session.status, session.created_by) == (
        "Tracing, hands on",
        "proposed",
        cast.fiona,
    )
    assert session.starts_at == dt.datetime(2030, 4, 3, 10, tzinfo=dt.UTC)
    assert stored(session)["roles"] == {
        (cast.fiona.pk, "facilitator"),
        (cast.bob.pk, "co_facilitator"),
    }
    assert {r["role"]: r["name"] for r in body["roles"]} == {
        "facilitator": "Fiona",
        "co_facilitator": "Bob",
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "Tracing\r\nBcc: everyone@example.com"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"location": "Room \u202e1"}, "location"),
        ({"topic": "nul \x00 here"}, "topic"),
        ({"video_link": "javascript:alert(1)"}, "video_link"),
        ({"whiteboard_link": "http://board.example.com/x"}, "whiteboard_link"),
        ({"change_link": "javascript:alert(1)"}, "change_link"),
        ({"starts_at": "9999-12-31T12:00:00+00:00"}, "starts_at"),
        ({"starts_at": "2030-04-03T12:00:00"}, "starts_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"format": "karaoke"}, "format"),
        ({"duration_minutes": 300}, "duration_minutes"),
        ({"duration_minutes": 10**30}, "duration_minutes"),
        ({"audience": "everyone"}, "audience"),
        ({"status": "done"}, "status"),
        ({"facilitator_id": 10**30}, "facilitator_id"),
    ],
)
def test_create_bad_input_is_422_naming_the_field_and_stores_nothing(
    cast: Cast, client_as: Callable[[str], Client], change: dict[str, object], field: str
) -> None:
    response = send(
        client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/sessions", {**VALID, **change}
    )

    assert field in field_errors(response)
    assert not Session.objects.exists()


@pytest.mark.parametrize("person", ["zed", "charlie"])
def test_create_with_a_facilitator_outside_the_team_is_refused(
    cast: Cast, client_as: Callable[[str], Client], person: str
) -> None:
    data = {**VALID, "facilitator_id": getattr(cast, person).pk}
    response = send(client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/sessions", data)

    assert response.status_code == 422
    assert not Session.objects.exists()
    if person == "zed":  # another organisation: not even named
        assert field_errors(response) == {"facilitator_id": "No such person."}
        assert "Zed" not in response.content.decode()


def test_org_admin_of_another_organisation_gets_404(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    foreign = make_session(cast.foreign_team, title="Foreign session")
    before = stored(foreign)

    assert client_as("olga").get(f"/api/sessions/{foreign.pk}").status_code == 404
    assert client_as("olga").post(f"/api/sessions/{foreign.pk}/cancel").status_code == 404
    response = send(client_as("olga"), "patch", f"/api/sessions/{foreign.pk}", {"title": "x"})
    assert response.status_code == 404
    assert json_of(response)["detail"] == "No such session."
    assert stored(foreign) == before


def test_edit_changes_only_the_fields_sent(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    before = stored(platform_session)
    response = send(
        client_as("alice"),
        "patch",
        f"/api/sessions/{platform_session.pk}",
        {"location": "Room 2", "duration_minutes": 60},
    )

    assert response.status_code == 200
    after = stored(platform_session)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"location", "duration_minutes", "ends_at", "sequence", "updated_at"}
    assert after["roles"] == {(cast.fiona.pk, "facilitator")}


def test_edit_sets_and_clears_facilitators(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    url = f"/api/sessions/{platform_session.pk}"

    send(client_as("fiona"), "patch", url, {"co_facilitator_id": cast.bob.pk})
    assert stored(platform_session)["roles"] == {
        (cast.fiona.pk, "facilitator"),
        (cast.bob.pk, "co_facilitator"),
    }
    send(client_as("fiona"), "patch", url, {"facilitator_id": None})
    assert stored(platform_session)["roles"] == {(cast.bob.pk, "co_facilitator")}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": "a\nb"}, "title"),
        ({"starts_at": "1900-01-01T12:00:00+00:00"}, "starts_at"),
        ({"video_link": "data:text/html,hi"}, "video_link"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"facilitator_id": 0}, "facilitator_id"),
        ({"facilitator_id": 999_999}, "facilitator_id"),
    ],
)
def test_edit_bad_input_is_422_and_changes_nothing(
    cast: Cast,
    client_as: Callable[[str], Client],
    platform_session: Session,
    change: dict[str, object],
    field: str,
) -> None:
    before = stored(platform_session)
    response = send(client_as("fiona"), "patch", f"/api/sessions/{platform_session.pk}", change)

    assert field in field_errors(response)
    assert stored(platform_session) == before


def test_cancel_twice_is_harmless_and_a_done_session_cannot_be_cancelled(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    url = f"/api/sessions/{platform_session.pk}/cancel"
    assert json_of(client_as("fiona").post(url))["status"] == "cancelled"
    again = client_as("fiona").post(url)
    assert (again.status_code, json_of(again)["status"]) == (200, "cancelled")

    done = make_session(cast.platform, title="Done", starts_at=berlin(2030, 3, 7))
    Session.objects.filter(pk=done.pk).update(status="done")
    response = client_as("fiona").post(f"/api/sessions/{done.pk}/cancel")
    assert response.status_code == 422
    assert "cannot become cancelled" in json_of(response)["message"]
    assert Session.objects.get(pk=done.pk).status == "done"


def test_rsvp_changes_the_answer_and_shows_it(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    url = f"/api/sessions/{platform_session.pk}/rsvp"
    send(client_as("bob"), "put", url, {"answer": "going"})
    send(client_as("bob"), "put", url, {"answer": "maybe"})

    assert list(Rsvp.objects.values_list("person", "answer")) == [(cast.bob.pk, "maybe")]
    body = json_of(client_as("bob").get(f"/api/sessions/{platform_session.pk}"))
    assert body["my_rsvp"] == "maybe"
    assert body["rsvps"] == [{"user_id": cast.bob.pk, "name": "Bob", "answer": "maybe"}]
    assert (
        json_of(client_as("alice").get(f"/api/sessions/{platform_session.pk}"))["my_rsvp"] is None
    )


@pytest.mark.parametrize("answer", ["yes", "", None, 1, "going\x00"])
def test_rsvp_bad_answer_is_422_naming_answer(
    client_as: Callable[[str], Client], platform_session: Session, answer: object
) -> None:
    url = f"/api/sessions/{platform_session.pk}/rsvp"
    response = send(client_as("bob"), "put", url, {"answer": answer})

    assert "answer" in field_errors(response)
    assert not Rsvp.objects.exists()


def test_rsvp_to_a_cancelled_session_is_refused(
    client_as: Callable[[str], Client], platform_session: Session
) -> None:
    client_as("fiona").post(f"/api/sessions/{platform_session.pk}/cancel")
    response = send(
        client_as("bob"), "put", f"/api/sessions/{platform_session.pk}/rsvp", {"answer": "going"}
    )

    assert response.status_code == 422
    assert json_of(response)["message"] == "request: This session is cancelled."
    assert not Rsvp.objects.exists()


def test_open_session_is_seen_and_answered_by_the_organisation_but_not_changed(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    open_session = make_session(cast.platform, title="Open", audience=Audience.ORGANISATION)
    before = stored(open_session)

    assert (
        json_of(client_as("charlie").get(f"/api/sessions/{open_session.pk}"))["can_edit"] is False
    )
    answer = send(
        client_as("charlie"), "put", f"/api/sessions/{open_session.pk}/rsvp", {"answer": "going"}
    )
    assert answer.status_code == 200
    edit = send(client_as("charlie"), "patch", f"/api/sessions/{open_session.pk}", {"title": "x"})
    assert edit.status_code == 403
    assert json_of(edit)["detail"] == "Only members of Platform can do this."
    assert client_as("charlie").post(f"/api/sessions/{open_session.pk}/cancel").status_code == 403
    assert stored(open_session) == before
    # Another organisation is still outside.
    assert client_as("zed").get(f"/api/sessions/{open_session.pk}").status_code == 404


def test_list_defaults_to_the_next_twelve_weeks(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    now = timezone.now()
    soon = make_session(cast.platform, title="Soon", starts_at=now + dt.timedelta(days=3))
    make_session(cast.platform, title="Far", starts_at=now + dt.timedelta(weeks=13))
    make_session(cast.platform, title="Past", starts_at=now - dt.timedelta(days=3))

    body = json_of(client_as("bob").get(f"/api/teams/{cast.platform.pk}/sessions"))

    assert [i["session_id"] for i in body["items"]] == [soon.pk]
