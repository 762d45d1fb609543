"""The audit log page and GET /api/audit-events: an organisation admin reads their
organisation's entries, an operator every entry, nobody else any; nothing writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerlearn.api.services import api_token_create
from peerlearn.audit.models import AuditEvent
from peerlearn.people.models import User
from tests.conftest import client_for
from tests.operations.conftest import AuditCast, event

pytestmark = pytest.mark.django_db

PAGE = "/manage/audit/"
API = "/api/audit-events"
OWN = ("Own-role", "Own-repo", "Own-cancel")


def _page(user: User | None, query: str = "") -> Any:
    return client_for(user).get(PAGE + query)


def _api(user: User, query: str = "") -> Any:
    _, secret = api_token_create(user=user, name="audit")
    return Client(headers={"Authorization": f"Bearer {secret}"}).get(API + query)


def _names(response: Any) -> set[str]:
    return {item["target_name"] for item in response.json()["items"]}


def test_page_url_is_under_manage() -> None:
    assert reverse("audit:audit_log") == PAGE


def test_org_admin_sees_own_organisations_entries_only(audit: AuditCast) -> None:
    response = _page(audit.cast.olga)
    assert response.status_code == 200
    body = response.content.decode()
    for name in OWN:
        assert name in body
    assert "Foreign-repo" not in body
    assert "membership.role_changed" in body
    assert "Olga" in body
    assert "The system" in body  # the cancellation no person made

    api = _api(audit.cast.olga)
    assert api.status_code == 200
    names = _names(api)
    assert set(OWN) <= names
    assert "Foreign-repo" not in names
    assert {item["organisation_id"] for item in api.json()["items"]} == {audit.cast.org.pk}


def test_admin_of_another_organisation_sees_none_of_ours(audit: AuditCast) -> None:
    body = _page(audit.other_admin).content.decode()
    assert "Foreign-repo" in body
    assert not any(name in body for name in OWN)
    names = _names(_api(audit.other_admin))
    assert "Foreign-repo" in names
    assert names.isdisjoint(OWN)


@pytest.mark.parametrize("who", ["alice", "bob", "fiona", "charlie", "zed"])
def test_leads_members_and_outsiders_are_refused(audit: AuditCast, who: str) -> None:
    user: User = getattr(audit.cast, who)
    page = _page(user)
    assert page.status_code == 403
    assert "Own-role" not in page.content.decode()
    api = _api(user)
    assert api.status_code == 403
    assert api.json() == {"detail": "Only an organisation admin can see the audit log."}


def test_anonymous_visitors_are_sent_to_log_in(audit: AuditCast) -> None:
    response = _page(None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().get(API).status_code == 401


def test_operator_sees_every_organisation(audit: AuditCast) -> None:
    body = _page(audit.operator).content.decode()
    for name in (*OWN, "Foreign-repo"):
        assert name in body
    assert "Other Co" in body  # the organisation column
    names = _names(_api(audit.operator, "?page_size=100"))
    assert {*OWN, "Foreign-repo"} <= names


def test_filter_by_kind_person_and_days(audit: AuditCast) -> None:
    olga, alice = audit.cast.olga, audit.cast.alice
    by_kind = _page(olga, "?action=repository.create").content.decode()
    assert "Own-repo" in by_kind
    assert "Own-role" not in by_kind
    assert "Own-cancel" not in by_kind
    by_person = _page(olga, f"?actor={alice.pk}").content.decode()
    assert "Own-repo" in by_person
    assert "Own-role" not in by_person
    by_system = _page(olga, "?actor=system").content.decode()
    assert "Own-cancel" in by_system
    assert "Own-repo" not in by_system
    today = timezone.localdate()
    since = (today - dt.timedelta(days=15)).isoformat()
    until = (today - dt.timedelta(days=5)).isoformat()
    by_days = _page(olga, f"?since={since}&until={until}").content.decode()
    assert "Own-repo" in by_days
    assert "Own-role" not in by_days
    assert "Own-cancel" not in by_days

    assert _names(_api(olga, "?action=repository.create")) == {"Own-repo"}
    assert _names(_api(olga, f"?actor_id={alice.pk}")) >= {"Own-repo"}
    assert "Own-role" not in _names(_api(olga, f"?actor_id={alice.pk}"))
    assert "Own-cancel" in _names(_api(olga, "?system=true"))
    assert _names(_api(olga, f"?since={since}&until={until}")) == {"Own-repo"}


def test_bad_filters_are_told_at_the_field_never_a_500(audit: AuditCast) -> None:
    olga = audit.cast.olga
    backwards = _page(olga, "?since=2026-05-10&until=2026-05-01")
    assert backwards.status_code == 200
    assert "The last day is before the first day." in backwards.content.decode()
    year_one = _page(olga, "?since=0001-01-01")
    assert year_one.status_code == 200
    assert "1970-01-01 and 2100-12-31" in year_one.content.decode()
    for query in ("?actor=99999999999999999999", "?action=%00", "?page=abc", "?page=9" * 3):
        assert _page(olga, query).status_code == 200, query

    assert _api(olga, "?since=0001-01-01").status_code == 422
    assert _api(olga, "?since=2026-05-10&until=2026-05-01").status_code == 422
    assert _api(olga, "?actor_id=99999999999999999999").status_code == 422
    assert _api(olga, "?action=a%0Ab").status_code == 422


def test_page_is_paginated_with_the_filter_kept(audit: AuditCast) -> None:
    for number in range(55):
        event(audit.cast.org, "token.create", actor=audit.cast.olga, days_ago=0, name=f"T{number}")
    first = _page(audit.cast.olga, "?action=token.create").content.decode()
    assert "Page 1 of 2" in first
    assert "?action=token.create&amp;page=2" in first
    second = _page(audit.cast.olga, "?action=token.create&page=2").content.decode()
    assert "Page 2 of 2" in second
    assert "Own-repo" not in second


def test_page_queries_do_not_grow_with_entries(
    audit: AuditCast, django_assert_max_num_queries: Any
) -> None:
    client = client_for(audit.cast.olga)
    client.get(PAGE)  # warm the session
    with django_assert_max_num_queries(8) as few:
        client.get(PAGE)
    for number in range(30):
        event(audit.cast.org, "feed.create", actor=audit.cast.alice, days_ago=0, name=f"F{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)


def test_nothing_can_be_changed_or_deleted(audit: AuditCast) -> None:
    olga, operator = audit.cast.olga, audit.operator
    target = audit.own[0]
    _, secret = api_token_create(user=operator, name="writer")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    admin = client_for(operator)
    before = list(AuditEvent.objects.values())
    assert client_for(olga).post(PAGE, {"action": "x"}).status_code == 405
    for method in ("post", "put", "patch", "delete"):
        for path in (API, f"{API}/{target.pk}"):
            response = getattr(api, method)(path, data={}, content_type="application/json")
            assert response.status_code in {404, 405}, (method, path)
    # Django admin shows the log to the operator, read-only.
    change = reverse("admin:audit_auditevent_change", args=[target.pk])
    assert admin.get(change).status_code == 200
    assert admin.post(change, {"action": "edited"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[target.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert list(AuditEvent.objects.values()) == before


def test_openapi_lists_the_endpoint_as_read_only() -> None:
    document = Client().get("/api/openapi.json").json()
    operations = document["paths"]["/api/audit-events"]
    assert set(operations) == {"get"}
    assert "AuditEventOut" in document["components"]["schemas"]
