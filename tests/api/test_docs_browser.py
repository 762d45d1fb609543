"""The API docs and the token page in a real Chromium, under the site's CSP."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from tests.conftest import Cast

# Playwright's sync API runs an event loop in the test thread; Django's ORM would then
# refuse the (synchronous) fixture setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    path = os.environ.get("PEERLEARN_CHROMIUM", "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium not found at {path}: install chromium or set PEERLEARN_CHROMIUM.")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    }


@pytest.fixture
def problems(page: Page) -> list[str]:
    """CSP violations and uncaught errors the page reports."""
    found: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"pageerror: {error}"))
    return found


def log_in(page: Page, live_server: Any, cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_swagger_docs_render_without_csp_violations(
    page: Page, live_server: Any, problems: list[str]
) -> None:
    response = page.goto(f"{live_server.url}/api/docs")

    assert response is not None
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("peerlearn API").first.wait_for()
    page.get_by_text("/api/teams/{team_id}/members/{user_id}").first.wait_for()
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("PersonalTokenAuth").wait_for()
    assert problems == []


@pytest.mark.parametrize(
    "write_text",
    [
        pytest.param("() => Promise.reject(new Error('refused'))", id="refused"),
        pytest.param("() => new Promise(() => {})", id="never-answered"),
    ],
)
def test_copy_falls_back_to_instructions_when_the_clipboard_is_refused(
    page: Page, live_server: Any, cast: Cast, problems: list[str], write_text: str
) -> None:
    log_in(page, live_server, cast)
    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_label("Name").fill("No clipboard")
    page.get_by_role("button", name="Create token").click()
    page.evaluate(f"() => {{ navigator.clipboard.writeText = {write_text}; }}")

    page.get_by_role("button", name="Copy to clipboard").click()

    page.locator("#copy-status").filter(has_text="Press Ctrl+C").wait_for()
    selected = page.evaluate(
        "(() => { const f = document.getElementById('new-token');"
        " return f.value.substring(f.selectionStart, f.selectionEnd); })()"
    )
    assert selected == page.get_by_label("Token", exact=True).input_value()
    assert problems == []


def test_swagger_try_it_out_uses_the_session(
    page: Page, live_server: Any, cast: Cast, problems: list[str]
) -> None:
    log_in(page, live_server, cast)
    page.goto(f"{live_server.url}/api/docs")

    page.locator("#operations-me-peerlearn_api_endpoints_me_me").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()

    page.locator(".live-responses-table .response-col_description").first.wait_for()
    assert '"username": "alice"' in page.locator(".live-responses-table").inner_text()
    assert problems == []


def test_token_page_creates_a_token_without_csp_violations(
    page: Page, live_server: Any, cast: Cast, problems: list[str]
) -> None:
    log_in(page, live_server, cast)
    page.goto(f"{live_server.url}/account/tokens/")

    page.get_by_label("Name").fill("Browser test")
    page.get_by_role("button", name="Create token").click()

    field = page.get_by_label("Token", exact=True)
    assert field.input_value().startswith("pl_")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.get_by_role("button", name="Copy to clipboard").click()
    page.locator("#copy-status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == field.input_value()
    assert page.get_by_role("cell", name="Browser test", exact=True).is_visible()
    assert problems == []
