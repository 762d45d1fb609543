"""Every endpoint by every principal: status, body, and for refused writes, unchanged state.

Platform: alice lead, fiona facilitator, bob member. charlie is in Mobile only, olga is
the organisation's admin (in no team), zed belongs to another organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from peerlearn.people.models import Membership
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
