"""One bad item never stops a delivery job: the rest go out, the bad one is recorded.

Items are poisoned the way old or hand-edited rows are: written with QuerySet.update,
past every validation (a title with CR/LF, a zone that does not exist, a series rule the
engine refuses, an address with a line break, a duration of zero).
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerlearn.audit.models import ItemFailure
from peerlearn.people.models import User
from peerlearn.schedule.feeds import calendar_feed_create
from peerlearn.schedule.models import Frequency, Series, Session
from peerlearn.schedule.reminders import reminders_send_due
from peerlearn.schedule.tasks import send_series_invitations, send_session_invitations
from tests.conftest import Cast
from tests.schedule.conftest import make_series, make_session
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 5, 12, 0, tzinfo=dt.UTC)


def soon(hours: int) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


def poison(model: type[Session] | type[Series], pk: int, **fields: object) -> None:
    model.objects.filter(pk=pk).update(**fields)


def failures(job: str = "") -> list[ItemFailure]:
    rows = ItemFailure.objects.all()
    return list(rows.filter(job=job) if job else rows)


def subjects(smtp_server: SmtpServer, count: int) -> dict[str, set[str]]:
    smtp_server.wait_for(count)
    assert len(smtp_server.messages) == count
    found: dict[str, set[str]] = {}
    for message in smtp_server.messages:
        found.setdefault(str(message["To"]), set()).add(str(message["Subject"]))
    return found


def test_reminders_go_out_for_everyone_but_the_unsendable_address(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    User.objects.filter(pk=cast.bob.pk).update(email="bob@example.com\r\nBcc: x@example.com")
    broken = make_session(cast.platform, title="Platform talk", starts_at=soon(2), time_zone="UTC")
    make_session(cast.platform, title="Platform demo", starts_at=soon(3), time_zone="UTC")
    make_session(cast.mobile, title="Mobile talk", starts_at=soon(4), time_zone="UTC")
    with smtp_server.settings():
        run = reminders_send_due(now=NOW)
    got = subjects(smtp_server, 5)
    assert got["charlie@example.com"] == {"Today: Mobile talk (Tue 5 Mar, 16:00 UTC)"}
    assert {s.split(" (")[0] for s in got["alice@example.com"]} == {
        "Today: Platform talk",
        "Today: Platform demo",
    }
    assert "bob@example.com" not in got
    assert (run.sent, run.failed) == (5, 2)
    recorded = failures("schedule: reminders")
    assert len(recorded) == 2  # one per reminder bob could not be sent, for his admins
    assert any(f"session {broken.pk} (Platform talk)" in f.item for f in recorded)
    assert all(f.item.endswith(f"to Bob (person {cast.bob.pk})") for f in recorded)
    assert all(f.organisation_id == cast.org.pk for f in recorded)
    # The next run (ten minutes later) sends nothing twice and records nothing twice.
    with smtp_server.settings():
        again = reminders_send_due(now=NOW + dt.timedelta(minutes=10))
    assert (again.sent, again.failed) == (0, 2)
    assert len(failures()) == 2


def test_a_session_in_a_zone_that_does_not_exist_is_still_reminded(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    # Its moment is stored in UTC; only the zone beside it cannot be shown.
    session = make_session(cast.mobile, title="Mobile talk", starts_at=soon(4), time_zone="UTC")
    poison(Session, session.pk, time_zone="Mars/Olympus")
    with smtp_server.settings():
        run = reminders_send_due(now=NOW)
    assert subjects(smtp_server, 1) == {
        "charlie@example.com": {"Today: Mobile talk (Tue 5 Mar, 16:00 UTC)"}
    }
    assert (run.sent, run.failed) == (1, 0)


def test_a_reminder_the_mail_server_cannot_take_is_retried_and_recorded_once(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    User.objects.filter(pk=cast.bob.pk).update(email="bob@example.com\r\nBcc: x@example.com")
    make_session(cast.platform, title="Platform talk", starts_at=soon(3), time_zone="UTC")
    with smtp_server.settings():
        first = reminders_send_due(now=NOW)
        second = reminders_send_due(now=NOW + dt.timedelta(minutes=10))
    assert set(subjects(smtp_server, 2)) == {"alice@example.com", "fiona@example.com"}
    assert (first.sent, first.failed, second.sent, second.failed) == (2, 1, 0, 1)
    (failure,) = failures("schedule: reminders")
    assert failure.item.endswith(f"to Bob (person {cast.bob.pk})")
    assert "Invalid address" in failure.error


def test_a_title_with_a_line_break_is_reminded_on_one_line(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    crlf = make_session(cast.mobile, title="Intro", starts_at=soon(2), time_zone="UTC")
    poison(Session, crlf.pk, title="Intro\r\nBcc: mallory@example.com")
    make_session(cast.platform, title="Platform talk", starts_at=soon(3), time_zone="UTC")
    with smtp_server.settings():
        run = reminders_send_due(now=NOW)
    got = subjects(smtp_server, 4)
    assert got["charlie@example.com"] == {
        "Today: Intro Bcc: mallory@example.com (Tue 5 Mar, 14:00 UTC)"
    }
    assert all(rcpts == [to] for (_, rcpts), to in zip(
        smtp_server.collector.envelopes, [str(m["To"]) for m in smtp_server.messages],
        strict=True))  # fmt: skip
    assert run.failed == 0


def test_a_series_the_engine_refuses_stops_no_other_reminder(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    tomorrow = soon(20)
    slot = {"time_zone": "UTC", "starts_on": tomorrow.date(), "start_time": tomorrow.time(),
            "weekday": tomorrow.weekday()}  # fmt: skip
    refused = make_series(cast.platform, title="Sprint review", **slot)
    poison(Series, refused.pk, frequency=Frequency.SPRINT, sprint_start=None)
    make_series(cast.mobile, title="Mobile weekly", **slot)
    with smtp_server.settings():
        run = reminders_send_due(now=NOW)
    assert run.materialised == 1
    assert subjects(smtp_server, 1) == {
        "charlie@example.com": {"Tomorrow: Mobile weekly (Wed 6 Mar, 08:00 UTC)"}
    }
    (failure,) = failures()
    assert failure.item == f"series {refused.pk} (Sprint review)"
    assert "sprint" in failure.error
    assert failure.organisation_id == cast.org.pk


def test_one_unsendable_address_does_not_stop_the_invitations(
    cast: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    User.objects.filter(pk=cast.bob.pk).update(email="bob@example.com\r\nBcc: x@example.com")
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        make_session(cast.platform, facilitator=cast.fiona)
    assert set(subjects(smtp_server, 2)) == {"alice@example.com", "fiona@example.com"}
    (failure,) = failures("schedule: invitations")
    assert failure.item.endswith(f"to Bob (person {cast.bob.pk})")
    assert failure.organisation_id == cast.org.pk


def test_invitations_of_a_session_with_a_line_break_in_its_title_go_out(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    session = make_session(cast.platform)
    poison(Session, session.pk, title="Intro\nto tracing")
    with smtp_server.settings():
        send_session_invitations.enqueue(session.pk, session.sequence)
    assert all(s == {"Invitation: Intro to tracing (Wed 6 Mar, 11:00 UTC)"}
               for s in subjects(smtp_server, 3).values())  # fmt: skip


def test_a_series_the_engine_refuses_sends_nothing_and_is_recorded_once(
    cast: Cast, smtp_server: SmtpServer
) -> None:
    series = make_series(cast.platform, title="Monthly")
    poison(Series, series.pk, frequency=Frequency.MONTHLY, week_of_month=None)
    with smtp_server.settings():
        for _ in range(2):
            result = send_series_invitations.enqueue(series.pk, series.sequence)
            assert result.return_value == 0  # the task itself does not fail
    assert smtp_server.messages == []
    (failure,) = failures("schedule: invitations")
    assert failure.item == f"series {series.pk} (Monthly)"


def _feed(token: str) -> tuple[int, set[str]]:
    response = Client().get(reverse("schedule:feed", args=[token]))
    if response.status_code != 200:
        return response.status_code, set()
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return 200, {str(event["SUMMARY"]) for event in events}


def test_a_feed_leaves_out_what_cannot_be_written_and_serves_the_rest(cast: Cast) -> None:
    refused = make_series(cast.platform, title="Refused series")
    poison(Series, refused.pk, frequency=Frequency.SPRINT, sprint_start=None)
    no_zone = make_session(cast.platform, title="No such zone")
    poison(Session, no_zone.pk, time_zone="Mars/Olympus")
    zero = make_session(cast.platform, title="Zero minutes")  # fails only when written
    poison(Session, zero.pk, duration_minutes=0)
    make_series(cast.platform, title="Good series")
    make_session(cast.platform, title="Good session")
    _, team_token = calendar_feed_create(owner=cast.bob, team=cast.platform)
    _, own_token = calendar_feed_create(owner=cast.alice)
    for token in (team_token, own_token, team_token):
        assert _feed(token) == (200, {"Good series", "Good session"})
    recorded = failures("schedule: calendar feed")
    # Recorded once each however often calendars poll (the log has every time).
    assert sorted(f.item for f in recorded) == sorted(
        [f"series {refused.pk} (Refused series)", f"session {no_zone.pk} (No such zone)",
         f"session {zero.pk} (Zero minutes)"]
    )  # fmt: skip
    assert {f.organisation_id for f in recorded} == {cast.org.pk}
