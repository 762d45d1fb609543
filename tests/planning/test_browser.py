"""The planning page in Chromium at phone width: propose a plan, read it, change an
entry, accept it; nothing wider than the screen, no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.gaps.models import Gap
from peerlearn.planning.models import Plan
from peerlearn.schedule.models import Session
from tests.browser.conftest import ConsoleLog, log_in
from tests.conftest import PASSWORD, Cast

from .conftest import next_monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_a_lead_plans_and_accepts_on_a_phone(
    page: Page, live_server: LiveServer, cast: Cast, gaps: dict[str, Gap], console: ConsoleLog
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/")
    page.get_by_role("link", name="Planning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planning for Platform")
    assert overflow(page) <= 0, f"the planning page is {overflow(page)}px wider than the phone"
    page.get_by_label("From").fill(next_monday().isoformat())
    page.locator("#id_at").fill("11:00")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Weekly slots").fill("4")
    page.get_by_label("Share one person may lead (%)").fill("50")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan for Platform")
    expect(page.locator(".plan-table")).to_contain_text("Testing habits")
    assert overflow(page) <= 0, f"the plan is {overflow(page)}px wider than the phone"

    # A code review needs its change; the lead adds one (or changes the format).
    plan = Plan.objects.get()
    for entry in plan.entries.filter(format="code_review_twist"):
        page.goto(f"{live_server.url}/plan-entries/{entry.pk}/edit/")
        assert overflow(page) <= 0
        page.get_by_label("Change to review").fill("https://git.example/pr/7")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text("Entry changed.")
    page.get_by_role("button", name="Accept: schedule these sessions").click()
    expect(page.locator(".messages")).to_contain_text("sessions are scheduled")
    assert Session.objects.count() == plan.entries.count()
    assert overflow(page) <= 0
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/rotation/")
    expect(page.get_by_role("heading", name="Share per person")).to_be_visible()
    assert overflow(page) <= 0
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/pairing/")
    page.get_by_role("button", name="Run a round").click()
    expect(page.locator(".messages")).to_contain_text("Round 1")
    assert overflow(page) <= 0
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []
