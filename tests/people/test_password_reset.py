"""Password-reset requests: limited per e-mail address and per client address, and the
request does the same work whether or not the address has an account."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db

LIMITED = "Too many password-reset requests"
Capture = Callable[..., Any]


def reset_link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", body)
    assert found is not None, body
    return found.group(1)


def request_reset(email: str, *, address: str = "127.0.0.1") -> str:
    response = Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})
    if response.status_code == 302:
        assert response["Location"] == reverse("password_reset_done")
        return "sent"
    return response.content.decode()


@override_settings(PASSWORD_RESET_THROTTLE_LIMIT=2)
def test_reset_requests_for_one_address_are_limited(
    cast: Cast, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert request_reset("bob@example.com", address="192.0.2.1") == "sent"
        assert request_reset("BOB@example.com", address="192.0.2.2") == "sent"
        refused = request_reset("bob@example.com", address="192.0.2.3")
    assert LIMITED in refused
    assert [message.to for message in mail.outbox] == [["bob@example.com"]] * 2
    # Another person is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        assert request_reset("alice@example.com", address="192.0.2.3") == "sent"
    assert len(mail.outbox) == 3


@override_settings(PASSWORD_RESET_THROTTLE_LIMIT=2)
def test_unknown_addresses_are_limited_alike(cast: Cast) -> None:
    # Otherwise the limit itself would tell known addresses from unknown ones.
    assert request_reset("nobody@example.com", address="192.0.2.1") == "sent"
    assert request_reset("nobody@example.com", address="192.0.2.2") == "sent"
    assert LIMITED in request_reset("nobody@example.com", address="192.0.2.3")


@override_settings(PASSWORD_RESET_THROTTLE_ADDRESS_LIMIT=3)
def test_reset_requests_from_one_client_address_are_limited(
    cast: Cast, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("bob", "alice", "nobody"):
            assert request_reset(f"{name}@example.com", address="203.0.113.5") == "sent"
        assert LIMITED in request_reset("fiona@example.com", address="203.0.113.5")
        assert request_reset("fiona@example.com", address="203.0.113.6") == "sent"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.com",
        "bob@example.com",
        "fiona@example.com",
    ]


def test_known_and_unknown_addresses_do_the_same_work_in_the_request(
    cast: Cast, django_capture_on_commit_callbacks: Capture
) -> None:
    def work(email: str, address: str) -> tuple[str, int, int, int]:
        mail.outbox.clear()
        with (
            django_capture_on_commit_callbacks() as queued,
            CaptureQueriesContext(connection) as queries,
        ):
            answer = request_reset(email, address=address)
        return answer, len(queries), len(queued), len(mail.outbox)

    request_reset("warm-up@example.com", address="198.51.100.1")
    known = work("bob@example.com", "198.51.100.2")
    unknown = work("nobody@example.com", "198.51.100.3")
    assert known == unknown
    answer, _, queued, mails = known
    # Nothing is looked up or sent while the requester waits: one task, queued alike.
    assert (answer, queued, mails) == ("sent", 1, 0)


def test_queued_reset_mails_the_account_and_nobody_else(
    cast: Cast, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request_reset("nobody@example.com")
        request_reset("Bob@Example.com", address="192.0.2.9")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.com"]
    assert "/accounts/reset/" in str(message.body)


@override_settings(LOGIN_THROTTLE_LIMIT=2)
def test_resetting_the_password_lifts_the_sign_in_refusal(
    cast: Cast, django_capture_on_commit_callbacks: Capture
) -> None:
    for _ in range(2):
        Client().post(reverse("login"), {"username": "bob", "password": "wrong"})
    refused = Client().post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert "Too many failed sign-ins" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        request_reset("bob@example.com")
    client = Client()
    form_page = client.get(reset_link(str(mail.outbox[0].body)), follow=True)
    new = "a fresh passphrase for bob"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    signed_in = Client()
    signed_in.post(reverse("login"), {"username": "bob", "password": new})
    assert "_auth_user_id" in signed_in.session
