"""API test helpers: every principal of the permission matrix as a ready client.

Principals are the cast (see tests/conftest.py), each holding a personal token, plus
`anonymous` (no credentials), `revoked` and `expired` (alice's tokens, refused even
though alice may do everything on Platform — the token, not the person, is judged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.api.models import ApiToken
from peerlearn.api.services import api_token_create, api_token_revoke
from peerlearn.people.models import User
from tests.conftest import Cast

PEOPLE = ["olga", "alice", "fiona", "bob", "charlie", "zed"]
REFUSED_CREDENTIALS = ["anonymous", "revoked", "expired"]
PRINCIPALS = PEOPLE + REFUSED_CREDENTIALS


def bearer_client(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def token_for(user: User, name: str = "test") -> str:
    _, secret = api_token_create(user=user, name=name)
    return secret


def expire(secret_owner_token: ApiToken) -> None:
    # Creation refuses a past expiry, so age the token afterwards.
    ApiToken.objects.filter(pk=secret_owner_token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )


@pytest.fixture
def client_as(cast: Cast) -> Callable[[str], Client]:
    """principal name -> a Client that authenticates as that principal."""
    cache: dict[str, Client] = {}

    def make(principal: str) -> Client:
        if principal in cache:
            return cache[principal]
        if principal == "anonymous":
            client = Client()
        elif principal == "revoked":
            token, secret = api_token_create(user=cast.alice, name="revoked")
            api_token_revoke(token=token)
            client = bearer_client(secret)
        elif principal == "expired":
            token, secret = api_token_create(user=cast.alice, name="expired")
            expire(token)
            client = bearer_client(secret)
        else:
            client = bearer_client(token_for(getattr(cast, principal)))
        cache[principal] = client
        return client

    return make


def json_of(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()
