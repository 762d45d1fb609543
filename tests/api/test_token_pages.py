"""/account/tokens/: each person lists, creates and revokes only their own tokens."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from peerlearn.api.models import ApiToken
from peerlearn.api.services import api_token_create
from tests.api.conftest import bearer_client
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def test_anonymous_is_sent_to_login(cast: Cast) -> None:
    response = client_for(None).get(reverse("tokens:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_own_tokens(cast: Cast) -> None:
    mine, _ = api_token_create(user=cast.alice, name="Alice laptop")
    api_token_create(user=cast.bob, name="Bob CI")

    response = client_for(cast.alice).get(reverse("tokens:list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alice laptop" in body
    assert f"pl_{mine.prefix}_" in body
    assert "Bob CI" not in body
    assert "never" in body  # last used


def test_create_shows_secret_once_and_stores_its_hash(cast: Cast) -> None:
    client = client_for(cast.alice)

    response = client.post(reverse("tokens:list"), {"name": "Laptop", "expires_in": "30"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=cast.alice)
    match = re.search(rf'value="(pl_{token.prefix}_[^"]+)"', response.content.decode())
    assert match is not None
    secret = match.group(1)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.expires_at is not None
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert bearer_client(secret).get("/api/me").json()["username"] == "alice"
    # Shown once: the next visit lists the token without its secret.
    assert secret not in client.get(reverse("tokens:list")).content.decode()


def test_create_without_expiry(cast: Cast) -> None:
    client_for(cast.alice).post(reverse("tokens:list"), {"name": "Forever", "expires_in": "never"})
    assert ApiToken.objects.get(user=cast.alice).expires_at is None


def test_create_with_invalid_form_creates_nothing(cast: Cast) -> None:
    response = client_for(cast.alice).post(reverse("tokens:list"), {"name": "", "expires_in": "7"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_own_token(cast: Cast) -> None:
    token, secret = api_token_create(user=cast.alice, name="Laptop")

    response = client_for(cast.alice).post(reverse("tokens:revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("tokens:list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer_client(secret).get("/api/me").status_code == 401


@pytest.mark.parametrize("who", ["bob", "olga", "zed"])
def test_revoking_someone_elses_token_is_404(cast: Cast, who: str) -> None:
    token, secret = api_token_create(user=cast.alice, name="Laptop")

    response = client_for(getattr(cast, who)).post(reverse("tokens:revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer_client(secret).get("/api/me").status_code == 200


def test_revoke_needs_post(cast: Cast) -> None:
    token, _ = api_token_create(user=cast.alice, name="Laptop")
    response = client_for(cast.alice).get(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_revoke_changes_nothing(cast: Cast) -> None:
    token, _ = api_token_create(user=cast.alice, name="Laptop")
    response = client_for(None).post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoked_token_is_listed_as_revoked_without_button(cast: Cast) -> None:
    token, _ = api_token_create(user=cast.alice, name="Laptop")
    client = client_for(cast.alice)
    client.post(reverse("tokens:revoke", args=[token.pk]))

    body = client.get(reverse("tokens:list")).content.decode()

    assert "revoked" in body
    assert reverse("tokens:revoke", args=[token.pk]) not in body


def test_pages_have_no_inline_script_or_style(cast: Cast) -> None:
    client = client_for(cast.alice)
    api_token_create(user=cast.alice, name="Laptop")
    for response in (
        client.get(reverse("tokens:list")),
        client.post(reverse("tokens:list"), {"name": "New", "expires_in": "90"}),
    ):
        body = response.content.decode()
        assert INLINE_SCRIPT.search(body) is None
        assert " style=" not in body
        assert "<style" not in body
