"""Personal API tokens: format, storage, use, throttled bookkeeping, refusals."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from peerlearn.api.models import ApiToken
from peerlearn.api.services import (
    LAST_USED_RESOLUTION,
    api_token_create,
    api_token_record_use,
    api_token_revoke,
)
from peerlearn.api.tokens import hash_matches, parse_token
from tests.api.conftest import bearer_client, expire, json_of
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_create_stores_hash_not_secret(cast: Cast) -> None:
    token, secret = api_token_create(user=cast.alice, name="CI sync")

    assert secret.startswith(f"pl_{token.prefix}_")
    assert len(secret) > 40
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert stored["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    secret_part = secret.split("_", 2)[2]
    assert all(secret_part not in str(value) for value in stored.values())
    assert stored["name"] == "CI sync"
    assert stored["last_used_at"] is None
    assert stored["revoked_at"] is None


def test_create_makes_distinct_tokens(cast: Cast) -> None:
    secrets = {api_token_create(user=cast.alice, name=f"t{n}")[1] for n in range(5)}
    assert len(secrets) == 5
    assert ApiToken.objects.values("prefix").distinct().count() == 5


def test_create_refuses_past_expiry_and_blank_name(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        api_token_create(user=cast.alice, name="x", expires_at=timezone.now())
    assert "expires_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        api_token_create(user=cast.alice, name="   ")
    assert "name" in error.value.message_dict
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["CI\u202esync", "CI\r\nsync", "CI\x00"])
def test_create_refuses_control_characters_in_the_name(cast: Cast, name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=cast.alice, name=name)
    assert "name" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_token_page_refuses_a_direction_override_at_the_field(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    response = client.post("/account/tokens/", {"name": "CI\u202esync", "expires_in": "90"})
    assert response.status_code == 200
    assert "text-direction override" in response.context["form"].errors["name"][0]
    assert not ApiToken.objects.exists()


def test_token_authenticates_its_owner(cast: Cast) -> None:
    _, secret = api_token_create(user=cast.fiona, name="script")
    response = bearer_client(secret).get("/api/me")
    assert response.status_code == 200
    assert json_of(response)["username"] == "fiona"


def test_scheme_is_case_insensitive(cast: Cast) -> None:
    _, secret = api_token_create(user=cast.bob, name="script")
    response = Client(headers={"Authorization": f"bearer {secret}"}).get("/api/me")
    assert response.status_code == 200


def test_last_used_is_recorded_at_most_once_a_minute(cast: Cast) -> None:
    token, secret = api_token_create(user=cast.bob, name="script")
    client = bearer_client(secret)

    client.get("/api/me")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    client.get("/api/me")
    client.get("/api/teams")
    token.refresh_from_db()
    assert token.last_used_at == first_use  # no write within the minute

    earlier = first_use - LAST_USED_RESOLUTION - dt.timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > first_use


def test_record_use_writes_once_per_resolution(cast: Cast) -> None:
    token, _ = api_token_create(user=cast.bob, name="script")
    now = timezone.now()
    assert api_token_record_use(token=token, now=now) is True
    assert api_token_record_use(token=token, now=now + dt.timedelta(seconds=59)) is False
    # A stale in-memory copy (another request) must not move the timestamp either.
    stale_copy = ApiToken.objects.get(pk=token.pk)
    stale_copy.last_used_at = None
    assert api_token_record_use(token=stale_copy, now=now + dt.timedelta(seconds=30)) is False
    assert api_token_record_use(token=token, now=now + dt.timedelta(seconds=61)) is True


def test_throttled_request_does_not_write(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _, secret = api_token_create(user=cast.bob, name="script")
    client = bearer_client(secret)
    client.get("/api/me")  # records the use
    with django_assert_num_queries(1):  # the token with its user; no UPDATE
        client.get("/api/me")


def test_revoked_token_is_refused(cast: Cast) -> None:
    token, secret = api_token_create(user=cast.alice, name="script")
    assert bearer_client(secret).get("/api/me").status_code == 200

    api_token_revoke(token=token)
    response = bearer_client(secret).get("/api/me")

    assert response.status_code == 401
    assert json_of(response)["detail"] == "The API token is invalid, expired or revoked."
    assert response["WWW-Authenticate"] == 'Bearer realm="peerlearn"'


def test_revoke_twice_keeps_first_time(cast: Cast) -> None:
    token, _ = api_token_create(user=cast.alice, name="script")
    api_token_revoke(token=token)
    first = token.revoked_at
    api_token_revoke(token=token)
    token.refresh_from_db()
    assert token.revoked_at == first


def test_expired_token_is_refused(cast: Cast) -> None:
    token, secret = api_token_create(
        user=cast.alice, name="script", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    assert bearer_client(secret).get("/api/me").status_code == 200
    expire(token)
    assert bearer_client(secret).get("/api/me").status_code == 401


def test_token_of_inactive_person_is_refused(cast: Cast) -> None:
    _, secret = api_token_create(user=cast.alice, name="script")
    cast.alice.is_active = False
    cast.alice.save(update_fields=["is_active"])
    assert bearer_client(secret).get("/api/me").status_code == 401


@pytest.mark.parametrize(
    "presented",
    [
        "nonsense",
        "pl_",
        "pl__x",
        "pl_ZZZZZZZZZZZZ_secret",
        "xx_0123456789ab_secret",
        "pl_0123456789ab_not-a-real-secret",
    ],
)
def test_malformed_or_unknown_tokens_are_refused(cast: Cast, presented: str) -> None:
    assert bearer_client(presented).get("/api/me").status_code == 401


def test_right_prefix_wrong_secret_is_refused(cast: Cast) -> None:
    token, secret = api_token_create(user=cast.alice, name="script")
    forged = f"pl_{token.prefix}_{'A' * 43}"
    assert forged != secret
    assert bearer_client(forged).get("/api/me").status_code == 401
    token.refresh_from_db()
    assert token.last_used_at is None


def test_bad_token_is_refused_even_with_a_session(cast: Cast) -> None:
    # A script must never fall back to acting as whoever is logged in in the browser.
    client = Client(headers={"Authorization": "Bearer pl_0123456789ab_wrong"})
    client.force_login(cast.alice)
    assert client.get("/api/me").status_code == 401


def test_parse_token_round_trip_with_underscores_in_secret() -> None:
    parsed = parse_token("pl_0123456789ab_a_b_c")
    assert parsed is not None
    assert parsed.prefix == "0123456789ab"
    assert hash_matches(
        "pl_0123456789ab_a_b_c", hashlib.sha256(b"pl_0123456789ab_a_b_c").hexdigest()
    )
    assert not hash_matches(
        "pl_0123456789ab_a_b_d", hashlib.sha256(b"pl_0123456789ab_a_b_c").hexdigest()
    )
