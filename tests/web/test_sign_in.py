"""Sign-in is checked on every request, with Django's own sessions and ModelBackend.

These pin what peerlearn relies on: a logged-out, expired, tampered, deactivated or
password-changed session is refused on its very next request, and a hostile cookie
signs nobody in and deletes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from peerlearn.people.models import User
from peerlearn.people.services import person_set_password
from peerlearn.web.session_store import SessionStore
from peerlearn.web.tasks import prune_expired_sessions
from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db

HOSTILE_KEYS = [
    "'; DROP TABLE django_session; --",
    "' OR '1'='1",
    "%s%s%%s%(x)s",
    "ключ\u202e\u200bemoji🙂",
    "x" * 100_000,
    "\x00abcdefgh",  # a cookie can carry a NUL; PostgreSQL refuses it in a query
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
]


def session_cookie(client: Client) -> str:
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def client_with_cookie(key: str) -> Client:
    client = Client()
    # As a WSGI server hands over the header: its bytes, decoded as ISO-8859-1.
    client.cookies[settings.SESSION_COOKIE_NAME] = key.encode().decode("iso-8859-1")
    return client


def dashboard_status(client: Client) -> int:
    return client.get(reverse("web:dashboard")).status_code


def assert_redirects_to_login(client: Client) -> None:
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_login_then_the_dashboard_shows_the_person(cast: Cast) -> None:
    client = Client()
    assert client.login(username="bob", password=PASSWORD)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == cast.bob


@pytest.mark.parametrize(
    ("username", "password"),
    [("bob", "wrong password"), ("bob", ""), ("nobody", PASSWORD), ("bob' OR '1'='1", PASSWORD)],
)
def test_authenticate_with_wrong_credentials_fails(
    cast: Cast, username: str, password: str
) -> None:
    assert authenticate(None, username=username, password=password) is None


def test_an_expired_session_is_sent_to_login(cast: Cast) -> None:
    client = client_for(cast.bob)
    assert dashboard_status(client) == 200
    Session.objects.filter(session_key=session_cookie(client)).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    assert_redirects_to_login(client)


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda key: repr(key[:24]))
def test_a_hostile_cookie_signs_nobody_in_and_deletes_nothing(cast: Cast, key: str) -> None:
    signed_in = client_for(cast.bob)
    before = Session.objects.count()
    assert_redirects_to_login(client_with_cookie(key))
    assert Session.objects.count() == before
    assert dashboard_status(signed_in) == 200


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda key: repr(key[:24]))
def test_a_key_no_session_can_have_is_not_looked_up(
    django_assert_num_queries: DjangoAssertNumQueries, key: str
) -> None:
    with django_assert_num_queries(0):
        assert SessionStore(key).load() == {}


def test_a_real_key_is_still_looked_up(cast: Cast) -> None:
    key = session_cookie(client_for(cast.bob))
    assert SessionStore(key).load()


def test_tampered_session_data_is_sent_to_login(cast: Cast) -> None:
    client = client_for(cast.bob)
    key = session_cookie(client)
    data = Session.objects.get(session_key=key).session_data
    changed = data[:3] + ("A" if data[3] != "A" else "B") + data[4:]
    Session.objects.filter(session_key=key).update(session_data=changed)
    assert_redirects_to_login(client)


def test_logout_ends_the_session_for_every_copy_of_the_cookie(cast: Cast) -> None:
    client = client_for(cast.bob)
    key = session_cookie(client)
    staying = client_for(cast.alice)
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert_redirects_to_login(client)
    assert_redirects_to_login(client_with_cookie(key))
    assert dashboard_status(staying) == 200


def test_deactivating_a_person_signs_them_out(cast: Cast) -> None:
    client = client_for(cast.bob)
    assert dashboard_status(client) == 200
    User.objects.filter(pk=cast.bob.pk).update(is_active=False)
    assert_redirects_to_login(client)


def test_changing_the_password_signs_out_existing_sessions(cast: Cast) -> None:
    bob = client_for(cast.bob)
    alice = client_for(cast.alice)
    assert dashboard_status(bob) == 200
    person_set_password(person=User.objects.get(pk=cast.bob.pk), password="a new passphrase")
    assert_redirects_to_login(bob)
    assert dashboard_status(alice) == 200


def test_changing_the_password_hash_directly_signs_out_existing_sessions(cast: Cast) -> None:
    client = client_for(cast.bob)
    assert dashboard_status(client) == 200
    User.objects.filter(pk=cast.bob.pk).update(password="md5$other$0123456789abcdef")
    assert_redirects_to_login(client)


def test_expired_sessions_are_pruned_and_live_ones_kept(cast: Cast) -> None:
    live = session_cookie(client_for(cast.bob))
    expired = session_cookie(client_for(cast.alice))
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    prune_expired_sessions.call()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
