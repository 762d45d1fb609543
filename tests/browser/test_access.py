"""What someone outside a team, or without the right role, sees in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("outsider", ["charlie", "zed"])
def test_outsider_sees_not_found_page_without_team_data(
    page: Page, live_server: LiveServer, cast: Cast, outsider: str
) -> None:
    log_in(page, live_server.url, outsider, PASSWORD)
    response = page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    body = page.locator("main")
    for secret in ("Platform", "Alice", "Bob", "Fiona"):
        expect(body).not_to_contain_text(secret)
    expect(page.get_by_role("link", name="Go to your teams")).to_be_visible()


def test_member_without_the_role_sees_forbidden_page(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    log_in(page, live_server.url, "bob", PASSWORD)
    response = page.goto(f"{live_server.url}/teams/{cast.platform.pk}/members/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this here")
    expect(page.locator("main")).to_contain_text("does not allow this")
