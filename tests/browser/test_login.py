"""Logging in and out in a real browser, with the mouse and with the keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser


def test_login_form_leads_to_dashboard_with_own_teams(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    log_in(page, live_server.url, "charlie", PASSWORD)
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    teams = page.get_by_role("list", name="Teams")
    expect(teams.get_by_role("link", name="Mobile", exact=True)).to_be_visible()
    expect(teams).not_to_contain_text("Platform")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Charlie")


def test_wrong_password_shows_error_and_stays_logged_out(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("charlie")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_keyboard_only_login_and_skip_link(page: Page, live_server: LiveServer, cast: Cast) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    # The login form puts the cursor in the username field.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("bob")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # On the dashboard the first Tab reaches a visible skip link that jumps to the content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Platform", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform")


def test_logout_ends_the_session(page: Page, live_server: LiveServer, cast: Cast) -> None:
    log_in(page, live_server.url, "bob", PASSWORD)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/teams/{cast.platform.pk}/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
