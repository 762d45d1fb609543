"""Items background jobs skipped: organisation admins see their organisation's, an
operator every one, nobody else any; the page and GET /api/skipped-items agree."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerlearn.api.services import api_token_create
from peerlearn.audit.models import ItemFailure
from peerlearn.audit.services import item_failure_record
from peerlearn.people.admin_accounts import operator_create
from peerlearn.people.models import User
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

PAGE = "/manage/skipped/"
API = "/api/skipped-items"


@pytest.fixture
def skipped(cast: Cast) -> Cast:
    item_failure_record(
        job="schedule: reminders",
        item="reminder for session 1 (Own <b>talk</b>) to Bob",
        error=ValueError("no such zone"),
        organisation_id=cast.org.pk,
    )
    item_failure_record(
        job="schedule: reminders",
        item="reminder for session 2 (Foreign talk) to Zed",
        error=ValueError("no such zone"),
        organisation_id=cast.other_org.pk,
    )
    return cast


def _api(user: User) -> Any:
    _, secret = api_token_create(user=user, name="skipped")
    return Client(headers={"Authorization": f"Bearer {secret}"}).get(API)


def test_org_admin_sees_own_organisations_skipped_items_only(skipped: Cast) -> None:
    body = client_for(skipped.olga).get(PAGE).content.decode()
    assert "Own &lt;b&gt;talk&lt;/b&gt;" in body
    assert "ValueError: no such zone" in body
    assert "Foreign talk" not in body
    items = _api(skipped.olga).json()["items"]
    assert [item["item"] for item in items] == ["reminder for session 1 (Own <b>talk</b>) to Bob"]
    assert items[0]["organisation_id"] == skipped.org.pk


@pytest.mark.parametrize("who", ["alice", "fiona", "bob", "charlie", "zed"])
def test_everyone_else_is_refused(skipped: Cast, who: str) -> None:
    person = getattr(skipped, who)
    page = client_for(person).get(PAGE)
    assert page.status_code == 403
    assert "talk" not in page.content.decode()
    api = _api(person)
    assert api.status_code == 403
    assert "items" not in api.json()


def test_signed_out_visitors_are_sent_to_sign_in(skipped: Cast) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert Client().get(API).status_code == 401


def test_operator_sees_every_organisations_items(skipped: Cast) -> None:
    operator = operator_create(
        username="root", email="root@example.com", password="operator-9f3k-long-pass"
    )
    body = client_for(operator).get(PAGE).content.decode()
    assert "Own &lt;b&gt;talk&lt;/b&gt;" in body
    assert "Foreign talk" in body


def test_the_page_and_api_only_read(skipped: Cast) -> None:
    before = list(ItemFailure.objects.values_list("pk", "item", "error"))
    assert client_for(skipped.olga).post(PAGE).status_code == 405
    _, secret = api_token_create(user=skipped.olga, name="skipped")
    writer = Client(headers={"Authorization": f"Bearer {secret}"})
    for method in (writer.post, writer.put, writer.patch, writer.delete):
        assert method(API).status_code == 405
    assert list(ItemFailure.objects.values_list("pk", "item", "error")) == before
