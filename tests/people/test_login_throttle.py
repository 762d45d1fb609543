"""The sign-in throttle: one mechanism inside `authenticate`, keyed on the account the
sign-in would match, counted atomically, per address behind trusted proxies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from peerlearn.config.env import parse_networks
from peerlearn.people.client_address import client_address
from peerlearn.people.models import ThrottleCounter
from peerlearn.web.auth_views import THROTTLED_MESSAGE
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db

BAD_PASSWORD = "not the password"
INVALID = "Please enter a correct username and password."
FULL_WIDTH_BOB = "\uff42\uff4f\uff42"  # NFKC: "bob"


def sign_in(username: str, password: str, *, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("login"), {"username": username, "password": password})
    return client


def sign_in_page(username: str, password: str, *, address: str = "127.0.0.1") -> str:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.content.decode()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def request_from(address: str, forwarded: str | None = None) -> object:
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **headers)  # type: ignore[arg-type]


# --- one mechanism for every sign-in ------------------------------------------------------


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_authenticate_itself_is_throttled_so_every_sign_in_form_is(cast: Cast) -> None:
    # Django admin's form, the app's form, an API that took passwords: all of them call
    # authenticate(), so the throttle is there rather than in one form.
    request = request_from("192.0.2.10")
    for _ in range(3):
        assert authenticate(request, username="bob", password=BAD_PASSWORD) is None
    assert authenticate(request, username="bob", password=PASSWORD) is None
    # Another account, from another address, is not affected.
    other = request_from("192.0.2.11")
    assert authenticate(other, username="alice", password=PASSWORD) == cast.alice


def in_own_thread[T](call: Callable[[], T]) -> T:
    """Run ``call`` in a thread with no event loop: in a test process where Playwright's
    browser fixture lives, this thread has one running, and async_to_sync refuses it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@pytest.mark.django_db(transaction=True)  # committed: the other thread's connection sees it
@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_async_authenticate_is_throttled_too(cast: Cast) -> None:
    # ModelBackend's aauthenticate checks passwords without calling authenticate().
    request = request_from("192.0.2.12")

    def sign_in(password: str) -> object:
        return async_to_sync(aauthenticate)(request, username="bob", password=password)

    for _ in range(3):
        assert in_own_thread(lambda: sign_in(BAD_PASSWORD)) is None
    assert in_own_thread(lambda: sign_in(PASSWORD)) is None
    assert authenticate(request_from("192.0.2.13"), username="alice", password=PASSWORD)


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_throttled_sign_in_page_says_so(cast: Cast) -> None:
    for _ in range(3):
        assert INVALID in sign_in_page("bob", BAD_PASSWORD)
    assert THROTTLED_MESSAGE in sign_in_page("bob", PASSWORD)


# --- keyed on the account the sign-in matches -------------------------------------------


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_look_alike_spellings_count_against_the_account_they_sign_in_as(cast: Cast) -> None:
    # The sign-in form normalises usernames (NFKC) before authenticating: bob in
    # full-width letters signs in as bob, so its failures are bob's failures.
    assert signed_in(sign_in(FULL_WIDTH_BOB, PASSWORD))
    for spelling in (FULL_WIDTH_BOB, "b\uff4fb", "\uff42ob"):
        assert INVALID in sign_in_page(spelling, BAD_PASSWORD, address="192.0.2.20")
    assert THROTTLED_MESSAGE in sign_in_page("bob", PASSWORD, address="192.0.2.21")


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_other_letter_cases_do_not_lock_the_account_they_cannot_sign_in_as(cast: Cast) -> None:
    # Usernames match exactly (Django's rule): "BOB" never signs in as bob, so guessing
    # under "BOB" guesses nobody's password and must not lock bob out.
    assert not signed_in(sign_in("BOB", PASSWORD))
    for spelling in ("BOB", "Bob", "bOB"):
        sign_in(spelling, BAD_PASSWORD, address="192.0.2.30")
    assert signed_in(sign_in("bob", PASSWORD, address="192.0.2.31"))


@override_settings(LOGIN_THROTTLE_LIMIT=3)
def test_success_before_the_limit_clears_the_account_count(cast: Cast) -> None:
    for _ in range(2):
        sign_in("bob", BAD_PASSWORD)
    assert signed_in(sign_in("bob", PASSWORD))
    for _ in range(2):
        sign_in("bob", BAD_PASSWORD)
    assert signed_in(sign_in("bob", PASSWORD))


# --- per address: higher, shorter, and the real client behind trusted proxies ----------


@override_settings(
    LOGIN_THROTTLE_LIMIT=3, LOGIN_THROTTLE_ADDRESS_LIMIT=4, LOGIN_THROTTLE_ADDRESS_WINDOW_SECONDS=60
)
def test_an_address_guessing_at_many_accounts_is_refused_for_a_short_while(cast: Cast) -> None:
    office = "198.51.100.7"
    for name in ("bob", "alice", "fiona", "charlie"):
        assert INVALID in sign_in_page(name, BAD_PASSWORD, address=office)
    # Everyone behind the address is refused now, even with the right password...
    assert THROTTLED_MESSAGE in sign_in_page("olga", PASSWORD, address=office)
    # ...but not elsewhere: no account reached its own limit.
    assert signed_in(sign_in("bob", PASSWORD, address="198.51.100.8"))
    # The address window is shorter than the account window: once it passed, the office
    # signs in again.
    backdated = ThrottleCounter.objects.filter(scope="login-address", key=office).update(
        window_started_at=F("window_started_at") - dt.timedelta(seconds=61)
    )
    assert backdated == 1
    assert signed_in(sign_in("olga", PASSWORD, address=office))


@override_settings(LOGIN_THROTTLE_LIMIT=3, LOGIN_THROTTLE_ADDRESS_LIMIT=4)
def test_ipv6_addresses_of_one_network_share_their_count(cast: Cast) -> None:
    # A single IPv6 host commonly holds a whole /64: one address per guess must not help.
    for host, name in enumerate(("bob", "alice", "fiona", "charlie"), start=1):
        sign_in(name, BAD_PASSWORD, address=f"2001:db8:1:2::{host}")
    assert THROTTLED_MESSAGE in sign_in_page("olga", PASSWORD, address="2001:db8:1:2::99")
    assert signed_in(sign_in("olga", PASSWORD, address="2001:db8:1:3::1"))


@override_settings(TRUSTED_PROXIES=parse_networks("T", ["10.0.0.0/8", "192.0.2.1"]))
def test_behind_trusted_proxies_the_address_is_the_rightmost_untrusted_one() -> None:
    # The client claims to be 6.6.6.6; the outer proxy (192.0.2.1) adds the address it
    # saw; the inner one (10.1.1.1) connects to us.
    request = request_from("10.1.1.1", "6.6.6.6, 203.0.113.9, 192.0.2.1")
    assert client_address(request) == "203.0.113.9"  # type: ignore[arg-type]
    assert client_address(request_from("10.1.1.1", "203.0.113.9")) == "203.0.113.9"  # type: ignore[arg-type]
    # Only proxies in the chain: the farthest one is the best we know.
    assert client_address(request_from("10.1.1.1", "10.2.2.2")) == "10.2.2.2"  # type: ignore[arg-type]
    assert client_address(request_from("10.1.1.1")) == "10.1.1.1"  # type: ignore[arg-type]
    # A value no proxy of ours wrote stops the walk at the last trusted hop.
    assert client_address(request_from("10.1.1.1", "203.0.113.9, junk")) == "10.1.1.1"  # type: ignore[arg-type]


@override_settings(TRUSTED_PROXIES=parse_networks("T", ["10.0.0.0/8"]))
def test_a_forwarded_header_from_an_untrusted_peer_is_ignored() -> None:
    request = request_from("203.0.113.50", "10.0.0.1, 198.51.100.1")
    assert client_address(request) == "203.0.113.50"  # type: ignore[arg-type]


def test_without_trusted_proxies_the_forwarded_header_is_ignored() -> None:
    assert client_address(request_from("203.0.113.50", "198.51.100.1")) == "203.0.113.50"  # type: ignore[arg-type]


@override_settings(TRUSTED_PROXIES=parse_networks("T", ["10.0.0.0/8"]), LOGIN_THROTTLE_LIMIT=3)
def test_the_throttle_counts_the_forwarded_client_not_the_proxy(cast: Cast) -> None:
    def through_proxy(client_ip: str, username: str, password: str) -> Client:
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_ip)
        client.post(reverse("login"), {"username": username, "password": password})
        return client

    with override_settings(LOGIN_THROTTLE_ADDRESS_LIMIT=2):
        through_proxy("203.0.113.1", "bob", BAD_PASSWORD)
        through_proxy("203.0.113.1", "alice", BAD_PASSWORD)
        assert not signed_in(through_proxy("203.0.113.1", "fiona", PASSWORD))
        # Another client behind the same proxy is not refused.
        assert signed_in(through_proxy("203.0.113.2", "fiona", PASSWORD))


@pytest.mark.parametrize(
    ("value", "problem"),
    [(["10.0.0.0/33"], "10.0.0.0/33"), (["proxy.internal"], "proxy.internal")],
)
def test_trusted_proxies_setting_refuses_what_is_no_address(value: list[str], problem: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="PEERLEARN_TRUSTED_PROXIES"):
        parse_networks("PEERLEARN_TRUSTED_PROXIES", value)


def test_trusted_proxies_setting_takes_addresses_and_networks() -> None:
    networks = parse_networks("T", ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "10.1.2.3/8"])
    assert [str(network) for network in networks] == [
        "10.0.0.0/8",
        "192.0.2.1/32",
        "2001:db8::/32",
        "10.0.0.0/8",
    ]
