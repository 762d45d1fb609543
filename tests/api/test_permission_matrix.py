"""Every endpoint by every principal: status, body, and for refused writes, unchanged state.

Platform: alice lead, fiona facilitator, bob member. charlie is in Mobile only, olga is
the organisation's admin (in no team), zed belongs to another organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from peerlearn.knowledge.models import Repository
from peerlearn.people.models import Membership
from peerlearn.schedule.models import Rsvp, Series, Session
from tests.api.conftest import PRINCIPALS, json_of
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

JOINED = dt.date(2025, 1, 6)

# Who gets what on Platform's team, member and write endpoints.
READ_PLATFORM = {
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
WRITE_PLATFORM = {**READ_PLATFORM, "fiona": 403, "bob": 403}

TEAMS_SEEN = {
    "olga": ["Mobile", "Platform"],
    "alice": ["Platform"],
    "fiona": ["Platform"],
    "bob": ["Platform"],
    "charlie": ["Mobile"],
    "zed": ["Foreign"],
}
MY_ROLE_IN_PLATFORM = {"olga": None, "alice": "lead", "fiona": "facilitator", "bob": "member"}


def assert_refusal(response: object, expected: int) -> None:
    body = json_of(response)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]


def bob_in_platform(cast: Cast) -> tuple[str, dt.date] | None:
    row = (
        Membership.objects.filter(team=cast.platform, user=cast.bob)
        .values_list("role", "joined_on")
        .first()
    )
    return None if row is None else (row[0], row[1])


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_me(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).get("/api/me")

    if principal in TEAMS_SEEN:
        assert response.status_code == 200
        body = json_of(response)
        person = getattr(cast, principal)
        assert body["username"] == principal
        assert body["id"] == person.pk
        assert body["email"] == f"{principal}@example.com"
        assert body["is_org_admin"] is (principal == "olga")
        expected_org = "Other Co" if principal == "zed" else "Example Co"
        assert body["organisation"]["name"] == expected_org
    else:
        assert response.status_code == 401
        assert_refusal(response, 401)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_teams(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).get("/api/teams")

    if principal in TEAMS_SEEN:
        assert response.status_code == 200
        body = json_of(response)
        assert [team["name"] for team in body["items"]] == TEAMS_SEEN[principal]
        assert body["count"] == len(TEAMS_SEEN[principal])
        by_name = {team["name"]: team for team in body["items"]}
        if "Platform" in by_name:
            assert by_name["Platform"]["member_count"] == 3
            assert by_name["Platform"]["my_role"] == MY_ROLE_IN_PLATFORM[principal]
    else:
        assert response.status_code == 401
        assert_refusal(response, 401)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_team(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).get(f"/api/teams/{cast.platform.pk}")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["id"] == cast.platform.pk
        assert body["name"] == "Platform"
        assert body["member_count"] == 3
        assert body["my_role"] == MY_ROLE_IN_PLATFORM[principal]
    else:
        assert_refusal(response, expected)
        assert "Platform" not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_members(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).get(f"/api/teams/{cast.platform.pk}/members")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["count"] == 3
        members = {m["username"]: m for m in body["items"]}
        assert sorted(members) == ["alice", "bob", "fiona"]
        assert members["fiona"]["role"] == "facilitator"
        assert members["bob"]["joined_on"] == JOINED.isoformat()
        assert members["bob"]["user_id"] == cast.bob.pk
        assert "email" not in members["bob"]  # least privilege, as on the team page
    else:
        assert_refusal(response, expected)
        assert "alice" not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_set_member(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).put(
        f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}",
        data={"role": "facilitator", "joined_on": "2024-03-01"},
        content_type="application/json",
    )

    expected = WRITE_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["username"] == "bob"
        assert body["role"] == "facilitator"
        assert body["joined_on"] == "2024-03-01"
        assert bob_in_platform(cast) == ("facilitator", dt.date(2024, 3, 1))
    else:
        assert_refusal(response, expected)
        assert bob_in_platform(cast) == ("member", JOINED)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_remove_member(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).delete(f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}")

    expected = 204 if WRITE_PLATFORM[principal] == 200 else WRITE_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 204:
        assert response.content == b""
        assert bob_in_platform(cast) is None
    else:
        assert_refusal(response, expected)
        assert bob_in_platform(cast) == ("member", JOINED)
    assert Membership.objects.filter(team=cast.platform).count() == (2 if expected == 204 else 3)


# The audit log: organisation admins only (their organisation's entries); leads refused.
AUDIT_LOG = {
    "olga": 200,
    "alice": 403,
    "fiona": 403,
    "bob": 403,
    "charlie": 403,
    "zed": 403,
    "anonymous": 401,
    "revoked": 401,
    "expired": 401,
}


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_audit_events(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).get("/api/audit-events")

    expected = AUDIT_LOG[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["count"] >= 1  # olga's own admin rights, granted when she was made
        assert {item["organisation_id"] for item in body["items"]} == {cast.org.pk}
    else:
        assert_refusal(response, expected)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_skipped_items(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).get("/api/skipped-items")

    expected = AUDIT_LOG[principal]  # the same readers as the audit log
    assert response.status_code == expected
    if expected != 200:
        assert_refusal(response, expected)


# Sessions, series and repositories of Platform: any member reads (and RSVPs), facilitators,
# leads and organisation admins plan (docs/sessions.md, "Who may do what").
FACILITATE_PLATFORM = {**READ_PLATFORM, "bob": 403}
NEW_SESSION = {
    "title": "Tracing, hands on",
    "format": "lunch_and_learn",
    "starts_at": "2030-04-03T12:00:00+02:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 45,
}
NEW_SERIES = {
    "title": "Monthly deep dive",
    "format": "deep_dive",
    "frequency": "monthly",
    "weekday": 3,
    "week_of_month": 1,
    "starts_on": "2030-04-01",
    "start_time": "14:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 90,
}


def session_state(session: Session) -> tuple[str, str, int]:
    session.refresh_from_db()
    return session.title, session.status, session.sequence


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_sessions(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    url = f"/api/teams/{cast.platform.pk}/sessions?from=2030-03-01&to=2030-03-31"
    response = client_as(principal).get(url)

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert [item["session_id"] for item in body["items"]] == [platform_session.pk]
        assert body["items"][0]["facilitators"] == ["Fiona"]
    else:
        assert_refusal(response, expected)
        assert "Intro to tracing" not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_session(
    client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    response = client_as(principal).get(f"/api/sessions/{platform_session.pk}")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["title"] == "Intro to tracing"
        assert body["can_edit"] is (FACILITATE_PLATFORM[principal] == 200)
    else:
        assert_refusal(response, expected)
        assert "Intro to tracing" not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_create_session(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).post(
        f"/api/teams/{cast.platform.pk}/sessions", data=NEW_SESSION, content_type="application/json"
    )

    expected = 201 if FACILITATE_PLATFORM[principal] == 200 else FACILITATE_PLATFORM[principal]
    assert response.status_code == expected
    titles = list(Session.objects.filter(team=cast.platform).values_list("title", flat=True))
    if expected == 201:
        assert json_of(response)["title"] == NEW_SESSION["title"]
        assert titles == [NEW_SESSION["title"]]
    else:
        assert_refusal(response, expected)
        assert titles == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_edit_session(
    client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    before = session_state(platform_session)
    response = client_as(principal).patch(
        f"/api/sessions/{platform_session.pk}",
        data={"title": "Tracing, revisited"},
        content_type="application/json",
    )

    expected = FACILITATE_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        assert json_of(response)["title"] == "Tracing, revisited"
        assert session_state(platform_session) == ("Tracing, revisited", "scheduled", before[2] + 1)
    else:
        assert_refusal(response, expected)
        assert session_state(platform_session) == before


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_cancel_session(
    client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    before = session_state(platform_session)
    response = client_as(principal).post(f"/api/sessions/{platform_session.pk}/cancel")

    expected = FACILITATE_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        assert json_of(response)["status"] == "cancelled"
        assert session_state(platform_session)[1] == "cancelled"
    else:
        assert_refusal(response, expected)
        assert session_state(platform_session) == before


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_rsvp_session(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_session: Session
) -> None:
    response = client_as(principal).put(
        f"/api/sessions/{platform_session.pk}/rsvp",
        data={"answer": "going"},
        content_type="application/json",
    )

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    answers = list(Rsvp.objects.filter(session=platform_session).values_list("person", "answer"))
    if expected == 200:
        assert json_of(response)["answer"] == "going"
        assert answers == [(getattr(cast, principal).pk, "going")]
    else:
        assert_refusal(response, expected)
        assert answers == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_series(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = client_as(principal).get(f"/api/teams/{cast.platform.pk}/series")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert [item["id"] for item in body["items"]] == [platform_series.pk]
        assert body["items"][0]["describe"] == "every Wednesday at 12:00 (Europe/Berlin)"
    else:
        assert_refusal(response, expected)
        assert "Weekly learning" not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_series(
    client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = client_as(principal).get(f"/api/series/{platform_series.pk}")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["title"] == "Weekly learning"
        assert body["facilitator"]["name"] == "Fiona"
        assert body["can_edit"] is (FACILITATE_PLATFORM[principal] == 200)
    else:
        assert_refusal(response, expected)
        assert "Weekly learning" not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_create_series(cast: Cast, client_as: Callable[[str], Client], principal: str) -> None:
    response = client_as(principal).post(
        f"/api/teams/{cast.platform.pk}/series", data=NEW_SERIES, content_type="application/json"
    )

    expected = 201 if FACILITATE_PLATFORM[principal] == 200 else FACILITATE_PLATFORM[principal]
    assert response.status_code == expected
    titles = list(Series.objects.filter(team=cast.platform).values_list("title", flat=True))
    if expected == 201:
        assert json_of(response)["describe"].startswith("the 1st Thursday")
        assert titles == [NEW_SERIES["title"]]
    else:
        assert_refusal(response, expected)
        assert titles == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_cancel_series(
    client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = client_as(principal).post(f"/api/series/{platform_series.pk}/cancel")

    expected = FACILITATE_PLATFORM[principal]
    assert response.status_code == expected
    platform_series.refresh_from_db()
    if expected == 200:
        assert json_of(response)["cancelled_at"] is not None
        assert platform_series.cancelled_at is not None
    else:
        assert_refusal(response, expected)
        assert platform_series.cancelled_at is None


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_skip_series_date(
    client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = client_as(principal).post(
        f"/api/series/{platform_series.pk}/skips",
        data={"on": "2030-03-13", "reason": "Offsite"},
        content_type="application/json",
    )

    expected = 201 if FACILITATE_PLATFORM[principal] == 200 else FACILITATE_PLATFORM[principal]
    assert response.status_code == expected
    skips = list(platform_series.skips.values_list("on", "reason"))
    if expected == 201:
        assert json_of(response)["on"] == "2030-03-13"
        assert skips == [(dt.date(2030, 3, 13), "Offsite")]
    else:
        assert_refusal(response, expected)
        assert skips == []


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_list_repositories(
    cast: Cast,
    client_as: Callable[[str], Client],
    principal: str,
    platform_repository: Repository,
) -> None:
    response = client_as(principal).get(f"/api/teams/{cast.platform.pk}/repositories")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert [item["name"] for item in body["items"]] == ["app"]
        assert body["items"][0]["last_status"] == "done"
    else:
        assert_refusal(response, expected)
        assert platform_repository.location not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_get_repository(
    client_as: Callable[[str], Client], principal: str, platform_repository: Repository
) -> None:
    response = client_as(principal).get(f"/api/repositories/{platform_repository.pk}")

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    if expected == 200:
        body = json_of(response)
        assert body["name"] == "app"
        assert body["map"]["truck_factor"]["value"] >= 1
        assert body["can_facilitate"] is (FACILITATE_PLATFORM[principal] == 200)
    else:
        assert_refusal(response, expected)
        assert platform_repository.location not in response.content.decode()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_rsvp_series_date(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = client_as(principal).put(
        f"/api/series/{platform_series.pk}/occurrences/20300313T110000Z/rsvp",
        data={"answer": "maybe"},
        content_type="application/json",
    )

    expected = READ_PLATFORM[principal]
    assert response.status_code == expected
    answers = list(Rsvp.objects.values_list("session__series", "person", "answer"))
    if expected == 200:
        assert json_of(response)["answer"] == "maybe"
        assert answers == [(platform_series.pk, getattr(cast, principal).pk, "maybe")]
    else:
        assert_refusal(response, expected)
        assert answers == []
        assert not Session.objects.exists()  # no row made for the date either
