"""Look-alike gaps through the API: the gaps most like one being written, and the pairs
to review — the team's own open and planned gaps only, scored as the pages score them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerlearn.gaps import services
from peerlearn.gaps.models import Gap
from tests.api.conftest import json_of
from tests.conftest import Cast
from tests.gaps.conftest import make_gap

pytestmark = pytest.mark.django_db


def similar(client: Client, team_id: int | str, **query: Any) -> Any:
    return client.get(f"/api/teams/{team_id}/gaps/similar", query)


@pytest.fixture
def alike(cast: Cast) -> tuple[int, int]:
    first = make_gap(cast.platform, by=cast.bob, title="Kubernetes pod autoscaling basics")
    second = make_gap(cast.platform, by=cast.bob, title="Basics of Kubernetes pod autoscaling")
    make_gap(cast.platform, by=cast.bob, title="Writing release notes")
    services.gap_vote(gap=first, voter=cast.alice, vote=True)
    return first.pk, second.pk


def test_similar_gaps_are_scored_best_first(
    cast: Cast, client_as: Callable[[str], Client], alike: tuple[int, int]
) -> None:
    response = similar(client_as("bob"), cast.platform.pk, title="kubernetes pod autoscaling")

    assert response.status_code == 200
    found = json_of(response)
    assert {gap["id"] for gap in found} == set(alike)
    assert found[0]["score"] >= found[1]["score"] >= 0.35
    first = next(gap for gap in found if gap["id"] == alike[0])
    assert (first["title"], first["votes"], first["status"], first["url"]) == (
        "Kubernetes pod autoscaling basics",
        1,
        "open",
        f"/gaps/{alike[0]}/",
    )


def test_the_description_counts_and_exclude_and_limit_apply(
    cast: Cast, client_as: Callable[[str], Client], alike: tuple[int, int]
) -> None:
    client = client_as("bob")

    by_description = json_of(similar(client, cast.platform.pk, description="release notes"))
    excluded = json_of(
        similar(client, cast.platform.pk, title="kubernetes autoscaling", exclude=alike[0])
    )
    limited = json_of(similar(client, cast.platform.pk, title="kubernetes autoscaling", limit=1))

    assert [gap["title"] for gap in by_description] == ["Writing release notes"]
    assert [gap["id"] for gap in excluded] == [alike[1]]
    assert len(limited) == 1


def test_closed_merged_and_other_teams_gaps_are_never_similar(
    cast: Cast, client_as: Callable[[str], Client], alike: tuple[int, int]
) -> None:
    make_gap(cast.mobile, by=cast.charlie, title="Kubernetes pod autoscaling basics")
    dropped = make_gap(cast.platform, by=cast.bob, title="Kubernetes pod autoscaling again")
    services.gap_set_status(gap=dropped, actor=cast.alice, status="dropped", reason="Old")
    first, second = (Gap.objects.get(pk=pk) for pk in alike)
    services.gap_merge(duplicate=second, into=first, actor=cast.alice)

    found = json_of(similar(client_as("bob"), cast.platform.pk, title="kubernetes autoscaling"))

    assert [gap["id"] for gap in found] == [first.pk]


def test_a_short_title_finds_nothing(
    cast: Cast, client_as: Callable[[str], Client], alike: tuple[int, int]
) -> None:
    assert json_of(similar(client_as("bob"), cast.platform.pk, title="ku")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "two\nlines"}, "title"),
        ({"title": "bidi \u202e trick"}, "title"),
        ({"description": "y" * 2001}, "description"),
        ({"limit": "0"}, "limit"),
        ({"limit": "21"}, "limit"),
        ({"exclude": "9223372036854775808"}, "exclude"),
    ],
)
def test_bad_queries_are_a_422_naming_the_field(
    cast: Cast, client_as: Callable[[str], Client], query: dict[str, str], field: str
) -> None:
    response = similar(client_as("bob"), cast.platform.pk, **query)

    assert response.status_code == 422
    assert json_of(response)["message"].startswith(f"{field}: ")


def test_duplicate_pairs_name_the_gap_to_keep(
    cast: Cast, client_as: Callable[[str], Client], alike: tuple[int, int]
) -> None:
    response = client_as("fiona").get(f"/api/teams/{cast.platform.pk}/gaps/duplicates")

    assert response.status_code == 200
    body = json_of(response)
    assert (body["count"], body["page"]) == (1, 1)
    [pair] = body["items"]
    assert (pair["older"]["id"], pair["newer"]["id"]) == alike
    assert pair["older"]["votes"] == 1
    assert 0.5 <= pair["score"] <= 1


def test_no_pairs_when_nothing_looks_alike(cast: Cast, client_as: Callable[[str], Client]) -> None:
    make_gap(cast.platform, by=cast.bob, title="Writing release notes")
    make_gap(cast.platform, by=cast.bob, title="Kubernetes pod autoscaling basics")

    body = json_of(client_as("alice").get(f"/api/teams/{cast.platform.pk}/gaps/duplicates"))

    assert (body["items"], body["count"]) == ([], 0)
