"""Invitations, cancellations and reminders through a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import threading
from email.message import EmailMessage

import icalendar
import pytest
from django.core.management import call_command
from django.db import connection
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import ReminderSent, SessionStatus
from peerlearn.schedule.reminders import reminders_send_due
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_series, make_session
from tests.smtp import SmtpServer, body_text

pytestmark = pytest.mark.django_db
TEAM = {"alice@example.com", "bob@example.com", "fiona@example.com"}


def calendar_of(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return str(part.get_param("method")), icalendar.Calendar.from_ical(payload)
    raise AssertionError("no text/calendar part")


def recipients(messages: list[EmailMessage]) -> set[str]:
    return {str(m["To"]) for m in messages}


def test_scheduling_sends_request_to_the_team(
    cast: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        session = make_session(cast.platform, facilitator=cast.fiona)
    messages = smtp_server.wait_for(3)
    assert recipients(messages) == TEAM
    bob = next(m for m in messages if m["To"] == "bob@example.com")
    method, calendar = calendar_of(bob)
    assert method == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) == 0
    attendees = [str(a) for a in event.get("ATTENDEE") if a] if isinstance(
        event.get("ATTENDEE"), list) else [str(event["ATTENDEE"])]  # fmt: skip
    assert attendees == ["mailto:bob@example.com"]
    assert "ORGANIZER" in event
    assert "Invitation: Intro to tracing" in str(bob["Subject"])
    assert "Preparation" in body_text(bob)


def test_cancelling_sends_cancel_with_the_same_uid(
    cast: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        session = make_session(cast.platform)
    smtp_server.wait_for(3)
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    cancellations = smtp_server.wait_for(6)[3:]
    assert recipients(cancellations) == TEAM
    method, calendar = calendar_of(cancellations[0])
    event = calendar.walk("VEVENT")[0]
    assert method == "CANCEL"
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"


def test_proposed_session_sends_nothing(
    cast: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        make_session(cast.platform, status=SessionStatus.PROPOSED)
    assert smtp_server.messages == []


def test_series_invitation_and_single_occurrence_cancellation(
    cast: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        series = make_series(cast.platform, facilitator=cast.fiona)
    method, calendar = calendar_of(smtp_server.wait_for(3)[0])
    assert method == "REQUEST"
    master = calendar.walk("VEVENT")[0]
    assert str(master["UID"]) == series.uid
    assert master["RRULE"]["BYDAY"] == ["WE"]
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        row = series_services.occurrence_materialise(
            series=series, original_start=berlin(2030, 3, 13)
        )
        services.session_set_status(session=row, status=SessionStatus.CANCELLED)
    cancel = smtp_server.wait_for(6)[3:]
    method, calendar = calendar_of(cancel[0])
    event = calendar.walk("VEVENT")[0]
    assert method == "CANCEL"
    assert str(event["UID"]) == series.uid
    assert event.decoded("RECURRENCE-ID") == berlin(2030, 3, 13)
    assert int(event["SEQUENCE"]) >= 1


def _tomorrow_session(cast: Cast) -> None:
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)
    session = make_session(
        cast.platform, starts_at=tomorrow.replace(second=0, microsecond=0), format="deep_dive",
        duration_minutes=90, time_zone="UTC",
    )  # fmt: skip
    services.rsvp_set(session=session, person=cast.alice, answer="not_going")


def test_reminders_go_out_once_with_agenda_and_checklist(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    _tomorrow_session(cast)
    make_session(cast.platform, title="Far away")  # 2030: not due
    with smtp_server.settings():
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        second = reminders_send_due()
    messages = smtp_server.wait_for(2)
    assert recipients(messages) == {"bob@example.com", "fiona@example.com"}  # alice declined
    text = body_text(messages[0])
    assert "Exercise 1" in text
    assert "Participants: do the preparation reading" in text
    assert second.sent == 0
    assert ReminderSent.objects.count() == 2
    assert len(smtp_server.messages) == 2


def test_reminders_materialise_tomorrows_series_occurrence(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)).replace(second=0, microsecond=0)
    make_series(cast.platform, time_zone="UTC", starts_on=tomorrow.date(),
                start_time=tomorrow.time(), weekday=tomorrow.weekday())  # fmt: skip
    with smtp_server.settings():
        run = reminders_send_due()
    assert run.materialised == 1
    assert run.sent == 3
    assert recipients(smtp_server.wait_for(3)) == TEAM


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(cast: Cast, smtp_server: SmtpServer) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite runs are covered sequentially")
    _tomorrow_session(cast)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connections

        try:
            start.wait()
            reminders_send_due()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with smtp_server.settings():
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    messages = smtp_server.wait_for(2)
    assert sorted(str(m["To"]) for m in messages) == ["bob@example.com", "fiona@example.com"]
    assert ReminderSent.objects.count() == 2
