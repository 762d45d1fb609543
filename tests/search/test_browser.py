"""The search page in Chromium at phone width: a member searches from the knowledge base,
sees marked snippets, filters by kind and pages on; long words and hostile input never
widen the page; no console error or CSP violation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import ConsoleLog, log_in
from tests.conftest import PASSWORD, Cast
from tests.gaps.test_browser import overflow
from tests.search.conftest import publish, save_notes, session_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORD = "canary" + "x" * 170


def _seed(cast: Cast) -> None:
    for number in range(23):
        session = session_of(cast.platform, cast.fiona, title=f"Release {number} " + "T" * 120)
        publish(
            session, cast.fiona, title=f"Deploying {number} {LONG_WORD}",
            summary=f"The canary waits. {LONG_WORD} " * 5,
        )  # fmt: skip
    save_notes(session, cast.bob, f"Canary notes {LONG_WORD}")


def test_a_member_searches_on_a_phone(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog
) -> None:
    _seed(cast)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "bob", PASSWORD)
    page.goto(live_server.url + reverse("kb:index", args=[cast.platform.pk]))
    page.get_by_label("Search").fill("canary")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search Platform")
    expect(page.locator(".search-results mark").first).to_have_text("canary")
    assert page.locator(".search-results > li").count() == 20
    assert overflow(page) <= 0, f"the results are {overflow(page)}px wider than the phone"

    page.get_by_role("link", name="Next").click()
    assert page.locator(".search-results > li").count() == 4  # 23 pages and the notes
    page.get_by_label("Search").fill("canary")
    page.get_by_label("Notes").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-results h2")).to_have_text(["Notes: " + page_title(22)])

    page.get_by_label("Search").fill('"<script>alert(1)</script>" \u202e\u0000' + "y" * 400)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Nothing matches all of those words.")).to_be_visible()
    assert overflow(page) <= 0, f"the search page is {overflow(page)}px wider than the phone"
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []


def page_title(number: int) -> str:
    return f"Release {number} " + "T" * 120
