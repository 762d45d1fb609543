"""Capture and the knowledge base in Chromium at phone width: write notes with an action
item and a diagram, see the item and the drawing, agree to be recorded, publish the
page; nothing wider than the screen, no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.capture.models import ActionItem, RecordingConsent
from peerlearn.kb.models import KbPage
from peerlearn.schedule import services as schedule_services
from tests.browser.conftest import ConsoleLog, log_in
from tests.conftest import PASSWORD, Cast
from tests.schedule.conftest import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNBROKEN = "observabilitywithoutanyplacetobreakthelineatall" * 3


def overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_notes_items_consent_and_publishing_on_a_phone(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog
) -> None:
    session = make_session(cast.platform, title="Tracing deep dive", facilitator=cast.fiona)
    schedule_services.rsvp_set(session=session, person=cast.bob, answer="going")
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "fiona", PASSWORD)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("link", name="Notes, action items, recording").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notes and follow-up")

    page.get_by_role("textbox", name="Notes:").fill(
        f"# Spans {UNBROKEN}\n\n- [ ] @bob write the sampling runbook (due 2030-04-01)\n\n"
        "```mermaid\ngraph LR\n  app --> collector\n```\n"
    )
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator(".notes-body svg")).to_be_visible()
    expect(page.locator(".action-items")).to_contain_text("write the sampling runbook")
    assert ActionItem.objects.get().owner == cast.bob
    assert overflow(page) <= 0, f"the notes page is {overflow(page)}px wider than the phone"

    page.get_by_role("button", name="Yes").click()
    expect(page.locator(".consent-list")).to_contain_text("Fiona: yes")
    assert RecordingConsent.objects.get(person=cast.fiona).consents

    page.get_by_role("link", name="Propose takeaways and publish").click()
    page.get_by_role("textbox", name="Takeaways:").fill("Spans go to the collector")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tracing deep dive")
    expect(page.locator(".kb-takeaways")).to_contain_text("Spans go to the collector")
    assert KbPage.objects.get().takeaways == ["Spans go to the collector"]
    assert overflow(page) <= 0, f"the page is {overflow(page)}px wider than the phone"
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/action-items/")
    assert overflow(page) <= 0
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/knowledge-base/")
    assert overflow(page) <= 0
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []
