"""Every API answer is JSON, whatever went wrong and wherever it was caught."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.api.conftest import bearer_client, token_for
from tests.conftest import Cast


@pytest.fixture
def alice_api(cast: Cast) -> Client:
    client = bearer_client(token_for(cast.alice))
    client.raise_request_exception = False
    return client


def detail_of(response: object) -> object:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]  # type: ignore[index]
    return json.loads(response.content)["detail"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/api/nope", "/api/teams/1/nope/", "/api/teams/abc/", "/api/"])
def test_unknown_api_path_is_a_json_404(alice_api: Client, path: str) -> None:
    response = alice_api.get(path)
    assert response.status_code == 404
    assert detail_of(response) == "Not found."


def test_wrong_method_is_a_json_405(alice_api: Client, cast: Cast) -> None:
    response = alice_api.post(f"/api/teams/{cast.platform.pk}", data={})
    assert response.status_code == 405
    assert "not allowed" in str(detail_of(response)).lower()


def test_malformed_json_body_is_a_json_400(alice_api: Client, cast: Cast) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}"
    response = alice_api.put(url, data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert detail_of(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversize_body_is_a_json_413(alice_api: Client, cast: Cast) -> None:
    url = f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}"
    body = json.dumps({"role": "member", "padding": "x" * 5000})
    response = alice_api.put(url, data=body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in str(detail_of(response)).lower()


@pytest.mark.parametrize("number", ["99999999999999999999999999", "-1", "0", "x", "1e9"])
def test_page_numbers_out_of_range_are_json_not_500(alice_api: Client, number: str) -> None:
    response = alice_api.get(f"/api/teams?page={number}")
    assert response.status_code in (200, 404, 422)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("team_id", ["99999999999999999999999", str(2**63), "0"])
def test_ids_out_of_range_are_a_json_404(alice_api: Client, team_id: str) -> None:
    response = alice_api.get(f"/api/teams/{team_id}")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")


def test_a_crash_inside_an_endpoint_is_a_json_500(
    alice_api: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerlearn.api.endpoints import teams

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom, with a secret inside")

    monkeypatch.setattr(teams, "get_team_for_user", broken)
    response = alice_api.get(f"/api/teams/{cast.platform.pk}")
    assert response.status_code == 500
    detail = detail_of(response)
    assert "secret" not in str(detail)


def test_api_responses_are_never_cached(alice_api: Client, cast: Cast) -> None:
    for response in (alice_api.get("/api/me"), alice_api.get("/api/nope")):
        assert response["Cache-Control"] == "private, no-store"


def test_signed_in_pages_are_never_cached(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.bob)
    for name in ("web:dashboard", "schedule:calendar_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_the_login_page_for_a_stranger_may_be_cached_as_django_says(db: None) -> None:
    response = Client().get(reverse("login"))
    # Django's login view marks itself never_cache; we do not weaken that.
    assert "no-store" in response.get("Cache-Control", "") or "no-cache" in response.get(
        "Cache-Control", ""
    )
