"""The chat page in Chromium at phone width: a lead adds a webhook and sends a test,
a failing one shows on the team page; nothing wider than the screen, no CSP violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.chat.models import ChatDelivery, ChatWebhook
from tests.browser.conftest import ConsoleLog, log_in
from tests.chat.conftest import Recorder
from tests.conftest import PASSWORD, Cast
from tests.gaps.test_browser import overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_connects_a_channel_on_a_phone(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog, recorder: Recorder
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    page.get_by_role("link", name="Chat notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chat notifications")
    page.get_by_label("Service").select_option("slack")
    page.get_by_label("Name").fill("#platform-" + "learning" * 10)
    page.get_by_label("Webhook URL").fill(recorder.url("/services/T0/B0/" + "x" * 300))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Send a test to check it works.")).to_be_visible()
    page.get_by_role("button", name="Send a test message").click()
    expect(page.get_by_text("The test message was accepted by 127.0.0.1.")).to_be_visible()
    assert recorder.bodies("/services/T0/B0/" + "x" * 300)[0]["text"].startswith(
        "peerlearn is connected to"
    )
    assert overflow(page) <= 0, f"the chat page is {overflow(page)}px wider than the phone"

    hook = ChatWebhook.objects.get()
    ChatWebhook.objects.filter(pk=hook.pk).update(last_error="HTTP 404: no_service")
    ChatDelivery.objects.create(
        webhook=hook, event="reminder", dedupe_key="k", title="T" * 300, payload={}
    )
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Chat notifications are failing")
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/chat/")
    assert overflow(page) <= 0, f"the chat page is {overflow(page)}px wider than the phone"
    assert console.csp_violations() == []
    errors: list[Any] = [m for m in console.messages if m.startswith(("error", "pageerror"))]
    assert errors == []
