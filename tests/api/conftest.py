"""API test helpers: every principal of the permission matrix as a ready client.

Principals are the cast (see tests/conftest.py), each holding a personal token, plus
`anonymous` (no credentials), `revoked` and `expired` (alice's tokens, refused even
though alice may do everything on Platform — the token, not the person, is judged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.api.models import ApiToken
from peerlearn.api.services import api_token_create, api_token_revoke
from peerlearn.knowledge import services as knowledge_services
from peerlearn.knowledge.models import Repository
from peerlearn.people.models import User
from peerlearn.schedule.models import Series, Session
from tests.conftest import Cast
from tests.knowledge.conftest import build_history, recent_repo
from tests.schedule.conftest import make_series, make_session

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


# Objects of Platform for the schedule and knowledge endpoints. Dates are fixed and in the
# future (2030), so every session is open to change and RSVP whenever the tests run.
SESSION_START = "2030-03-06T12:00:00+01:00"


@pytest.fixture
def platform_session(cast: Cast) -> Session:
    return make_session(cast.platform, by=cast.alice, facilitator=cast.fiona)


@pytest.fixture
def platform_series(cast: Cast) -> Series:
    """Weekly on Wednesdays at 12:00 Berlin from 2030-03-01 (first date 2030-03-06)."""
    return make_series(cast.platform, by=cast.alice, facilitator=cast.fiona)


@pytest.fixture
def platform_repository(
    cast: Cast,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> Repository:
    """A real git history registered by fiona and analysed (the task runs on commit)."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.KNOWLEDGE_REPOSITORY_ROOTS = [str(allowed)]
    settings.DATA_DIR = tmp_path / "data"
    source = build_history(recent_repo(allowed / "app"))
    with django_capture_on_commit_callbacks(execute=True):
        return knowledge_services.repository_create(
            team=cast.platform,
            created_by=cast.fiona,
            name="app",
            kind="local",
            location=str(source.path),
        )
