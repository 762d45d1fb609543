"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system one, at /usr/bin/chromium or at
the path in PEERLEARN_CHROMIUM.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page

# Playwright's sync API runs an event loop in the test thread; the ORM calls that set up
# test data then look "async" to Django. They are not, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    return os.environ.get("PEERLEARN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    path = chromium_path()
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium not found at {path}: install chromium or set PEERLEARN_CHROMIUM.")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@dataclass
class ConsoleLog:
    """Everything the page said on its console, and uncaught errors."""

    messages: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [text for text in self.messages if "Content Security Policy" in text]


@pytest.fixture
def console(page: Page) -> ConsoleLog:
    log = ConsoleLog()

    def on_console(message: ConsoleMessage) -> None:
        log.messages.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.messages.append(f"pageerror: {error}"))
    return log


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright 0.10 defines its session-scoped base_url fixture as a method,
    # which pytest 9 warns about; it is theirs to fix and harmless here.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning",
    )
