"""The members page in Chromium: inline HTMX edit of a row, with no reload and no CSP noise."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.people.models import Membership
from peerlearn.people.roles import Role
from tests.browser.conftest import (  # noqa: F401  (fixtures shared with the browser suite)
    ConsoleLog,
    browser_type_launch_args,
    console,
    log_in,
)
from tests.conftest import PASSWORD, Cast

pytestmark = [
    pytest.mark.browser,
    # pytest-playwright's base_url fixture trips a pytest 9 deprecation; not ours to fix.
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]


def test_lead_changes_a_role_in_place(
    page: Page,
    live_server: LiveServer,
    cast: Cast,
    console: ConsoleLog,  # noqa: F811
) -> None:
    log_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/members/")
    page.evaluate("window.peerlearnNoReload = true")

    page.get_by_label("Role of Bob").select_option("facilitator")
    page.get_by_label("Date Bob joined the team").fill("2024-02-29")
    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        page.get_by_role("button", name="Save role and date of Bob").click()

    status = page.locator("#members-status")
    expect(status).to_have_text("Saved: Bob is facilitator, joined on 2024-02-29.")
    expect(page.get_by_label("Role of Bob")).to_have_value("facilitator")
    assert page.evaluate("window.peerlearnNoReload") is True, "the page was reloaded"
    membership = Membership.objects.get(team=cast.platform, user=cast.bob)
    assert (membership.role, membership.joined_on) == (Role.FACILITATOR, dt.date(2024, 2, 29))

    # Focus stays on the row's Save button after the swap, for keyboard users.
    expect(page.get_by_role("button", name="Save role and date of Bob")).to_be_focused()
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith("pageerror")] == []
