"""Query counts stay constant in the number of rows (N+1 pins)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from peerlearn.people.roles import Role
from peerlearn.people.services import membership_set, person_create, team_create
from tests.api.conftest import bearer_client, json_of, token_for
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _team_of(cast: Cast, size: int) -> tuple[int, Client]:
    team = team_create(organisation=cast.org, name=f"Team of {size}")
    membership_set(team=team, person=cast.alice, role=Role.LEAD)
    for number in range(size - 1):
        person = person_create(
            organisation=cast.org, username=f"p{number}", email=f"p{number}@example.com"
        )
        membership_set(team=team, person=person)
    client = bearer_client(token_for(cast.alice))
    client.get("/api/me")  # records the token's use, so the measured request writes nothing
    return team.pk, client


# token with user and organisation, team with alice's role (access check), count, the page
MEMBERS_QUERIES = 4


@pytest.mark.parametrize("size", [1, 60])
def test_member_list_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    team_id, client = _team_of(cast, size)

    with django_assert_num_queries(MEMBERS_QUERIES):
        response = client.get(f"/api/teams/{team_id}/members")

    body = json_of(response)
    assert body["count"] == size
    assert len(body["items"]) == min(size, 50)


# token with user and organisation, count, the page (role and member count are subqueries)
TEAMS_QUERIES = 3


@pytest.mark.parametrize("extra_teams", [0, 30])
def test_team_list_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, extra_teams: int
) -> None:
    for number in range(extra_teams):
        team = team_create(organisation=cast.org, name=f"Extra {number:02}")
        membership_set(team=team, person=cast.bob)
    client = bearer_client(token_for(cast.bob))
    client.get("/api/me")

    with django_assert_num_queries(TEAMS_QUERIES):
        response = client.get("/api/teams")

    assert json_of(response)["count"] == 1 + extra_teams


# token with user and organisation, team with alice's role (access check), the ranked gaps
# (votes and offers are subqueries), the people who raised them (one query for all)
GAPS_QUERIES = 4


@pytest.mark.parametrize("size", [1, 60])
def test_gap_list_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    from peerlearn.gaps import services as gap_services

    raisers = [cast.alice, cast.bob, cast.fiona]
    for number in range(size):
        gap = gap_services.gap_create(
            team=cast.platform, raised_by=raisers[number % 3], title=f"Gap {number}"
        )
        gap_services.gap_vote(gap=gap, voter=cast.bob, vote=True)
        gap_services.offer_create(team=cast.platform, person=cast.fiona, gap=gap)
    client = bearer_client(token_for(cast.alice))
    client.get("/api/me")

    with django_assert_num_queries(GAPS_QUERIES):
        response = client.get(f"/api/teams/{cast.platform.pk}/gaps")

    body = json_of(response)
    assert body["count"] == size
    assert len(body["items"]) == min(size, 50)
    assert {item["raised_by"]["name"] for item in body["items"]} <= {"Alice", "Bob", "Fiona"}
    assert all(item["offers"] == 1 and item["votes"] == 1 for item in body["items"])


@pytest.mark.parametrize("size", [1, 20])
def test_gap_detail_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    """History, offers, sessions and merged duplicates are one query each, however many."""
    from peerlearn.gaps import services as gap_services
    from tests.schedule.conftest import make_session

    gap = gap_services.gap_create(team=cast.platform, raised_by=cast.bob, title="Deploys")
    for person in (cast.alice, cast.bob, cast.fiona, cast.olga):
        gap_services.offer_create(team=cast.platform, person=person, gap=gap)
    for number in range(size):
        duplicate = gap_services.gap_create(
            team=cast.platform, raised_by=cast.fiona, title=f"Dup {number}"
        )
        gap_services.gap_merge(duplicate=duplicate, into=gap, actor=cast.alice)
        session = make_session(cast.platform, by=cast.alice, title=f"Session {number}")
        gap_services.gap_link_session(gap=gap, session=session, actor=cast.fiona)
    client = bearer_client(token_for(cast.alice))
    client.get("/api/me")

    # token, the gap with its team and role, the gap again with its raiser, then the page:
    # offers, history, sessions, merged duplicates, your vote
    with django_assert_num_queries(8):
        response = client.get(f"/api/gaps/{gap.pk}")

    body = json_of(response)
    assert len(body["merged_from"]) == len(body["sessions"]) == size
    assert len(body["teaching_offers"]) == 4
    assert len(body["history"]) >= 2 * size


def _look_alike_gaps(cast: Cast, pairs: int) -> None:
    from peerlearn.gaps import services as gap_services

    for number in range(pairs):
        for wording in ("How service {n} deploys work", "How deploys of service {n} work"):
            gap = gap_services.gap_create(
                team=cast.platform, raised_by=cast.bob, title=wording.format(n=number)
            )
            gap_services.gap_vote(gap=gap, voter=cast.fiona, vote=True)


# token with user and organisation, team with the role (access check), the team's open
# gaps' texts (the similarity index), the gaps found (one query for all)
SIMILAR_QUERIES = 4


@pytest.mark.parametrize("pairs", [1, 30])
def test_similar_gap_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, pairs: int
) -> None:
    _look_alike_gaps(cast, pairs)
    client = bearer_client(token_for(cast.bob))
    client.get("/api/me")

    with django_assert_num_queries(SIMILAR_QUERIES):
        response = client.get(
            f"/api/teams/{cast.platform.pk}/gaps/similar?title=service+0+deploys&limit=20"
        )

    found = json_of(response)
    assert found[0]["title"] in {"How service 0 deploys work", "How deploys of service 0 work"}
    assert all(gap["votes"] == 1 for gap in found)


# the same as similar: every pair's gaps are read in one query
DUPLICATES_QUERIES = 4


@pytest.mark.parametrize("pairs", [1, 30])
def test_duplicate_pair_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, pairs: int
) -> None:
    _look_alike_gaps(cast, pairs)
    client = bearer_client(token_for(cast.fiona))
    client.get("/api/me")

    with django_assert_num_queries(DUPLICATES_QUERIES):
        response = client.get(f"/api/teams/{cast.platform.pk}/gaps/duplicates")

    body = json_of(response)
    assert body["count"] >= pairs
    assert all(pair["older"]["votes"] == pair["newer"]["votes"] == 1 for pair in body["items"])
