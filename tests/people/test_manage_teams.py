from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from peerlearn.people.models import Team
from peerlearn.people.services import membership_set, person_create, team_create
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def test_manage_lists_the_organisations_teams_with_member_counts(cast: Cast) -> None:
    response = client_for(cast.olga).get(reverse("people:manage_teams"))
    body = response.content.decode()
    assert "Platform" in body
    assert "Mobile" in body
    assert "Foreign" not in body
    assert "<td>3</td>" in body  # Platform: alice, bob, fiona
    assert "<td>1</td>" in body  # Mobile: charlie


def test_manage_root_leads_to_the_teams(cast: Cast) -> None:
    response = client_for(cast.olga).get(reverse("people:manage"))
    assert response["Location"] == reverse("people:manage_teams")


def test_create_team(cast: Cast) -> None:
    response = client_for(cast.olga).post(
        reverse("people:team_new"),
        {"name": "Data Science", "description": "Models & pipelines"},
        follow=True,
    )
    team = Team.objects.get(organisation=cast.org, name="Data Science")
    assert team.slug == "data-science"
    assert team.description == "Models & pipelines"
    assert response.redirect_chain[-1][0] == reverse("people:team_members", args=[team.pk])
    assert "Team Data Science is created." in response.content.decode()


def test_create_team_refuses_a_name_in_use(cast: Cast) -> None:
    response = client_for(cast.olga).post(reverse("people:team_new"), {"name": "platform"})
    body = response.content.decode()
    assert "A team called “platform” exists already." in body
    assert 'id="id_name_error"' in body
    assert Team.objects.filter(organisation=cast.org).count() == 2


def test_create_team_allows_a_name_used_by_another_organisation(cast: Cast) -> None:
    client_for(cast.olga).post(reverse("people:team_new"), {"name": "Foreign"})
    assert Team.objects.filter(organisation=cast.org, name="Foreign").exists()


def test_create_team_needs_a_name(cast: Cast) -> None:
    response = client_for(cast.olga).post(reverse("people:team_new"), {"name": ""})
    assert "This field is required." in response.content.decode()
    response = client_for(cast.olga).post(reverse("people:team_new"), {"name": "!!!"})
    assert "The name needs at least one letter or digit." in response.content.decode()


def test_edit_team_keeps_its_short_name(cast: Cast) -> None:
    url = reverse("people:team_edit", args=[cast.platform.pk])
    assert "Platform" in client_for(cast.olga).get(url).content.decode()
    client_for(cast.olga).post(url, {"name": "Platform Engineering", "description": "Infra"})
    cast.platform.refresh_from_db()
    assert cast.platform.name == "Platform Engineering"
    assert cast.platform.description == "Infra"
    assert cast.platform.slug == "platform"


def test_lead_may_edit_their_team(cast: Cast) -> None:
    url = reverse("people:team_edit", args=[cast.platform.pk])
    client_for(cast.alice).post(url, {"name": "Platform", "description": "by the lead"})
    cast.platform.refresh_from_db()
    assert cast.platform.description == "by the lead"


def test_edit_team_refuses_another_teams_name(cast: Cast) -> None:
    url = reverse("people:team_edit", args=[cast.platform.pk])
    response = client_for(cast.olga).post(url, {"name": "MOBILE", "description": ""})
    assert "exists already" in response.content.decode()
    cast.platform.refresh_from_db()
    assert cast.platform.name == "Platform"


@pytest.mark.parametrize("extra_teams", [0, 20])
def test_manage_teams_queries_are_constant_in_team_count(
    cast: Cast, extra_teams: int, django_assert_num_queries: Any
) -> None:
    for number in range(extra_teams):
        team = team_create(organisation=cast.org, name=f"Team {number}")
        person = person_create(
            organisation=cast.org, username=f"t{number}", email=f"t{number}@example.com"
        )
        membership_set(team=team, person=person)
    client = client_for(cast.olga)
    client.get(reverse("people:manage_teams"))
    with django_assert_num_queries(4):  # session, person, organisation, teams with counts
        response = client.get(reverse("people:manage_teams"))
    assert response.content.decode().count("Members<span") == 2 + extra_teams
