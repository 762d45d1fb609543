"""The session store (peerlearn.web.sessions): Django's database sessions, read with one
plain SQL statement. It must load exactly what Django's own store would."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from peerlearn.people.models import LoginSession as Session
from peerlearn.web.sessions import SessionStore
from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db

DATA: dict[str, Any] = {
    "text": "Grüße, 'quoted' and \"double\"; DROP TABLE x; --",
    "number": 42,
    "fraction": 2.5,
    "flag": True,
    "nothing": None,
    "items": [1, "two", [3]],
    "nested": {"a": {"b": ["c"]}},
}

HOSTILE_KEYS = [
    "'; DROP TABLE django_session; --",
    "' OR '1'='1",
    '" OR ""="',
    "abcdefgh' --",
    "%s%s%%s%(x)s",
    "\\'; \\\\ backslashes",
    "ключ\u202e\u200bemoji🙂",
    "x" * 100_000,
    "'" * 5_000,
    "\x00abcdefgh",  # a cookie can carry a NUL; PostgreSQL refuses it in a query
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
]


def saved_session(data: dict[str, Any]) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.save()
    assert store.session_key is not None
    return store


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_with_cookie(key: str) -> Client:
    client = Client()
    # As a WSGI server hands over the header: its bytes, decoded as ISO-8859-1.
    client.cookies[settings.SESSION_COOKIE_NAME] = key.encode().decode("iso-8859-1")
    return client


def changed_at(text: str, position: int) -> str:
    """The text with one character replaced by a different one."""
    replacement = "A" if text[position] != "A" else "B"
    return text[:position] + replacement + text[position + 1 :]


def assert_redirects_to_login(client: Client) -> None:
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_project_uses_this_store(cast: Cast) -> None:
    assert settings.SESSION_ENGINE == "peerlearn.web.sessions"
    client = client_for(cast.bob)
    assert type(client.session) is SessionStore


def test_saved_session_loads_back_the_same_data() -> None:
    store = saved_session(DATA)
    key = store.session_key

    loaded = SessionStore(key)
    assert loaded.load() == DATA
    assert loaded.session_key == key
    # The same as Django's own decoding of the stored row.
    assert Session.objects.get(session_key=key).get_decoded() == DATA


def test_saved_session_reads_back_through_the_mapping_interface() -> None:
    store = saved_session(DATA)
    loaded = SessionStore(store.session_key)
    assert loaded["text"] == DATA["text"]
    assert dict(loaded.items()) == DATA
    assert not loaded.is_empty()


def test_signed_in_request_loads_the_session(cast: Cast) -> None:
    client = Client()
    assert client.login(username="bob", password=PASSWORD)
    key = session_cookie(client)

    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == cast.bob

    data = SessionStore(key).load()
    assert data["_auth_user_id"] == str(cast.bob.pk)
    assert data["_auth_user_backend"] == "peerlearn.people.auth_backend.PeopleBackend"
    assert data["_auth_user_hash"] == cast.bob.get_session_auth_hash()


def test_force_logged_in_client_reaches_the_dashboard_twice(cast: Cast) -> None:
    client = client_for(cast.alice)
    for _ in range(2):
        response = client.get(reverse("web:dashboard"))
        assert response.status_code == 200
        assert response.wsgi_request.user == cast.alice


def test_data_written_during_a_request_is_read_back_by_the_store(cast: Cast) -> None:
    client = client_for(cast.bob)
    session = client.session
    session["marker"] = DATA
    session.save()
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert SessionStore(session_cookie(client)).load()["marker"] == DATA


def test_expired_session_loads_as_empty_and_drops_the_key() -> None:
    store = saved_session(DATA)
    key = store.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    loaded = SessionStore(key)
    assert loaded.load() == {}
    assert loaded.session_key is None
    # The row itself is left for clearsessions.
    assert Session.objects.filter(session_key=key).exists()


def test_session_expiring_later_still_loads() -> None:
    store = saved_session(DATA)
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    assert SessionStore(store.session_key).load() == DATA


def test_signed_in_client_with_an_expired_session_is_sent_to_login(cast: Cast) -> None:
    client = client_for(cast.bob)
    assert client.get(reverse("web:dashboard")).status_code == 200
    Session.objects.filter(session_key=session_cookie(client)).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    assert_redirects_to_login(client)


@pytest.mark.parametrize("key", ["0" * 32, "unknownkeyunknownkeyunknownkey12"])
def test_unknown_key_loads_as_empty(key: str) -> None:
    kept = saved_session(DATA)
    loaded = SessionStore(key)
    assert loaded.load() == {}
    assert loaded.session_key is None
    assert Session.objects.count() == 1
    assert SessionStore(kept.session_key).load() == DATA


@pytest.mark.parametrize("key", [None, "", "short"])
def test_missing_or_invalid_key_loads_as_empty_without_a_query(
    key: str | None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    kept = saved_session(DATA)
    loaded = SessionStore(key)
    with django_assert_num_queries(0):
        assert loaded.load() == {}
    assert loaded.session_key is None
    assert Session.objects.count() == 1
    assert SessionStore(kept.session_key).load() == DATA


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda key: repr(key[:24]))
def test_hostile_key_loads_as_empty_and_deletes_nothing(key: str) -> None:
    kept = saved_session(DATA)
    other = saved_session({"other": 1})

    loaded = SessionStore(key)
    assert loaded.load() == {}
    assert loaded.session_key is None

    assert Session.objects.count() == 2
    assert SessionStore(kept.session_key).load() == DATA
    assert SessionStore(other.session_key).load() == {"other": 1}


@pytest.mark.parametrize("key", [*HOSTILE_KEYS, "0" * 32])
def test_hostile_cookie_is_treated_as_signed_out(cast: Cast, key: str) -> None:
    signed_in = client_for(cast.bob)
    before = Session.objects.count()

    assert_redirects_to_login(client_with_cookie(key))

    assert Session.objects.count() == before
    assert signed_in.get(reverse("web:dashboard")).status_code == 200


def test_key_differing_only_in_case_or_spacing_does_not_load() -> None:
    key = saved_session(DATA).session_key
    assert key is not None
    for variant in (key.upper(), f"{key} ", f" {key}", key[:-1]):
        assert SessionStore(variant).load() == {}


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_tampered_session_data_loads_as_empty(where: str, caplog: pytest.LogCaptureFixture) -> None:
    store = saved_session(DATA)
    key = store.session_key
    row = Session.objects.get(session_key=key)
    data = row.session_data
    # signing.dumps gives "payload:timestamp:signature".
    position = 2 if where == "payload" else len(data) - 3
    assert data.count(":") == 2
    Session.objects.filter(session_key=key).update(session_data=changed_at(data, position))

    loaded = SessionStore(key)
    with caplog.at_level(logging.WARNING, logger="django.security.SuspiciousSession"):
        assert loaded.load() == {}
    # Django's decode: a bad signature is logged as a suspicious session and read as an
    # empty session; the key itself is kept, as Django's own store keeps it.
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("django.security.SuspiciousSession", "Session data corrupted")
    ]
    assert loaded.session_key == key


def test_unreadable_session_data_loads_as_empty() -> None:
    store = saved_session(DATA)
    Session.objects.filter(session_key=store.session_key).update(session_data="not signed")
    assert SessionStore(store.session_key).load() == {}


def test_signed_in_client_with_tampered_data_is_sent_to_login(cast: Cast) -> None:
    client = client_for(cast.bob)
    key = session_cookie(client)
    data = Session.objects.get(session_key=key).session_data
    Session.objects.filter(session_key=key).update(session_data=changed_at(data, 3))
    assert_redirects_to_login(client)


def test_logout_deletes_the_row_and_the_old_cookie_no_longer_signs_in(cast: Cast) -> None:
    client = client_for(cast.bob)
    key = session_cookie(client)
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(reverse("logout"))
    assert response.status_code == 302

    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}
    assert_redirects_to_login(client)
    assert_redirects_to_login(client_with_cookie(key))


def test_logout_leaves_other_sessions_alone(cast: Cast) -> None:
    leaving = client_for(cast.bob)
    staying = client_for(cast.alice)
    leaving.post(reverse("logout"))
    assert Session.objects.filter(session_key=session_cookie(staying)).exists()
    assert staying.get(reverse("web:dashboard")).status_code == 200


def test_load_runs_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    key = saved_session(DATA).session_key
    loaded = SessionStore(key)
    with django_assert_num_queries(1):
        assert loaded.load() == DATA


def test_load_of_an_expired_session_runs_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    key = saved_session(DATA).session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    loaded = SessionStore(key)
    with django_assert_num_queries(1):
        assert loaded.load() == {}


# --- the signed-in person's column --------------------------------------------------


def test_signing_in_records_the_person_on_the_session_row(cast: Cast) -> None:
    client = Client()
    assert client.login(username="bob", password=PASSWORD)
    row = Session.objects.get(session_key=session_cookie(client))
    assert row.user_id == cast.bob.pk  # type: ignore[attr-defined]


def test_the_session_data_not_the_column_decides_who_is_signed_in(cast: Cast) -> None:
    client = client_for(cast.bob)
    key = session_cookie(client)
    Session.objects.filter(session_key=key).update(user=cast.alice)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert ">Bob</a>" in page
    assert ">Alice</a>" not in page


def test_a_session_without_a_person_loads_in_one_query(
    db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    store = saved_session({"cart": [1, 2]})
    loaded = SessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert loaded.load() == {"cart": [1, 2]}
    assert loaded.person is None


def test_removing_a_person_removes_their_sessions(cast: Cast) -> None:
    client = client_for(cast.charlie)
    key = session_cookie(client)
    cast.charlie.delete()
    assert not Session.objects.filter(session_key=key).exists()


def test_expired_sessions_are_pruned_and_live_ones_kept(cast: Cast) -> None:
    from peerlearn.web.tasks import prune_expired_sessions

    live = session_cookie(client_for(cast.bob))
    expired = session_cookie(client_for(cast.alice))
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    prune_expired_sessions.call()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
