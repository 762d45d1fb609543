"""Mail and feeds re-check access when they are produced: RSVPs and roles outlive a
membership, access does not.

bob RSVPs to a team session and fiona facilitates it; both are then removed from
Platform, alice stays. bob also RSVPed to a session open to the whole organisation,
which he may still see after leaving the team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerlearn.people.services import membership_remove
from peerlearn.schedule import series_services, services
from peerlearn.schedule.feeds import calendar_feed_create
from peerlearn.schedule.models import Session
from peerlearn.schedule.reminders import reminders_send_due
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_series, make_session
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db


@dataclass
class Left:
    team_session: Session
    open_session: Session


@pytest.fixture
def left(cast: Cast) -> Left:
    team_session = make_session(cast.platform, title="Team only", facilitator=cast.fiona)
    open_session = make_session(
        cast.platform, title="Open talk", audience="organisation", starts_at=berlin(2030, 3, 7)
    )
    services.rsvp_set(session=team_session, person=cast.bob, answer="going")
    services.rsvp_set(session=open_session, person=cast.bob, answer="going")
    for person in (cast.bob, cast.fiona):
        membership_remove(membership=person.memberships.get(team=cast.platform), actor=cast.alice)
    return Left(team_session, open_session)


def recipients(smtp_server: SmtpServer, count: int) -> list[str]:
    messages = smtp_server.wait_for(count)
    assert len(smtp_server.messages) == count
    return sorted(str(m["To"]) for m in messages)


def test_update_mail_goes_only_to_people_who_still_have_access(
    cast: Cast,
    left: Left,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        services.session_update(session=left.team_session, changes={"location": "Room 2"})
    assert recipients(smtp_server, 1) == ["alice@example.com"]
    # The open session is still bob's to see (he is in the organisation): he hears of it.
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        services.session_update(session=left.open_session, changes={"location": "Hall"})
    smtp_server.wait_for(3)
    assert sorted(str(m["To"]) for m in smtp_server.messages[1:]) == [
        "alice@example.com",
        "bob@example.com",
    ]


def test_cancellation_and_reminders_skip_people_who_left(
    cast: Cast,
    left: Left,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings():
        reminders_send_due(now=left.team_session.starts_at - dt.timedelta(hours=20))
    assert recipients(smtp_server, 1) == ["alice@example.com"]
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        services.session_set_status(session=left.team_session, status="cancelled")
    assert recipients(smtp_server, 2) == ["alice@example.com", "alice@example.com"]


def test_series_mail_skips_a_facilitator_who_left(
    cast: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    series = make_series(cast.platform, facilitator=cast.fiona)
    membership_remove(membership=cast.fiona.memberships.get(team=cast.platform))
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        series_services.occurrence_cancel(series=series, original_start=berlin(2030, 3, 6))
        series_services.series_cancel(series=series)
    assert recipients(smtp_server, 4) == ["alice@example.com", "alice@example.com",
                                          "bob@example.com", "bob@example.com"]  # fmt: skip


def _feed_titles(token: str) -> set[str]:
    response = Client().get(reverse("schedule:feed", args=[token]))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


def test_personal_feeds_list_only_what_their_owner_may_still_see(cast: Cast, left: Left) -> None:
    _, bob = calendar_feed_create(owner=cast.bob)
    _, fiona = calendar_feed_create(owner=cast.fiona)
    _, alice = calendar_feed_create(owner=cast.alice)
    assert _feed_titles(bob) == {"Open talk"}  # the team session's RSVP no longer counts
    assert _feed_titles(fiona) == set()  # nor the facilitator's role
    assert _feed_titles(alice) == {"Team only", "Open talk"}
