"""Every knowledge view by every kind of visitor. Outsiders get 404, members lacking the
right 403, anonymous the login page; refused writes change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from peerlearn.knowledge.models import Analysis, Repository
from tests.conftest import Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo

from .conftest import Register

ALLOWED_ALL = {"olga": 200, "alice": 200, "fiona": 200}
REFUSED = {"charlie": 404, "zed": 404, "anonymous": 302}
VIEW = {**ALLOWED_ALL, "bob": 200, **REFUSED}
FACILITATE = {**ALLOWED_ALL, "bob": 403, **REFUSED}

# (url name, takes the team (not the repository), method, query or form data, expectations)
CASES: list[tuple[str, bool, str, dict[str, Any], dict[str, int]]] = [
    ("team_repositories", True, "get", {}, VIEW),
    ("repository_create", True, "get", {}, FACILITATE),
    ("repository", False, "get", {}, VIEW),
    ("repository", False, "get", {"leave": "alice@example.com"}, VIEW),
    ("person", False, "get", {"key": "alice@example.com"}, VIEW),
    ("files", False, "get", {"dir": "src"}, VIEW),
    ("settings", False, "get", {}, FACILITATE),
    ("delete", False, "get", {}, FACILITATE),
    ("repository_create", True, "post", {"name": "second"}, FACILITATE),
    ("settings", False, "post", {"name": "renamed"}, FACILITATE),
    ("analyse", False, "post", {}, FACILITATE),
    ("delete", False, "post", {}, FACILITATE),
]
SUCCESS_STATUS = {"post": 302}


def snapshot() -> list[tuple[Any, ...]]:
    return [
        *Repository.objects.values_list("pk", "name", "active_months", "extra_exclusions"),
        *Analysis.objects.values_list("pk", "status"),
    ]


def form_data(source: GitRepo, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "local",
        "location": str(source.path),
        "active_months": "3",
        "extra_exclusions": "docs/*",
        "bot_patterns": "",
        "aliases": "",
        **extra,
    }


@pytest.mark.parametrize("who", ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous"])
@pytest.mark.parametrize(("name", "by_team", "method", "data", "expected"), CASES)
def test_permission_matrix(
    cast: Cast,
    source: GitRepo,
    register: Register,
    who: str,
    name: str,
    by_team: bool,
    method: str,
    data: dict[str, Any],
    expected: dict[str, int],
) -> None:
    repository = register(str(source.path), kind="local")
    user = None if who == "anonymous" else getattr(cast, who)
    url = reverse(f"knowledge:{name}", args=[cast.platform.pk if by_team else repository.pk])
    before = snapshot()
    client = client_for(user)
    if method == "get":
        response = client.get(url, data)
    else:
        response = client.post(url, form_data(source, data))
    status = expected[who]
    if status == 200 and method == "post":
        status = SUCCESS_STATUS[method]
    assert response.status_code == status, (who, name, method)
    if status == 302 and user is None:
        assert response["Location"].startswith(reverse("login"))
    if method == "post" and expected[who] != 200:
        assert snapshot() == before  # refused: nothing changed
    if method == "post" and expected[who] == 200:
        assert snapshot() != before


def test_other_teams_repository_is_not_found_even_by_guessing(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    repository = register(str(source.path), kind="local")
    for url in (
        reverse("knowledge:repository", args=[repository.pk + 1000]),
        reverse("knowledge:person", args=[repository.pk]) + "?key=carol@example.com",
    ):
        assert client_for(cast.charlie).get(url).status_code == 404
    # The list of another team is not reachable either.
    assert (
        client_for(cast.bob)
        .get(reverse("knowledge:team_repositories", args=[cast.mobile.pk]))
        .status_code
        == 404
    )
