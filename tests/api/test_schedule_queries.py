"""Query counts of the session and series lists stay constant in the number of rows."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from peerlearn.schedule.series_services import occurrence_rsvp_set
from tests.api.conftest import bearer_client, json_of, token_for
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_series, make_session

pytestmark = pytest.mark.django_db


def _client(cast: Cast) -> Client:
    client = bearer_client(token_for(cast.bob))
    client.get("/api/me")  # records the token's use, so the measured request writes nothing
    return client


# token with user and organisation, team with bob's role, then slots_for_teams: series,
# their skips, their rows, the rows' roles, single sessions, their roles
SESSIONS_QUERIES = 8


@pytest.mark.parametrize("size", [1, 12])
def test_session_list_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    for number in range(size):
        make_session(cast.platform, title=f"S{number}", facilitator=cast.fiona,
                     starts_at=berlin(2030, 3, 1 + number))  # fmt: skip
        series = make_series(cast.platform, title=f"R{number}", facilitator=cast.fiona)
        occurrence_rsvp_set(
            series=series, original_start=berlin(2030, 3, 6), person=cast.bob, answer="going"
        )
    client = _client(cast)

    with django_assert_num_queries(SESSIONS_QUERIES):
        response = client.get(
            f"/api/teams/{cast.platform.pk}/sessions?from=2030-03-01&to=2030-03-31"
        )

    assert json_of(response)["count"] == size + size * 4  # each series meets 4 Wednesdays in March


# token with user and organisation, team with bob's role, count, the page (people joined)
SERIES_QUERIES = 4


@pytest.mark.parametrize("size", [1, 12])
def test_series_list_queries_are_constant(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    for number in range(size):
        make_series(cast.platform, title=f"R{number:02}", facilitator=cast.fiona)
    client = _client(cast)

    with django_assert_num_queries(SERIES_QUERIES):
        response = client.get(f"/api/teams/{cast.platform.pk}/series")

    assert json_of(response)["count"] == size
