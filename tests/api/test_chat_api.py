"""Chat webhooks through the API: leads only, the URL taken but never given back, the
same checks and services as the team's chat page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerlearn.chat.models import ChatWebhook
from tests.api.conftest import json_of
from tests.chat.conftest import Recorder
from tests.chat.conftest import recorder as recorder  # the fixture
from tests.conftest import Cast
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: object) -> Any:
    return client.post(url, data=data, content_type="application/json")


def test_a_lead_adds_tests_lists_changes_and_removes_a_webhook(
    cast: Cast, client_as: Callable[[str], Client], recorder: Recorder
) -> None:
    lead = client_as("alice")
    base = f"/api/teams/{cast.platform.pk}/chat-webhooks"
    body = {
        "service": "teams",
        "name": "Learning",
        "url": recorder.url("/t"),
        "events": ["reminder"],
    }
    created = post(lead, base, body)
    assert created.status_code == 201, created.content
    hook = json_of(created)
    assert hook["host"] == "127.0.0.1"
    assert "/t" not in str(hook)  # the secret URL is never given back
    tested = json_of(post(lead, f"/api/chat-webhooks/{hook['id']}/test", {}))
    assert tested == {"accepted": True, "detail": "The test message was accepted by 127.0.0.1."}
    assert recorder.bodies("/t")[0]["type"] == "message"
    changed = lead.patch(
        f"/api/chat-webhooks/{hook['id']}",
        data={"name": "Learning room", "events": ["session_new"]},
        content_type="application/json",
    )
    assert json_of(changed)["events"] == ["session_new"]
    make_session(cast.platform, by=cast.alice)
    deliveries = json_of(lead.get(f"/api/teams/{cast.platform.pk}/chat-deliveries"))
    assert [d["title"].split(":")[0] for d in deliveries["items"]] == ["New session"]
    assert [h["name"] for h in json_of(lead.get(base))] == ["Learning room"]
    assert lead.delete(f"/api/chat-webhooks/{hook['id']}").status_code == 204
    assert not ChatWebhook.objects.exists()


def test_bad_input_names_the_field(cast: Cast, client_as: Callable[[str], Client]) -> None:
    lead = client_as("alice")
    base = f"/api/teams/{cast.platform.pk}/chat-webhooks"
    refused = post(lead, base, {"service": "irc", "name": "x", "url": "http://x", "events": []})
    assert refused.status_code == 422
    detail = str(json_of(refused))
    assert "service" in detail
    assert "https" in detail
    assert not ChatWebhook.objects.exists()


@pytest.mark.parametrize(
    ("principal", "status"),
    [
        ("alice", 200),
        ("olga", 200),
        ("fiona", 403),
        ("bob", 403),
        ("charlie", 404),
        ("zed", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_see_and_change_webhooks(
    cast: Cast, client_as: Callable[[str], Client], principal: str, status: int
) -> None:
    hook = ChatWebhook.objects.create(
        team=cast.platform, service="slack", name="#x", url="https://hooks.slack.com/services/T/B/x"
    )
    client = client_as(principal)
    assert client.get(f"/api/teams/{cast.platform.pk}/chat-webhooks").status_code == status
    assert client.get(f"/api/teams/{cast.platform.pk}/chat-deliveries").status_code == status
    changed = client.patch(
        f"/api/chat-webhooks/{hook.pk}",
        data={"name": "y", "events": ["reminder"]},
        content_type="application/json",
    )
    assert changed.status_code == status
    if status != 200:
        assert client.delete(f"/api/chat-webhooks/{hook.pk}").status_code == status
        assert ChatWebhook.objects.filter(pk=hook.pk).exists()
