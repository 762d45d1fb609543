"""In Chromium: register a repository, see its map, use the what-if view (HTMX)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.knowledge.models import AnalysisStatus, Repository
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    ConsoleLog,
    browser_type_launch_args,
    console,
    log_in,
)
from tests.conftest import PASSWORD, Cast
from tests.engines.knowledge.gitrepo import GitRepo

pytestmark = pytest.mark.browser


def test_register_analyse_and_what_if(
    page: Page,
    live_server: LiveServer,
    cast: Cast,
    source: GitRepo,
    console: ConsoleLog,  # noqa: F811  (the fixture imported above)
) -> None:
    log_in(page, live_server.url, "fiona", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    page.get_by_role("link", name="Knowledge map").click()
    page.get_by_role("link", name="Register a repository").click()
    page.get_by_label("Name").fill("app")
    page.get_by_role("radio", name="Clone URL").check()
    page.get_by_label("Path or clone URL").fill(source.path.as_uri())
    page.get_by_role("button", name="Register and analyse").click()

    # The test settings run tasks at once, so the map is there after the redirect.
    expect(page.get_by_role("heading", level=1)).to_have_text("app")
    expect(page.get_by_role("heading", name="Truck factor: 2")).to_be_visible()
    assert Repository.objects.get().analyses.get().status == AnalysisStatus.DONE

    # What if alice and fiona left? The HTMX partial replaces the result in place.
    picks = page.get_by_role("group", name="People who leave")
    picks.get_by_label("Alice").check()
    result = page.locator("#what-if-result")
    expect(result).to_contain_text("If Alice left, 3 of 6 files (50.0 %)")
    picks.get_by_label("Fiona").check()
    expect(result).to_contain_text("4 of 6 files (66.7 %)")
    expect(result.get_by_text("lib/util.py")).to_be_visible()

    # The tree expands with <details>; colours come with words.
    page.locator(".tree summary", has_text="src/").click()
    expect(page.get_by_text("2 files · island: 1 active author (Alice)")).to_be_visible()
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []
