"""Repositories through the API beyond the matrix: the map overview the repository page
shows, git's error text only for those who can change the repository (writes:
test_repository_writes_api.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.knowledge.models import Analysis, AnalysisStatus, Repository
from tests.api.conftest import json_of
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

GIT_ERROR = "fatal: unable to access 'https://10.0.0.5:8443/app.git/': Connection refused"


def fail_next_run(repository: Repository) -> Analysis:
    """A newer run that failed, as the worker records one (the last good map stays)."""
    return Analysis.objects.create(
        repository=repository,
        status=AnalysisStatus.FAILED,
        error=GIT_ERROR,
        created_at=timezone.now(),
        finished_at=timezone.now(),
    )


def test_detail_shows_the_map_overview(
    cast: Cast, client_as: Callable[[str], Client], platform_repository: Repository
) -> None:
    body = json_of(client_as("bob").get(f"/api/repositories/{platform_repository.pk}"))

    assert (body["last_status"], body["last_error"]) == ("done", None)
    assert [run["status"] for run in body["analyses"]] == ["done"]
    overview = body["map"]
    assert overview["files_analysed"] == body["files_analysed"] > 0
    assert overview["truck_factor"]["value"] == body["truck_factor"]
    names = {person["key"]: person for person in overview["people"]}
    # Git identities matched to accounts by e-mail; carol has no account.
    assert names["alice@example.com"]["name"] == "Alice"
    assert names["alice@example.com"]["matched"] is True
    assert names["carol@example.com"]["name"] == "Carol Danvers"
    assert names["carol@example.com"]["matched"] is False
    assert overview["people_total"] == len(overview["people"])
    island_paths = {island["path"]: island for island in overview["islands"]}
    assert island_paths["src/billing"]["name"] == "Alice"
    assert island_paths["src/billing"]["kind"] == "directory"
    assert overview["islands_total"] == len(overview["islands"])
    assert len(overview["tip"]) == 40


def test_git_error_is_shown_only_to_those_who_can_change_the_repository(
    cast: Cast, client_as: Callable[[str], Client], platform_repository: Repository
) -> None:
    fail_next_run(platform_repository)
    detail = f"/api/repositories/{platform_repository.pk}"
    listing = f"/api/teams/{cast.platform.pk}/repositories"

    for principal in ("fiona", "alice", "olga"):
        body = json_of(client_as(principal).get(detail))
        assert (body["last_status"], body["last_error"]) == ("failed", GIT_ERROR)
        assert json_of(client_as(principal).get(listing))["items"][0]["last_error"] == GIT_ERROR
    member = client_as("bob").get(detail)
    assert "10.0.0.5" not in member.content.decode()
    assert "10.0.0.5" not in client_as("bob").get(listing).content.decode()
    body = json_of(member)
    assert body["last_status"] == "failed"
    assert "facilitators and leads can see why" in body["last_error"]
    # The last good map is still there.
    assert body["map"]["truck_factor"]["value"] >= 1
    assert [run["status"] for run in body["analyses"]] == ["failed", "done"]


def test_a_repository_without_a_good_run_has_no_map(
    cast: Cast, client_as: Callable[[str], Client], platform_repository: Repository
) -> None:
    Analysis.objects.filter(repository=platform_repository).delete()

    body = json_of(client_as("bob").get(f"/api/repositories/{platform_repository.pk}"))
    assert (body["map"], body["last_status"], body["analyses"]) == (None, None, [])
    row = json_of(client_as("bob").get(f"/api/teams/{cast.platform.pk}/repositories"))["items"][0]
    assert (row["last_status"], row["truck_factor"], row["map_finished_at"]) == (None, None, None)


def test_org_admin_of_another_organisation_gets_404(
    cast: Cast, client_as: Callable[[str], Client], platform_repository: Repository
) -> None:
    response = client_as("zed").get(f"/api/repositories/{platform_repository.pk}")
    assert (response.status_code, json_of(response)["detail"]) == (404, "No such repository.")
    response = client_as("zed").get(f"/api/teams/{cast.platform.pk}/repositories")
    assert (response.status_code, json_of(response)["detail"]) == (404, "No such team.")


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_repository_is_not_posted_or_put_to(
    client_as: Callable[[str], Client], platform_repository: Repository, method: str
) -> None:
    response = getattr(client_as("alice"), method)(f"/api/repositories/{platform_repository.pk}")
    assert response.status_code == 405
    assert Repository.objects.filter(pk=platform_repository.pk).exists()


@pytest.mark.parametrize("bad", ["0", "-1", str(2**63), "abc"])
def test_bad_ids_are_422_naming_the_parameter(
    client_as: Callable[[str], Client], platform_repository: Repository, bad: str
) -> None:
    response = client_as("alice").get(f"/api/repositories/{bad}")
    assert response.status_code == 422
    assert json_of(response)["message"].startswith("repository_id: ")


def test_detail_states_knowledge_loss_and_both_truck_factors(
    cast: Cast, client_as: Callable[[str], Client], platform_repository: Repository
) -> None:
    body = json_of(client_as("bob").get(f"/api/repositories/{platform_repository.pk}"))
    summary = body["map"]["summary"]
    assert summary["knowledge_loss"].endswith(
        ("have no active author.", "has an active author.", "everyone who knew them has left.")
    )
    assert summary["files_without_active_author"] >= 0
    assert summary["lost_total"] >= len(summary["lost"])
    assert summary["truck_factor"].startswith(f"Truck factor {body['truck_factor']}")
    assert summary["reference_truck_factor"].startswith("The reference tool")
    assert summary["reference_value"] == len(summary["reference_people"])
    for island in body["map"]["islands"]:
        assert island["nested"] >= 0
        assert island["fixture"] in (True, False)
