"""Keep docs/screenshots/dashboard.png (shown in the README) true to the running app."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "dashboard.png"


@pytest.mark.django_db(transaction=True)
def test_demo_dashboard_screenshot(page: Page, live_server: LiveServer) -> None:
    demo_load()
    page.set_viewport_size({"width": 960, "height": 420})
    # Frank is in both demo teams, with a different role in each.
    log_in(page, live_server.url, "frank", DEMO_PASSWORD)
    cards = page.get_by_role("list", name="Teams").locator(":scope > li")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Mobile Apps")
    expect(cards.first).to_contain_text("6 members · you are facilitator")
    expect(cards.last).to_contain_text("Platform")
    expect(cards.last).to_contain_text("6 members · you are member")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 5_000
