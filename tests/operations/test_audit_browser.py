"""The audit log page in Chromium at phone width: nothing wider than the screen, the
filter usable, no Content-Security-Policy violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from peerlearn.audit.services import item_failure_record
from tests.browser.conftest import ConsoleLog, log_in
from tests.conftest import PASSWORD
from tests.operations.conftest import AuditCast, event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_audit_log_fits_a_phone_and_filters(
    page: Page, live_server: LiveServer, audit: AuditCast, console: ConsoleLog
) -> None:
    long_name = "Averylongrepositorynamewithoutanyplacetobreak" * 3
    event(audit.cast.org, "repository.create", actor=audit.cast.alice, days_ago=0, name=long_name)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "olga", PASSWORD)
    page.goto(f"{live_server.url}/manage/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_text("Own-role")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"

    page.get_by_label("Kind").select_option("repository.create")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Own-repo")).to_be_visible()
    expect(page.get_by_text("Own-role")).to_have_count(0)
    assert console.csp_violations() == []


def test_skipped_items_fit_a_phone(
    page: Page, live_server: LiveServer, audit: AuditCast, console: ConsoleLog
) -> None:
    unbroken = "Averylongsessiontitlewithoutanyplacetobreak" * 3
    item_failure_record(
        job="schedule: reminders",
        item=f"reminder for session 1 ({unbroken}) to Bob",
        error=ValueError("x" * 280),
        organisation_id=audit.cast.org.pk,
    )
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "olga", PASSWORD)
    page.goto(f"{live_server.url}/manage/skipped/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skipped items")
    expect(page.get_by_text(unbroken, exact=False)).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    assert console.csp_violations() == []
