"""The authentication backend (peerlearn.people.auth_backend): ModelBackend, with the
per-request user loaded by one precompiled query that also brings the organisation's
content version. It must give the same person the ORM would."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from peerlearn.people import user_rows
from peerlearn.people.auth_backend import PeopleBackend, load_user
from peerlearn.people.models import LoginSession as Session
from peerlearn.people.models import Organisation, User
from peerlearn.people.services import person_set_password, team_create
from peerlearn.people.user_rows import CONTENT_VERSION_ATTRIBUTE
from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db

BACKEND = "peerlearn.people.auth_backend.PeopleBackend"
# Not UTC, with microseconds: the loaded value must be the same instant, aware, as the ORM's.
LAST_LOGIN = dt.datetime(2024, 3, 5, 14, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Kolkata"))
DATE_JOINED = dt.datetime(2023, 11, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)


def content_version(org: Organisation) -> int:
    return Organisation.objects.values_list("content_version", flat=True).get(pk=org.pk)


def assert_same_as_orm(loaded: User | None, pk: int) -> None:
    expected = User.objects.get(pk=pk)
    assert loaded is not None
    assert type(loaded) is User
    for field in User._meta.concrete_fields:
        value, wanted = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert type(value) is type(wanted), field.attname
        assert value == wanted, field.attname
        if isinstance(wanted, dt.datetime):
            assert value.tzinfo is not None, field.attname
            assert value.utcoffset() == wanted.utcoffset(), field.attname
    # Loaded from the database like an ORM instance: saving it updates, not inserts.
    assert loaded._state.adding is False
    assert loaded._state.db == "default"


def dashboard_status(client: Client) -> int:
    return client.get(reverse("web:dashboard")).status_code


def assert_redirects_to_login(client: Client) -> None:
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_project_uses_this_backend() -> None:
    assert settings.AUTHENTICATION_BACKENDS == [BACKEND]


@pytest.mark.parametrize("cold", [False, True])
def test_get_user_matches_the_orm_field_by_field(
    cast: Cast, cold: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    User.objects.filter(pk=cast.bob.pk).update(
        last_login=LAST_LOGIN, date_joined=DATE_JOINED, first_name="Bob", last_name="O'Brien"
    )
    if cold:  # as in a fresh process: the query is compiled on this call
        monkeypatch.setattr(user_rows, "_shapes", {})

    loaded = PeopleBackend().get_user(cast.bob.pk)

    assert_same_as_orm(loaded, cast.bob.pk)
    assert loaded is not None
    assert loaded.pk == cast.bob.pk
    assert loaded.username == "bob"
    assert loaded.last_name == "O'Brien"
    assert loaded.last_login == LAST_LOGIN
    assert loaded.date_joined == DATE_JOINED
    assert loaded.organisation_id == cast.org.pk
    assert loaded.organisation == cast.org
    assert getattr(loaded, CONTENT_VERSION_ATTRIBUTE) == content_version(cast.org)


@pytest.mark.parametrize("who", ["alice", "olga", "zed"])
def test_get_user_gives_each_person_their_own_organisations_version(cast: Cast, who: str) -> None:
    person: User = getattr(cast, who)
    loaded = PeopleBackend().get_user(person.pk)
    assert_same_as_orm(loaded, person.pk)
    assert person.organisation is not None
    assert getattr(loaded, CONTENT_VERSION_ATTRIBUTE) == content_version(person.organisation)
    assert content_version(cast.org) != content_version(cast.other_org)


def test_get_user_never_logged_in_has_no_last_login(cast: Cast) -> None:
    assert User.objects.get(pk=cast.charlie.pk).last_login is None
    loaded = PeopleBackend().get_user(cast.charlie.pk)
    assert_same_as_orm(loaded, cast.charlie.pk)
    assert loaded is not None
    assert loaded.last_login is None


def test_get_user_reads_the_current_content_version_on_every_call(cast: Cast) -> None:
    backend = PeopleBackend()
    before = getattr(backend.get_user(cast.bob.pk), CONTENT_VERSION_ATTRIBUTE)
    team_create(organisation=cast.org, name="Another team")
    after = getattr(backend.get_user(cast.bob.pk), CONTENT_VERSION_ATTRIBUTE)
    assert after == content_version(cast.org)
    assert after != before


def test_get_user_reads_changed_fields_on_every_call(cast: Cast) -> None:
    backend = PeopleBackend()
    assert_same_as_orm(backend.get_user(cast.bob.pk), cast.bob.pk)
    User.objects.filter(pk=cast.bob.pk).update(display_name="Robert", is_org_admin=True)
    loaded = backend.get_user(cast.bob.pk)
    assert_same_as_orm(loaded, cast.bob.pk)
    assert loaded is not None
    assert (loaded.display_name, loaded.is_org_admin) == ("Robert", True)


def test_get_user_outside_any_organisation_has_no_content_version(db: None) -> None:
    loner = User.objects.create_user(username="loner", password=PASSWORD)
    User.objects.filter(pk=loner.pk).update(last_login=LAST_LOGIN)
    loaded = PeopleBackend().get_user(loner.pk)
    assert_same_as_orm(loaded, loner.pk)
    assert loaded is not None
    assert loaded.organisation_id is None
    assert hasattr(loaded, CONTENT_VERSION_ATTRIBUTE)
    assert getattr(loaded, CONTENT_VERSION_ATTRIBUTE) is None


def test_get_user_accepts_the_id_as_the_session_stores_it(cast: Cast) -> None:
    loaded = PeopleBackend().get_user(str(cast.bob.pk))
    assert loaded is not None
    assert loaded.pk == cast.bob.pk


@pytest.mark.parametrize("user_id", ["abc", None, "", "1.5", "0x1", [], object()])
def test_get_user_with_a_malformed_id_is_none(cast: Cast, user_id: Any) -> None:
    assert PeopleBackend().get_user(user_id) is None


@pytest.mark.parametrize("offset", [1_000, -1_000_000])
def test_get_user_with_an_unknown_id_is_none(cast: Cast, offset: int) -> None:
    unknown = User.objects.order_by("-pk").values_list("pk", flat=True)[0] + offset
    assert PeopleBackend().get_user(unknown) is None
    assert PeopleBackend().get_user(str(unknown)) is None
    assert load_user(unknown) is None


def test_get_user_of_a_deleted_person_is_none(db: None) -> None:
    gone = User.objects.create_user(username="gone")
    pk = gone.pk
    gone.delete()
    assert PeopleBackend().get_user(pk) is None


@pytest.mark.parametrize("user_id", [2**63, -(2**63) - 1, "99999999999999999999"])
def test_get_user_with_an_id_out_of_the_columns_range_is_none(cast: Cast, user_id: Any) -> None:
    # As with ModelBackend (the ORM treats an out-of-range integer as matching nothing);
    # SQLite's driver would raise if the number reached it.
    assert PeopleBackend().get_user(user_id) is None


def test_get_user_of_an_inactive_person_is_none(cast: Cast) -> None:
    User.objects.filter(pk=cast.bob.pk).update(is_active=False)
    assert PeopleBackend().get_user(cast.bob.pk) is None
    # The row is still there: it is the is_active rule that refuses it.
    loaded = load_user(cast.bob.pk)
    assert loaded is not None
    assert loaded.is_active is False


def test_authenticate_with_the_right_password(cast: Cast) -> None:
    user = authenticate(None, username="bob", password=PASSWORD)
    assert user == cast.bob
    assert getattr(user, "backend", None) == BACKEND


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("bob", "wrong password"),
        ("bob", ""),
        ("bob", PASSWORD.upper()),
        ("nobody", PASSWORD),
        ("bob' OR '1'='1", PASSWORD),
    ],
)
def test_authenticate_with_wrong_credentials_fails(
    cast: Cast, username: str, password: str
) -> None:
    assert authenticate(None, username=username, password=password) is None


def test_authenticate_refuses_an_inactive_person(cast: Cast) -> None:
    User.objects.filter(pk=cast.bob.pk).update(is_active=False)
    assert authenticate(None, username="bob", password=PASSWORD) is None


def test_password_login_then_request_uses_this_backend(cast: Cast) -> None:
    client = Client()
    assert client.login(username="bob", password=PASSWORD)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert user == cast.bob
    assert getattr(user, CONTENT_VERSION_ATTRIBUTE) == content_version(cast.org)


def test_deactivating_a_person_signs_them_out(cast: Cast) -> None:
    client = client_for(cast.bob)
    assert dashboard_status(client) == 200
    User.objects.filter(pk=cast.bob.pk).update(is_active=False)
    assert_redirects_to_login(client)


def test_changing_the_password_signs_out_existing_sessions(cast: Cast) -> None:
    bob = client_for(cast.bob)
    alice = client_for(cast.alice)
    assert dashboard_status(bob) == 200
    assert dashboard_status(alice) == 200
    key = bob.cookies[settings.SESSION_COOKIE_NAME].value

    person_set_password(person=User.objects.get(pk=cast.bob.pk), password="a new passphrase")

    assert_redirects_to_login(bob)
    # Django's session-hash check failed and flushed the stale session.
    assert not Session.objects.filter(session_key=key).exists()
    assert dashboard_status(alice) == 200
    assert authenticate(None, username="bob", password="a new passphrase") == cast.bob
    assert authenticate(None, username="bob", password=PASSWORD) is None


def test_changing_the_password_hash_directly_signs_out_existing_sessions(cast: Cast) -> None:
    client = client_for(cast.bob)
    assert dashboard_status(client) == 200
    User.objects.filter(pk=cast.bob.pk).update(password="md5$other$0123456789abcdef")
    assert_redirects_to_login(client)


@pytest.mark.parametrize("cold", [False, True])
def test_load_user_runs_one_query(
    cast: Cast,
    cold: bool,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    version = content_version(cast.org)
    if cold:
        monkeypatch.setattr(user_rows, "_shapes", {})
    else:
        load_user(cast.bob.pk)
    with django_assert_num_queries(1):
        loaded = load_user(cast.bob.pk)
        # The organisation's version came with the person: no round trip of its own.
        assert loaded is not None
        assert getattr(loaded, CONTENT_VERSION_ATTRIBUTE) == version
        assert loaded.is_active


def test_get_user_runs_one_query(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        assert PeopleBackend().get_user(cast.bob.pk) is not None
