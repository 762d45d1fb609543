"""The dashboard and the team page in Chromium: no CSP violations, HTMX paging in place."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.people.roles import Role
from peerlearn.people.services import membership_set, person_create
from tests.browser.conftest import ConsoleLog, log_in
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser


def _fill_team(cast: Cast, count: int) -> None:
    for number in range(count):
        person = person_create(
            organisation=cast.org,
            username=f"member{number:03}",
            email=f"member{number:03}@example.com",
            display_name=f"Zz Member {number:03}",
        )
        membership_set(
            team=cast.platform, person=person, role=Role.MEMBER, joined_on=dt.date(2025, 2, 3)
        )


def test_dashboard_and_team_page_have_no_csp_violations(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog
) -> None:
    log_in(page, live_server.url, "alice", PASSWORD)
    page.get_by_role("link", name="Platform", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform")
    expect(page.get_by_role("link", name="Manage members")).to_be_visible()
    page.wait_for_load_state("networkidle")
    # htmx loaded from our own origin and is running: the CSP let the script in.
    assert page.evaluate("typeof window.htmx") == "object"
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []


def test_team_members_pages_through_htmx_without_reload(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog
) -> None:
    _fill_team(cast, 60)  # 63 members: two pages of 50
    log_in(page, live_server.url, "bob", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    members = page.locator("#members")
    expect(members).to_contain_text("Page 1 of 2")
    expect(members).to_contain_text("Alice")
    page.evaluate("window.peerlearnNoReload = true")

    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        members.get_by_role("link", name="Next").click()

    expect(members).to_contain_text("Page 2 of 2")
    expect(members).to_contain_text("Zz Member 059")
    expect(members).not_to_contain_text("Alice")
    expect(page).to_have_url(f"{live_server.url}/teams/{cast.platform.pk}/?page=2")
    assert page.evaluate("window.peerlearnNoReload") is True, "the page was reloaded"
    expect(page.locator("#members")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform")
    assert console.csp_violations() == []
