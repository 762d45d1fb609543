"""Cancellations and calendar feed links are in the audit log: who, what, when."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from peerlearn.audit.models import AuditEvent
from peerlearn.audit.selectors import audit_events_for_admin
from peerlearn.schedule.models import CalendarFeed
from peerlearn.schedule.selectors import occurrence_key
from tests.conftest import Cast, client_for
from tests.schedule.conftest import berlin, make_series, make_session

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_cancelling_a_session_records_who_did_it(cast: Cast) -> None:
    session = make_session(cast.platform)
    response = client_for(cast.fiona).post(
        reverse("schedule:session_status", args=[session.pk]), {"status": "cancelled"}
    )
    assert response.status_code == 302
    (event,) = events("session.cancelled")
    assert (event.actor, event.actor_name) == (cast.fiona, "Fiona")
    assert event.organisation_id == cast.org.pk
    assert (event.target_type, event.target_id, event.target_name) == (
        "schedule.session", session.pk, "Intro to tracing"
    )  # fmt: skip
    assert event.at is not None
    assert event in audit_events_for_admin(cast.olga)
    assert event not in audit_events_for_admin(cast.zed)


def test_cancelling_one_date_and_then_the_series_records_both(cast: Cast) -> None:
    series = make_series(cast.platform)
    client = client_for(cast.alice)
    key = occurrence_key(berlin(2030, 3, 13))
    client.post(reverse("schedule:occurrence_cancel", args=[series.pk, key]))
    client.post(reverse("schedule:series_cancel", args=[series.pk]))
    (date,) = events("session.cancelled")
    assert date.actor == cast.alice
    assert date.details["series"] == series.pk
    assert dt.datetime.fromisoformat(date.details["original_start"]) == berlin(2030, 3, 13)
    (whole,) = events("series.cancelled")
    assert (whole.actor, whole.target_type, whole.target_id) == (
        cast.alice, "schedule.series", series.pk
    )  # fmt: skip


def test_feed_links_made_and_revoked_are_recorded_without_the_secret(cast: Cast) -> None:
    client = client_for(cast.bob)
    action = reverse("schedule:calendar_feed_action")
    page = client.post(action, {"action": "create", "team": cast.platform.pk}).content.decode()
    match = re.search(r"/calendar/feeds/([A-Za-z0-9_-]+)\.ics", page)
    assert match is not None
    client.post(action, {"action": "create", "team": cast.platform.pk})  # a new link
    client.post(action, {"action": "revoke", "team": cast.platform.pk})
    assert not CalendarFeed.objects.exists()
    made = events("calendar_feed.created")
    (revoked,) = events("calendar_feed.revoked")
    assert [e.details["replaced"] for e in made] == [False, True]
    for event in [*made, revoked]:
        assert (event.actor, event.organisation_id) == (cast.bob, cast.org.pk)
        assert event.details["team"] == cast.platform.pk
        assert event.target_name == "feed of Bob for Platform"
        assert match.group(1) not in str(event.details)
