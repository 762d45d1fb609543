"""The session read outside a transaction on PostgreSQL: a statement prepared once per
connection, and one reconnect when the server dropped a kept connection.

These run without the test's wrapping transaction (transactional_db), as requests do.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from peerlearn.people.models import LoginSession
from peerlearn.web import sessions
from peerlearn.web.sessions import SessionStore
from tests.conftest import Cast, client_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's own paths"),
]


@pytest.fixture
def signed_in_key(cast: Cast) -> str:
    return str(client_for(cast.bob).cookies["sessionid"].value)


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_the_read_is_prepared_once_and_answers_like_the_plain_statement(
    cast: Cast, signed_in_key: str
) -> None:
    store = SessionStore(signed_in_key)
    assert store.load()["_auth_user_id"] == str(cast.bob.pk)
    assert store.person is not None
    assert store.person.pk == cast.bob.pk
    assert sessions._PREPARED in prepared_statements()
    # Again on the same connection: no second PREPARE (it would raise, being a duplicate).
    assert SessionStore(signed_in_key).load()["_auth_user_id"] == str(cast.bob.pk)
    assert SessionStore("x" * 32).load() == {}
    LoginSession.objects.filter(session_key=signed_in_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert SessionStore(signed_in_key).load() == {}


def test_a_prepared_statement_that_went_away_is_answered_and_prepared_again(
    cast: Cast, signed_in_key: str
) -> None:
    assert SessionStore(signed_in_key).load()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does
    assert SessionStore(signed_in_key).load()["_auth_user_id"] == str(cast.bob.pk)
    assert sessions._PREPARED not in prepared_statements()  # answered by the plain one
    assert SessionStore(signed_in_key).load()["_auth_user_id"] == str(cast.bob.pk)
    assert sessions._PREPARED in prepared_statements()


def test_a_connection_the_server_dropped_is_replaced_without_a_failed_request(
    cast: Cast, signed_in_key: str
) -> None:
    client = client_for(cast.bob)
    assert client.get(reverse("web:dashboard")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The same Django connection object is kept between requests; its socket is dead.
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert ">Bob</a>" in response.content.decode()
