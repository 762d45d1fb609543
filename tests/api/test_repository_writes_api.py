"""Registering, changing, re-running and deleting repositories through the API, as the
knowledge pages do: every caller of the cast, the source rules (PEERLEARN_REPOSITORY_ROOTS
for local paths, clone URLs without secrets), bad input as a 422 naming the field with
nothing stored, and the effect read back through GET.

Clone URLs are only checked at registration (no network); the analysis is queued after
the commit, which a test transaction never reaches, so no git runs unless a test asks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from peerlearn.audit.models import AuditEvent
from peerlearn.knowledge import services
from peerlearn.knowledge.models import Analysis, AnalysisStatus, Repository
from tests.api.conftest import PRINCIPALS, json_of
from tests.conftest import Cast
from tests.knowledge.conftest import build_history, recent_repo

pytestmark = pytest.mark.django_db

FACILITATE = {
    "olga": 200,
    "alice": 200,
    "fiona": 200,
    "bob": 403,
    "charlie": 404,
    "zed": 404,
    "anonymous": 401,
    "revoked": 401,
    "expired": 401,
}
CLONE = {"name": "billing", "kind": "clone", "location": "https://git.example.com/billing.git"}


@pytest.fixture
def allowed(tmp_path: Path, settings: Any) -> Path:
    folder = tmp_path / "allowed"
    folder.mkdir()
    settings.KNOWLEDGE_REPOSITORY_ROOTS = [str(folder)]
    settings.DATA_DIR = tmp_path / "data"
    return folder


@pytest.fixture
def repository(cast: Cast, allowed: Path) -> Repository:
    return services.repository_create(team=cast.platform, created_by=cast.fiona, **CLONE)


def send(client: Client, method: str, url: str, data: object | None = None) -> Any:
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=data, content_type="application/json")


def refused(response: Any, expected: int) -> None:
    assert response.status_code == expected, response.content[:300]
    body = json_of(response)
    assert isinstance(body["detail"], str)
    assert body["detail"]


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    return {str(e["loc"][-1]): e["msg"] for e in json_of(response)["detail"]}


def stored(repository: Repository) -> dict[str, Any]:
    return Repository.objects.filter(pk=repository.pk).values().get()


# --- POST /api/teams/{id}/repositories ----------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_register_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, allowed: Path
) -> None:
    response = send(
        client_as(principal), "post", f"/api/teams/{cast.platform.pk}/repositories", CLONE
    )

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert not Repository.objects.exists()
        return
    assert response.status_code == 201
    created = json_of(response)
    assert (created["name"], created["kind"], created["location"]) == (
        "billing",
        "clone",
        CLONE["location"],
    )
    assert created["last_status"] == "queued"
    listed = json_of(client_as("bob").get(f"/api/teams/{cast.platform.pk}/repositories"))
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    row = Repository.objects.get()
    assert row.created_by == getattr(cast, principal)
    assert AuditEvent.objects.filter(action="repository.create").count() == 1


def test_register_a_local_path_inside_the_allowed_folders_with_options(
    cast: Cast, client_as: Callable[[str], Client], allowed: Path
) -> None:
    source = build_history(recent_repo(allowed / "app"))
    data = {
        "name": "app",
        "kind": "local",
        "location": str(source.path),
        "active_months": 12,
        "prune_truck_factor": True,
        "extra_exclusions": "docs/*\n*.snap",
        "aliases": "Bobby <bob@example.com> = <bob@laptop.local>",
    }
    response = send(client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/repositories", data)

    assert response.status_code == 201, response.content
    row = Repository.objects.get()
    assert (row.kind, row.location, row.active_months, row.prune_truck_factor) == (
        "local",
        str(source.path),
        12,
        True,
    )
    assert row.extra_exclusions == "docs/*\n*.snap"
    assert Analysis.objects.get(repository=row).status == AnalysisStatus.QUEUED


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"kind": "local", "location": "/etc"}, "location", "outside the folders"),
        ({"kind": "local", "location": "relative/path"}, "location", "not an absolute path"),
        ({"location": "https://me:secret@git.example.com/x.git"}, "location", "password"),
        ({"location": "ext::sh%20-c%20touch%20/tmp/pwned"}, "location", "Remote helpers"),
        ({"location": "https://127.0.0.1/x.git"}, "location", "public host"),
        ({"location": "-uhttps://x"}, "location", "cannot start with"),
        ({"location": ""}, "location", "at least 1"),
        ({"kind": "svn"}, "kind", "Input should be"),
        ({"name": ""}, "name", "at least 1"),
        ({"name": "a\tb"}, "name", "a tab"),
        ({"active_months": 0}, "active_months", "greater than or equal to 1"),
        ({"active_months": 121}, "active_months", "less than or equal to 120"),
        ({"bot_patterns": "("}, "bot_patterns", "not a valid regular expression"),
        ({"extra_exclusions": "docs/*\tx"}, "extra_exclusions", "Line 1"),
        ({"aliases": "no equals sign here"}, "aliases", ""),
        ({"extra_exclusions": "x" * 100_001}, "extra_exclusions", "at most 100000"),
    ],
)
def test_register_bad_input_is_422_naming_the_field_and_stores_nothing(
    cast: Cast,
    client_as: Callable[[str], Client],
    allowed: Path,
    change: dict[str, object],
    field: str,
    words: str,
) -> None:
    response = send(
        client_as("fiona"),
        "post",
        f"/api/teams/{cast.platform.pk}/repositories",
        {**CLONE, **change},
    )

    assert words in field_errors(response)[field]
    assert json_of(response)["message"].startswith(f"{field}: ")
    assert not Repository.objects.exists()
    assert not Analysis.objects.exists()


def test_local_paths_are_refused_when_no_folder_is_allowed(
    cast: Cast, client_as: Callable[[str], Client], settings: Any, tmp_path: Path
) -> None:
    settings.KNOWLEDGE_REPOSITORY_ROOTS = []
    source = build_history(recent_repo(tmp_path / "app"))
    data = {"name": "app", "kind": "local", "location": str(source.path)}

    response = send(client_as("alice"), "post", f"/api/teams/{cast.platform.pk}/repositories", data)

    assert "PEERLEARN_REPOSITORY_ROOTS" in field_errors(response)["location"]
    assert not Repository.objects.exists()


def test_a_name_the_team_already_has_is_refused(
    cast: Cast, client_as: Callable[[str], Client], repository: Repository
) -> None:
    data = {**CLONE, "name": "BILLING", "location": "https://git.example.com/other.git"}
    response = send(client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/repositories", data)

    assert field_errors(response) == {"name": "Platform already has a repository named BILLING."}
    assert Repository.objects.count() == 1


# --- PATCH /api/repositories/{id} ---------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_change_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, repository: Repository
) -> None:
    before = stored(repository)
    response = send(
        client_as(principal),
        "patch",
        f"/api/repositories/{repository.pk}",
        {"name": "billing-service", "active_months": 3},
    )

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert stored(repository) == before
        return
    assert response.status_code == 200
    body = json_of(client_as("bob").get(f"/api/repositories/{repository.pk}"))
    assert body["name"] == "billing-service"
    row = stored(repository)
    assert (row["active_months"], row["location"]) == (3, CLONE["location"])
    assert AuditEvent.objects.filter(action="repository.update").count() == 1


def test_change_keeps_what_is_not_sent(
    client_as: Callable[[str], Client], repository: Repository
) -> None:
    url = f"/api/repositories/{repository.pk}"
    send(client_as("fiona"), "patch", url, {"bot_patterns": r"\[bot\]", "prune_truck_factor": True})

    send(client_as("fiona"), "patch", url, {"active_months": 9})

    row = Repository.objects.get(pk=repository.pk)
    assert (row.name, row.bot_patterns, row.prune_truck_factor, row.active_months) == (
        "billing",
        r"\[bot\]",
        True,
        9,
    )


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": None}, "name", "Give a value"),
        ({"active_months": None}, "active_months", "Give a value"),
        ({"active_months": 500}, "active_months", "less than or equal to 120"),
        ({"bot_patterns": "[unclosed"}, "bot_patterns", "not a valid regular expression"),
        ({"location": "/elsewhere"}, "location", "Extra inputs are not permitted"),
        ({"kind": "local"}, "kind", "Extra inputs are not permitted"),
        ({"name": "x\x00"}, "name", "a NUL byte"),
    ],
)
def test_change_bad_input_is_422_naming_the_field_and_changes_nothing(
    client_as: Callable[[str], Client],
    repository: Repository,
    data: dict[str, object],
    field: str,
    words: str,
) -> None:
    before = stored(repository)
    response = send(client_as("fiona"), "patch", f"/api/repositories/{repository.pk}", data)

    assert words in field_errors(response)[field]
    assert stored(repository) == before


# --- DELETE /api/repositories/{id} --------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_delete_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, repository: Repository
) -> None:
    response = client_as(principal).delete(f"/api/repositories/{repository.pk}")

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert Repository.objects.filter(pk=repository.pk).exists()
        return
    assert (response.status_code, response.content) == (204, b"")
    gone = client_as("alice").get(f"/api/repositories/{repository.pk}")
    assert (gone.status_code, json_of(gone)["detail"]) == (404, "No such repository.")
    listed = json_of(client_as("alice").get(f"/api/teams/{cast.platform.pk}/repositories"))
    assert listed["items"] == []
    assert not Analysis.objects.exists()


# --- POST /api/repositories/{id}/analyses -------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_request_an_analysis_by_every_caller(
    client_as: Callable[[str], Client], principal: str, repository: Repository
) -> None:
    Analysis.objects.filter(repository=repository).update(status=AnalysisStatus.DONE)

    response = client_as(principal).post(f"/api/repositories/{repository.pk}/analyses")

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert Analysis.objects.filter(status=AnalysisStatus.QUEUED).count() == 0
        return
    assert response.status_code == 202
    queued = json_of(response)
    assert (queued["status"], queued["error"]) == ("queued", None)
    body = json_of(client_as("bob").get(f"/api/repositories/{repository.pk}"))
    assert body["analyses"][0]["id"] == queued["id"]
    assert [run["status"] for run in body["analyses"]] == ["queued", "done"]


def test_a_waiting_analysis_is_not_queued_twice(
    client_as: Callable[[str], Client], repository: Repository
) -> None:
    waiting = Analysis.objects.get(repository=repository)

    first = client_as("fiona").post(f"/api/repositories/{repository.pk}/analyses")
    again = client_as("alice").post(f"/api/repositories/{repository.pk}/analyses")

    assert json_of(first)["id"] == json_of(again)["id"] == waiting.pk
    assert Analysis.objects.filter(repository=repository).count() == 1


def test_a_repository_of_another_organisation_is_404_even_for_its_admin(
    cast: Cast, client_as: Callable[[str], Client], allowed: Path
) -> None:
    foreign = services.repository_create(team=cast.foreign_team, created_by=cast.zed, **CLONE)
    before = stored(foreign)

    for response in (
        send(client_as("olga"), "patch", f"/api/repositories/{foreign.pk}", {"name": "mine"}),
        client_as("olga").delete(f"/api/repositories/{foreign.pk}"),
        client_as("olga").post(f"/api/repositories/{foreign.pk}/analyses"),
        send(client_as("olga"), "post", f"/api/teams/{cast.foreign_team.pk}/repositories", CLONE),
    ):
        assert response.status_code == 404
    assert stored(foreign) == before
    assert Repository.objects.count() == 1
