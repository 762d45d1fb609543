"""Member writes beyond the matrix: adding people, bad input, people out of reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.people.models import Membership
from tests.api.conftest import json_of
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def put(client: Client, url: str, data: object) -> object:
    return client.put(url, data=data, content_type="application/json")


def test_lead_adds_a_person_of_the_organisation(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.charlie.pk}"
    response = client_as("alice").put(url, data={"role": "member"}, content_type="application/json")

    assert response.status_code == 200
    assert json_of(response)["joined_on"] == timezone.localdate().isoformat()
    membership = Membership.objects.get(team=cast.platform, user=cast.charlie)
    assert membership.role == "member"


def test_role_change_keeps_joining_date_when_omitted(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}"
    response = client_as("olga").put(url, data={"role": "lead"}, content_type="application/json")

    assert response.status_code == 200
    membership = Membership.objects.get(team=cast.platform, user=cast.bob)
    assert (membership.role, membership.joined_on) == ("lead", dt.date(2025, 1, 6))


def test_person_of_another_organisation_is_404(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.zed.pk}"
    response = client_as("alice").put(url, data={"role": "member"}, content_type="application/json")

    assert response.status_code == 404
    assert json_of(response)["detail"] == "No such person."
    assert not Membership.objects.filter(team=cast.platform, user=cast.zed).exists()


def test_unknown_person_is_404(cast: Cast, client_as: Callable[[str], Client]) -> None:
    before = list(Membership.objects.filter(team=cast.platform).values_list("user_id", "role"))
    url = f"/api/teams/{cast.platform.pk}/members/999999"
    response = client_as("alice").put(url, data={"role": "member"}, content_type="application/json")
    assert response.status_code == 404
    assert json_of(response)["detail"] == "No such person."
    after = list(Membership.objects.filter(team=cast.platform).values_list("user_id", "role"))
    assert after == before


def test_removing_a_non_member_is_404(cast: Cast, client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").delete(f"/api/teams/{cast.platform.pk}/members/{cast.charlie.pk}")
    assert response.status_code == 404
    assert json_of(response)["detail"] == "No such member."
    assert Membership.objects.filter(user=cast.charlie).count() == 1


def test_org_admin_cannot_reach_another_organisations_team(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    team_url = f"/api/teams/{cast.foreign_team.pk}"
    assert client_as("olga").get(team_url).status_code == 404
    assert client_as("olga").delete(f"{team_url}/members/{cast.zed.pk}").status_code == 404
    assert Membership.objects.filter(team=cast.foreign_team, user=cast.zed).exists()


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"role": "owner"}, "role", "'member', 'facilitator' or 'lead'"),
        ({}, "role", "required"),
        ({"role": "member", "joined_on": "last tuesday"}, "joined_on", "date"),
    ],
)
def test_invalid_body_is_422_naming_the_field(
    cast: Cast,
    client_as: Callable[[str], Client],
    payload: dict[str, str],
    field: str,
    words: str,
) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}"
    response = client_as("alice").put(url, data=payload, content_type="application/json")

    assert response.status_code == 422
    body = json_of(response)
    assert body["message"].startswith(f"{field}: ")
    assert words in body["message"]
    assert body["detail"][0]["loc"][-1] == field
    assert Membership.objects.get(team=cast.platform, user=cast.bob).role == "member"


def test_malformed_json_is_an_error_not_a_crash(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}"
    response = client_as("alice").put(url, data="{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert Membership.objects.get(team=cast.platform, user=cast.bob).role == "member"


def test_non_numeric_team_id_is_422(cast: Cast, client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").get("/api/teams/platform")
    assert response.status_code == 422
    assert json_of(response)["message"].startswith("team_id: ")
