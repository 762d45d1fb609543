"""Signing in, throttling, and password reset through a real SMTP server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from peerlearn.people.models import ThrottleCounter
from peerlearn.web.auth_views import THROTTLED_MESSAGE
from tests.conftest import PASSWORD, Cast
from tests.smtp import SmtpServer, body_text, smtp_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str) -> str:
    response = client.post(
        reverse("login"), {"username": username, "password": password}, follow=True
    )
    return response.content.decode()


def test_login_with_the_right_password_reaches_the_dashboard(cast: Cast) -> None:
    client = Client()
    body = log_in(client, "bob", PASSWORD)
    assert "Your teams" in body
    assert client.session["_auth_user_id"] == str(cast.bob.pk)


def test_login_page_renders_for_anonymous(cast: Cast) -> None:
    body = Client().get(reverse("login")).content.decode()
    assert 'for="id_username"' in body
    assert 'href="/accounts/password_reset/"' in body


def test_login_with_a_wrong_password_says_so(cast: Cast) -> None:
    client = Client()
    body = log_in(client, "bob", "not the password")
    assert "Please enter a correct username and password." in body
    assert "_auth_user_id" not in client.session
    counted = ThrottleCounter.objects.get(scope="login-account", key=f"person:{cast.bob.pk}")
    assert counted.count == 1


def test_login_redirects_to_next(cast: Cast) -> None:
    client = Client()
    response = client.post(
        reverse("login") + "?next=/account/",
        {"username": "bob", "password": PASSWORD, "next": "/account/"},
    )
    assert response["Location"] == "/account/"


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_throttle_refuses_even_the_right_password_after_too_many_failures(cast: Cast) -> None:
    client = Client()
    for _ in range(3):
        assert "Please enter a correct username" in log_in(client, "bob", "guess")
    body = log_in(client, "bob", PASSWORD)
    assert THROTTLED_MESSAGE in body
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert "Your teams" in log_in(other, "alice", PASSWORD)


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_success_before_the_limit_clears_the_count(cast: Cast) -> None:
    client = Client()
    log_in(client, "bob", "guess")
    log_in(client, "bob", "guess")
    assert "Your teams" in log_in(client, "bob", PASSWORD)
    client.post(reverse("logout"))
    log_in(client, "bob", "guess")
    log_in(client, "bob", "guess")
    assert "Your teams" in log_in(client, "bob", PASSWORD)


def test_password_reset_through_a_real_smtp_server(
    cast: Cast,
    smtp_server: SmtpServer,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    # The mail is sent by a queued task (the test settings run tasks at once).
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "bob@example.com"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")

    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "bob@example.com"
    text = body_text(message)
    # The link is built on PEERLEARN_BASE_URL, never on the Host a request named.
    link = re.search(rf"{re.escape(settings.BASE_URL)}(/accounts/reset/\S+/)", text)
    assert link is not None, text

    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"] is True
    new = "my brand new passphrase 2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")

    assert "Your teams" in log_in(Client(), "bob", new)
    assert "Please enter a correct username" in log_in(Client(), "bob", PASSWORD)
    # The link works once.
    assert client.get(link.group(1), follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing(
    cast: Cast,
    smtp_server: SmtpServer,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("password_reset"), {"email": "nobody@example.com"}, follow=True
        )
    # The same answer as for a known address, so addresses cannot be probed.
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert smtp_server.messages == []


def test_invitation_travels_through_a_real_smtp_server(
    cast: Cast,
    smtp_server: SmtpServer,  # noqa: F811
    django_capture_on_commit_callbacks: object,
) -> None:
    client = Client()
    client.force_login(cast.alice)
    data = {
        "new-display_name": "Sam Smtp",
        "new-email": "sam@example.com",
        "new-username": "sam",
        "new-time_zone": "UTC",
        "new-role": "member",
        "new-joined_on": "2025-03-03",
    }
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(reverse("people:member_add_new", args=[cast.platform.pk]), data)
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "sam@example.com"
    link = re.search(r"https?://[^/\s]+(/invitation/\S+/)", body_text(message))
    assert link is not None
    new = "sam's very own passphrase"
    anonymous = Client()
    page = anonymous.get(link.group(1), follow=True)
    done = anonymous.post(
        page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Welcome to peerlearn. Your password is set." in done.content.decode()
    assert "Your teams" in log_in(Client(), "sam", new)


@pytest.mark.parametrize(
    "name",
    [
        "registration/password_reset_form.html",
        "registration/password_reset_email.html",
        "registration/password_reset_confirm.html",
    ],
)
def test_password_reset_uses_peerlearns_own_templates(name: str) -> None:
    from django.template.loader import get_template

    origin = get_template(name).origin.name  # type: ignore[attr-defined]
    assert "/peerlearn/web/templates/" in origin


@pytest.mark.parametrize("path", ["/accounts/password_change/", "/accounts/password_change/done/"])
def test_djangos_own_password_change_is_not_reachable(cast: Cast, path: str) -> None:
    # The account page's form is the one way to change a password (audited, and it
    # offers to revoke API tokens and feed links); Django's view would bypass both.
    client = Client()
    client.force_login(cast.bob)
    assert client.get(path).status_code == 404
    old_password = PASSWORD
    response = client.post(
        path,
        {
            "old_password": old_password,
            "new_password1": "N3w-pass-phrase!",
            "new_password2": "N3w-pass-phrase!",
        },
    )
    assert response.status_code == 404
    cast.bob.refresh_from_db()
    assert cast.bob.check_password(PASSWORD)
