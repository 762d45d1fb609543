"""In Chromium: create a series, move one date, RSVP with HTMX, see it on the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.schedule.models import Rsvp, Series, Session
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    ConsoleLog,
    browser_type_launch_args,
    console,
    log_in,
)
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser


def test_series_move_rsvp_and_dashboard(
    page: Page,
    live_server: LiveServer,
    cast: Cast,
    console: ConsoleLog,  # noqa: F811  (the fixture imported above)
) -> None:
    first = dt.date.today() + dt.timedelta(days=2)
    log_in(page, live_server.url, "alice", PASSWORD)
    page.goto(f"{live_server.url}/teams/{cast.platform.pk}/series/new/")
    page.get_by_label("Title").fill("Learning Thursday")
    page.get_by_label("Format").select_option("lunch_and_learn")
    page.get_by_label("Facilitator:", exact=True).select_option(str(cast.fiona.pk))
    page.get_by_label("Frequency").select_option("weekly")
    page.get_by_label("Weekday").select_option(str(first.weekday()))
    page.get_by_label("First date").fill(first.isoformat())
    page.get_by_label("Starts at").fill("12:00")
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("This is the team's protected learning slot").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning Thursday")
    series = Series.objects.get()

    # Move the second date to the next day at 15:00; the others stay.
    second = first + dt.timedelta(weeks=1)
    row = page.locator("tbody tr").nth(1)
    row.locator("summary").click()
    row.get_by_label("New date").fill((second + dt.timedelta(days=1)).isoformat())
    row.get_by_label("New time (UTC)").fill("15:00")
    row.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_contain_text("Moved to")
    moved = Session.objects.get(series=series)
    assert moved.starts_at == dt.datetime.combine(
        second + dt.timedelta(days=1), dt.time(15), tzinfo=dt.UTC
    )

    # Bob answers on the first date's page (not saved yet) with the HTMX buttons.
    page.context.clear_cookies()
    log_in(page, live_server.url, "bob", PASSWORD)
    expect(page.get_by_text("Learning slot:")).to_be_visible()
    expect(page.get_by_text("Fiona facilitating").first).to_be_visible()
    page.locator(".next-sessions").get_by_role("link", name="Learning Thursday").first.click()
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.locator("#rsvp")).to_contain_text("1 going")
    assert Rsvp.objects.get().person == cast.bob
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Learning slot:")).to_be_visible()
    assert console.csp_violations() == []
    assert [m for m in console.messages if m.startswith(("error", "pageerror"))] == []
