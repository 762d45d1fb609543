"""The knowledge base through the API: the same rules and services as its pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerlearn.capture import services as capture_services
from peerlearn.capture.models import ActionItem
from peerlearn.kb import services
from peerlearn.kb.models import KbPage
from tests.api.conftest import json_of
from tests.conftest import Cast
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db

NOTES = (
    "OpenTelemetry sends spans from every service to the collector.\n"
    "Sampling at the edge keeps the cost down while errors are always kept.\n"
    "- [ ] @bob write the sampling runbook\n"
)


def put(client: Client, url: str, data: object) -> Any:
    return client.put(url, data=data, content_type="application/json")


def _published(cast: Cast, title: str, **extra: Any) -> KbPage:
    session = make_session(cast.platform, title=title, facilitator=cast.fiona)
    return services.kb_page_publish(
        session=session, actor=cast.fiona, title=title, summary="**Sum**", takeaways=["t"],
        **extra,
    ).page  # fmt: skip


def test_propose_then_publish_creates_the_page_and_the_confirmed_items(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform, title="Tracing", facilitator=cast.fiona)
    capture_services.notes_save(session=session, author=cast.fiona, body=NOTES, base_version=0)
    client = client_as("fiona")
    proposal = json_of(client.get(f"/api/sessions/{session.pk}/kb-proposal"))
    assert any("OpenTelemetry" in t for t in proposal["takeaways"])
    assert not KbPage.objects.exists()
    body = {
        "title": "Tracing",
        "takeaways": ["Errors are always kept"],
        "tags": ["Tracing"],
        "action_items": [{"text": "Add the dashboard", "owner_id": cast.alice.pk}],
    }
    created = put(client, f"/api/sessions/{session.pk}/kb-page", body)
    assert created.status_code == 201
    page = json_of(created)
    assert page["takeaways"] == ["Errors are always kept"]
    assert page["tags"] == ["tracing"]
    assert [p["name"] for p in page["teachers"]] == ["Fiona"]
    assert ActionItem.objects.filter(text="Add the dashboard", owner=cast.alice).exists()
    again = put(client, f"/api/sessions/{session.pk}/kb-page", {**body, "action_items": []})
    assert again.status_code == 200
    assert KbPage.objects.count() == 1


def test_an_owner_outside_the_team_is_refused_and_nothing_is_published(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform, facilitator=cast.fiona)
    response = put(
        client_as("fiona"),
        f"/api/sessions/{session.pk}/kb-page",
        {
            "title": "T",
            "takeaways": ["x"],
            "action_items": [{"text": "Do", "owner_id": cast.zed.pk}],
        },
    )
    assert response.status_code in (400, 422)
    assert not KbPage.objects.exists()
    assert not ActionItem.objects.exists()


def test_listing_filters_and_detail(cast: Cast, client_as: Callable[[str], Client]) -> None:
    kafka = _published(cast, "Kafka lag", tags=["kafka"], code_areas=["services/consumer"])
    _published(cast, "Helm charts", tags=["helm"])
    client = client_as("bob")
    listed = json_of(client.get(f"/api/teams/{cast.platform.pk}/kb-pages", {"tag": "kafka"}))
    assert [p["title"] for p in listed["items"]] == ["Kafka lag"]
    assert listed["count"] == 1
    by_area = json_of(client.get(f"/api/teams/{cast.platform.pk}/kb-pages", {"area": "services"}))
    assert [p["id"] for p in by_area["items"]] == [kafka.pk]
    detail = json_of(client.get(f"/api/kb-pages/{kafka.pk}"))
    assert detail["summary_html"].strip() == "<p><strong>Sum</strong></p>"
    assert detail["staleness"] == {"files": 0, "changed": 0, "stale": False}


@pytest.mark.parametrize(
    ("who", "read", "read_open", "publish", "remove"),
    [
        ("olga", 200, 200, 201, 204),
        ("alice", 200, 200, 201, 204),
        ("fiona", 200, 200, 201, 204),
        ("bob", 200, 200, 403, 403),
        ("charlie", 404, 200, 404, 403),  # Mobile: reads only what the team opened
        ("zed", 404, 404, 404, 404),  # another organisation
        ("anonymous", 401, 401, 401, 401),
    ],
)
def test_who_may_do_what(
    cast: Cast,
    client_as: Callable[[str], Client],
    who: str,
    read: int,
    read_open: int,
    publish: int,
    remove: int,
) -> None:
    closed = _published(cast, "Team only")
    opened = _published(cast, "For everyone", open_to_organisation=True)
    fresh = make_session(cast.platform, title="Fresh")
    client = client_as(who)
    assert client.get(f"/api/kb-pages/{closed.pk}").status_code == read
    assert client.get(f"/api/kb-pages/{opened.pk}").status_code == read_open
    assert client.get(f"/api/teams/{cast.platform.pk}/kb-pages").status_code == (
        read if read != 404 else 404
    )
    status = put(client, f"/api/sessions/{fresh.pk}/kb-page", {"title": "New", "takeaways": ["x"]})
    assert status.status_code == publish
    assert KbPage.objects.filter(session=fresh).exists() == (publish == 201)
    before = KbPage.objects.count()
    assert client.delete(f"/api/kb-pages/{opened.pk}").status_code == remove
    assert KbPage.objects.count() == before - (1 if remove == 204 else 0)
