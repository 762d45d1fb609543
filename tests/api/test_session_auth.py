"""The browser uses the API with its session; unsafe methods then need the CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from peerlearn.people.models import Membership
from tests.api.conftest import json_of
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def session_client(cast: Cast) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    return client


def test_session_reads_without_csrf(cast: Cast) -> None:
    response = session_client(cast).get(f"/api/teams/{cast.platform.pk}/members")
    assert response.status_code == 200
    assert json_of(response)["count"] == 3


def test_session_write_without_csrf_is_refused(cast: Cast) -> None:
    response = session_client(cast).put(
        f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}",
        data={"role": "lead"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in json_of(response)["detail"]
    assert Membership.objects.get(team=cast.platform, user=cast.bob).role == "member"


def test_session_write_with_csrf_works(cast: Cast) -> None:
    client = session_client(cast)
    client.get("/account/tokens/")  # any page that renders a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.put(
        f"/api/teams/{cast.platform.pk}/members/{cast.bob.pk}",
        data={"role": "lead"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 200
    assert Membership.objects.get(team=cast.platform, user=cast.bob).role == "lead"


def test_inactive_session_user_is_anonymous(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.bob)
    cast.bob.is_active = False
    cast.bob.save(update_fields=["is_active"])
    assert client.get("/api/me").status_code == 401


def test_anonymous_is_told_how_to_authenticate(cast: Cast) -> None:
    response = Client().get("/api/me")
    assert response.status_code == 401
    assert "Authorization: Bearer" in json_of(response)["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="peerlearn"'
