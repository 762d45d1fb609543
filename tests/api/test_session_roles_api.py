"""A session's format roles and its attendance through the API, as the session page
sets them: every caller of the cast, bad input (422 naming the field, nothing changed)
and the effect read back through GET."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.schedule import services
from peerlearn.schedule.models import Attendance, Session, SessionRole
from tests.api.conftest import PRINCIPALS, json_of
from tests.conftest import Cast
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db

READ = {
    "olga": 200,
    "alice": 200,
    "fiona": 200,
    "bob": 200,
    "charlie": 404,
    "zed": 404,
    "anonymous": 401,
    "revoked": 401,
    "expired": 401,
}
FACILITATE = {**READ, "bob": 403}


def put(client: Client, url: str, data: object) -> Any:
    return client.put(url, data=data, content_type="application/json")


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    return {str(e["loc"][-1]): e["msg"] for e in json_of(response)["detail"]}


def refused(response: Any, expected: int) -> None:
    assert response.status_code == expected, response.content[:300]
    body = json_of(response)
    assert isinstance(body["detail"], str)
    assert body["detail"]


def roles_of(session: Session) -> list[tuple[str, int]]:
    rows = SessionRole.objects.filter(session=session).order_by("role", "person_id")
    return list(rows.values_list("role", "person_id"))


def attendance_of(session: Session) -> list[int]:
    return sorted(Attendance.objects.filter(session=session).values_list("person_id", flat=True))


@pytest.fixture
def held_session(cast: Cast) -> Session:
    """A session of Platform that began yesterday, facilitated by fiona."""
    start = (timezone.now() - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    return make_session(cast.platform, by=cast.alice, facilitator=cast.fiona, starts_at=start)


# --- roles --------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_roles_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    response = client_as(principal).get(f"/api/sessions/{platform_session.pk}/roles")

    expected = READ[principal]
    if expected != 200:
        refused(response, expected)
        assert "Presenter" not in response.content.decode()
        return
    body = json_of(response)
    assert body["format"] == "lunch_and_learn"
    assert [(r["key"], r["min_people"], r["max_people"]) for r in body["roles"]] == [
        ("presenter", 1, 1),
        ("attendee", 0, None),
    ]
    assert body["missing"] == ["Needs a presenter"]
    assert body["can_edit"] is (FACILITATE[principal] == 200)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_set_roles_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    before = roles_of(platform_session)
    data = {"roles": {"presenter": [cast.bob.pk], "attendee": [cast.alice.pk, cast.fiona.pk]}}
    response = put(client_as(principal), f"/api/sessions/{platform_session.pk}/roles", data)

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert roles_of(platform_session) == before
        return
    assert response.status_code == 200
    body = json_of(client_as("bob").get(f"/api/sessions/{platform_session.pk}/roles"))
    people = {r["key"]: [p["user_id"] for p in r["people"]] for r in body["roles"]}
    assert people == {"presenter": [cast.bob.pk], "attendee": [cast.alice.pk, cast.fiona.pk]}
    assert body["missing"] == []
    detail = json_of(client_as("bob").get(f"/api/sessions/{platform_session.pk}"))
    assert {(r["role"], r["user_id"]) for r in detail["roles"]} == {
        ("facilitator", cast.fiona.pk),  # the facilitator stays
        ("presenter", cast.bob.pk),
        ("attendee", cast.alice.pk),
        ("attendee", cast.fiona.pk),
    }


def test_set_roles_replaces_every_format_role(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session
) -> None:
    url = f"/api/sessions/{platform_session.pk}/roles"
    put(
        client_as("fiona"),
        url,
        {"roles": {"presenter": [cast.bob.pk], "attendee": [cast.alice.pk]}},
    )

    response = put(client_as("fiona"), url, {"roles": {"presenter": [cast.alice.pk]}})

    assert response.status_code == 200
    assert roles_of(platform_session) == [
        ("facilitator", cast.fiona.pk),  # not a format role of Lunch & Learn: untouched
        ("presenter", cast.alice.pk),
    ]


@pytest.mark.parametrize(
    ("roles", "words"),
    [
        ({"host": ["bob"]}, "Lunch & Learn has no role 'host'"),
        ({"presenter": ["bob", "alice"]}, "Lunch & Learn allows at most 1 presenter"),
        ({"presenter": ["charlie"]}, "Not in Platform: Charlie."),
        ({"presenter": ["zed"]}, "No such person: "),
        ({"presenter": [0]}, "greater than 0"),
        ({"presenter": [2**63]}, "less than or equal"),
        ({"presenter": "bob"}, "valid list"),
        ({"a\x00": []}, "a NUL byte"),
        ([], "valid dictionary"),
    ],
)
def test_set_roles_bad_input_is_422_naming_roles_and_changes_nothing(
    cast: Cast,
    client_as: Callable[[str], Client],
    platform_session: Session,
    roles: Any,
    words: str,
) -> None:
    def ids(value: Any) -> Any:
        if isinstance(value, list):
            return [getattr(cast, v).pk if isinstance(v, str) else v for v in value]
        return getattr(cast, value).pk if isinstance(value, str) and hasattr(cast, value) else value

    data = {"roles": {k: ids(v) for k, v in roles.items()} if isinstance(roles, dict) else roles}
    before = roles_of(platform_session)

    response = put(client_as("fiona"), f"/api/sessions/{platform_session.pk}/roles", data)

    assert response.status_code == 422, response.content
    assert json_of(response)["message"].startswith("roles")
    assert words in json_of(response)["message"]
    assert roles_of(platform_session) == before


# --- attendance ---------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_attendance_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, held_session: Session
) -> None:
    services.attendance_record(session=held_session, attendees=[cast.bob], recorded_by=cast.fiona)

    response = client_as(principal).get(f"/api/sessions/{held_session.pk}/attendance")

    expected = READ[principal]
    if expected != 200:
        refused(response, expected)
        assert "Bob" not in response.content.decode()
        return
    body = json_of(response)
    assert body["started"] is True
    assert [(a["user_id"], a["name"]) for a in body["attendees"]] == [(cast.bob.pk, "Bob")]
    assert body["can_record"] is (FACILITATE[principal] == 200)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_record_attendance_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, held_session: Session
) -> None:
    data = {"attendee_ids": [cast.bob.pk, cast.alice.pk, cast.bob.pk]}
    response = put(client_as(principal), f"/api/sessions/{held_session.pk}/attendance", data)

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert attendance_of(held_session) == []
        assert Session.objects.get(pk=held_session.pk).status == "scheduled"
        return
    assert response.status_code == 200
    body = json_of(client_as("bob").get(f"/api/sessions/{held_session.pk}/attendance"))
    assert sorted(a["user_id"] for a in body["attendees"]) == sorted([cast.bob.pk, cast.alice.pk])
    # Taking attendance closes a scheduled session, as on the page.
    assert json_of(client_as("bob").get(f"/api/sessions/{held_session.pk}"))["status"] == "done"


def test_recording_again_replaces_the_list(
    cast: Cast, client_as: Callable[[str], Client], held_session: Session
) -> None:
    url = f"/api/sessions/{held_session.pk}/attendance"
    put(client_as("fiona"), url, {"attendee_ids": [cast.bob.pk, cast.alice.pk]})

    response = put(client_as("fiona"), url, {"attendee_ids": [cast.fiona.pk]})

    assert [a["user_id"] for a in json_of(response)["attendees"]] == [cast.fiona.pk]
    assert attendance_of(held_session) == [cast.fiona.pk]


def test_someone_who_answered_an_open_session_may_be_recorded(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    start = (timezone.now() - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    session = make_session(cast.platform, starts_at=start, audience="organisation")
    url = f"/api/sessions/{session.pk}/attendance"
    refused_first = put(client_as("fiona"), url, {"attendee_ids": [cast.charlie.pk]})
    assert field_errors(refused_first) == {"attendee_ids": "Not in the team and no RSVP: Charlie."}
    services.rsvp_set(session=session, person=cast.charlie, answer="going")

    response = put(client_as("fiona"), url, {"attendee_ids": [cast.charlie.pk]})

    assert response.status_code == 200, response.content
    assert attendance_of(session) == [cast.charlie.pk]
    # charlie sees the session (open to the organisation) but may not take attendance.
    assert put(client_as("charlie"), url, {"attendee_ids": []}).status_code == 403


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"attendee_ids": ["zed"]}, "attendee_ids", "No such person: "),
        ({"attendee_ids": [-1]}, "attendee_ids", "greater than 0"),
        ({"attendee_ids": "bob"}, "attendee_ids", "valid list"),
        ({"attendee_ids": list(range(1, 1002))}, "attendee_ids", "at most 1000"),
        ({}, "attendee_ids", "required"),
    ],
)
def test_record_attendance_bad_input_is_422_naming_the_field(
    cast: Cast,
    client_as: Callable[[str], Client],
    held_session: Session,
    data: dict[str, Any],
    field: str,
    words: str,
) -> None:
    if data.get("attendee_ids") == ["zed"]:
        data = {"attendee_ids": [cast.zed.pk]}
    response = put(client_as("fiona"), f"/api/sessions/{held_session.pk}/attendance", data)

    assert response.status_code == 422, response.content
    message = json_of(response)["message"]
    assert message.startswith(field)
    assert words in message
    assert attendance_of(held_session) == []
    assert Session.objects.get(pk=held_session.pk).status == "scheduled"


def test_attendance_waits_for_the_start_and_a_cancelled_session_has_none(
    cast: Cast, client_as: Callable[[str], Client], platform_session: Session, held_session: Session
) -> None:
    future = put(
        client_as("fiona"),
        f"/api/sessions/{platform_session.pk}/attendance",
        {"attendee_ids": [cast.bob.pk]},
    )
    assert json_of(future)["message"] == (
        "request: Attendance is taken once the session has started."
    )
    assert json_of(client_as("bob").get(f"/api/sessions/{platform_session.pk}/attendance")) == {
        "session_id": platform_session.pk,
        "started": False,
        "attendees": [],
        "can_record": False,
    }
    client_as("fiona").post(f"/api/sessions/{held_session.pk}/cancel")
    cancelled = put(
        client_as("fiona"),
        f"/api/sessions/{held_session.pk}/attendance",
        {"attendee_ids": [cast.bob.pk]},
    )
    assert json_of(cancelled)["message"] == "request: A cancelled session has no attendance."
    assert attendance_of(platform_session) == attendance_of(held_session) == []
