"""The backlog in Chromium at phone width: add a gap while seeing its look-alikes
(HTMX), vote without a reload, open it; nothing wider than the screen, no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.gaps.models import Gap
from tests.browser.conftest import ConsoleLog, log_in
from tests.conftest import PASSWORD, Cast

from .conftest import make_gap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNBROKEN = "Kubernetesautoscalingwithoutanyplacetobreak" * 3


def overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_backlog_on_a_phone_suggests_duplicates_and_votes_in_place(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog
) -> None:
    existing = make_gap(
        cast.platform,
        by=cast.alice,
        title="Kubernetes pod autoscaling basics",
        code_areas=[UNBROKEN],
    )
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "bob", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    page.get_by_role("link", name="Learning backlog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What Platform needs to learn")
    assert overflow(page) <= 0, f"the backlog is {overflow(page)}px wider than the phone"

    # Typing a title shows the look-alike already in the backlog.
    page.get_by_role("textbox", name="Title:").fill("autoscaling kubernetes pods")
    similar = page.locator("#similar")
    expect(similar).to_contain_text("Kubernetes pod autoscaling basics")

    # Voting swaps the button in place (HTMX): the count and its pressed state change.
    vote = page.get_by_role("button", name="Vote for Kubernetes pod autoscaling basics")
    vote.click()
    voted = page.get_by_role(
        "button", name="Take back your vote for Kubernetes pod autoscaling basics"
    )
    expect(voted).to_have_attribute("aria-pressed", "true")
    expect(voted).to_contain_text("1")
    existing.refresh_from_db()
    assert existing.vote_count == 1

    page.get_by_role("textbox", name="Title:").fill("Reading flame graphs")
    page.get_by_role("button", name="Add to the backlog").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reading flame graphs")
    assert Gap.objects.filter(title="Reading flame graphs", raised_by=cast.bob).exists()
    page.goto(f"{live_server.url}{existing.get_absolute_url()}")
    assert overflow(page) <= 0, f"the gap page is {overflow(page)}px wider than the phone"
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []


@pytest.mark.parametrize(
    "page_name", ["suggestions", "duplicates", "onboarding", "import", "notes", "post_mortem"]
)
def test_every_backlog_page_fits_a_phone(
    page: Page, live_server: LiveServer, cast: Cast, console: ConsoleLog, page_name: str
) -> None:
    from django.urls import reverse

    from peerlearn.engines.gaps.local_signals import SignalFinding
    from peerlearn.gaps import signal_services, source_services

    make_gap(cast.platform, by=cast.alice, title=f"Kubernetes {UNBROKEN}")
    make_gap(cast.platform, by=cast.alice, title=f"Kubernetes {UNBROKEN} again")
    signal_services.suggestions_refresh(
        team=cast.platform,
        kind="knowledge_island",
        found=[SignalFinding(key="k", title=UNBROKEN, strength=0.5, description=UNBROKEN)],
    )
    source_services.onboarding_step_create(team=cast.platform, actor=cast.alice, title=UNBROKEN)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "alice", PASSWORD)
    page.goto(live_server.url + reverse(f"gaps:{page_name}", args=[cast.platform.pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert overflow(page) <= 0, f"{page_name} is {overflow(page)}px wider than the phone"
    assert console.csp_violations() == []
