"""E-mails state each session's time in the recipient's own zone, through the real SMTP server.

Recipients: bob in America/New_York, fiona in Asia/Kolkata, alice in Europe/Paris (the
sessions' zone). Europe changes its clocks on the last Sunday of March and October, the
United States two weeks earlier in March and a week later in October, India never: the
weekly series below cross those dates, so the offsets between the zones change under them.
"""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerlearn.people.models import User
from peerlearn.schedule import series_services
from peerlearn.schedule.reminders import reminders_send_due
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_series, make_session
from tests.smtp import SmtpServer, body_text

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def paris(y: int, m: int, d: int, h: int = 12, mi: int = 30) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.fixture
def zones(cast: Cast) -> Cast:
    for person, zone in (
        (cast.bob, "America/New_York"),
        (cast.fiona, "Asia/Kolkata"),
        (cast.alice, "Europe/Paris"),
    ):
        User.objects.filter(pk=person.pk).update(time_zone=zone)
        person.refresh_from_db()
    return cast


def by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {str(m["To"]).split("@")[0]: m for m in messages}


def when_line(message: EmailMessage) -> str:
    match = re.search(r"^When:\s+(.*)$", body_text(message), re.MULTILINE)
    assert match is not None, body_text(message)
    return match.group(1).strip()


def test_invitation_shows_the_recipients_time_with_the_sessions_zone_beside_it(
    zones: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # 12:30 in Paris on 6 March 2030 (CET) is 11:30 UTC: the worker's clock, never shown.
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        make_session(zones.platform, starts_at=paris(2030, 3, 6), time_zone="Europe/Paris")
    mail = by_recipient(smtp_server.wait_for(3))
    assert when_line(mail["bob"]) == (
        "Wednesday 6 March 2030, 06:30 America/New_York (12:30 in Europe/Paris), 45 minutes"
    )
    assert when_line(mail["fiona"]) == (
        "Wednesday 6 March 2030, 17:00 Asia/Kolkata (12:30 in Europe/Paris), 45 minutes"
    )
    # The same zone as the session's: nothing beside it.
    assert when_line(mail["alice"]) == "Wednesday 6 March 2030, 12:30 Europe/Paris, 45 minutes"
    assert str(mail["bob"]["Subject"]) == (
        "Invitation: Intro to tracing (Wed 6 Mar, 06:30 America/New_York)"
    )
    assert str(mail["fiona"]["Subject"]).endswith("(Wed 6 Mar, 17:00 Asia/Kolkata)")
    for message in mail.values():
        assert "11:30" not in body_text(message) + str(message["Subject"])


def test_the_mail_says_what_the_session_page_says(
    zones: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        session = make_session(
            zones.platform, starts_at=paris(2030, 3, 6), time_zone="Europe/Paris"
        )
    mail = by_recipient(smtp_server.wait_for(3))
    page = client_for(zones.bob).get(reverse("schedule:session", args=[session.pk]))
    facts = re.search(r"<dt>When</dt><dd>(.*?)</dd>", page.content.decode(), re.DOTALL)
    assert facts is not None
    shown = " ".join(re.sub(r"<[^>]+>", "", facts.group(1)).split()).replace(" ,", ",")
    assert shown == "Wednesday 6 March 2030, 06:30 (12:30 in Europe/Paris), 45 minutes"
    # The mail names the reader's zone too (it is read without the page around it).
    assert when_line(mail["bob"]) == shown.replace(", 06:30 ", ", 06:30 America/New_York ")


# A weekly series at 12:30 Paris time; the Wednesdays around each change of clocks, and
# the times bob (New York) and fiona (Kolkata) see on each.
SPRING = [  # US: 10 March 2030, EU: 31 March 2030
    (dt.date(2030, 3, 6), "06:30", "17:00"),
    (dt.date(2030, 3, 13), "07:30", "17:00"),
    (dt.date(2030, 3, 27), "07:30", "17:00"),
    (dt.date(2030, 4, 3), "06:30", "16:00"),
]
AUTUMN = [  # EU: 27 October 2030, US: 3 November 2030
    (dt.date(2030, 10, 23), "06:30", "16:00"),
    (dt.date(2030, 10, 30), "07:30", "17:00"),
    (dt.date(2030, 11, 6), "06:30", "17:00"),
]


@pytest.mark.parametrize("dates", [SPRING, AUTUMN], ids=["march", "october"])
def test_reminders_of_a_weekly_series_follow_each_change_of_clocks(
    zones: Cast, smtp_server: SmtpServer, dates: list[tuple[dt.date, str, str]]
) -> None:
    first = dates[0][0]
    make_series(zones.platform, time_zone="Europe/Paris", starts_on=first,
                start_time=dt.time(12, 30), weekday=first.weekday())  # fmt: skip
    received = 0
    for day, new_york, kolkata in dates:
        eve = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(13, 0), tzinfo=UTC)
        with smtp_server.settings():
            run = reminders_send_due(now=eve)
        assert run.sent == 3
        received += 3
        mail = by_recipient(smtp_server.wait_for(received)[-3:])
        long_day = f"{day:%A} {day.day} {day:%B %Y}"
        assert when_line(mail["bob"]) == (
            f"{long_day}, {new_york} America/New_York (12:30 in Europe/Paris), 45 minutes"
        )
        assert when_line(mail["fiona"]) == (
            f"{long_day}, {kolkata} Asia/Kolkata (12:30 in Europe/Paris), 45 minutes"
        )
        assert when_line(mail["alice"]) == f"{long_day}, 12:30 Europe/Paris, 45 minutes"
        assert str(mail["bob"]["Subject"]).startswith("Tomorrow: Weekly learning (")
        assert f"{new_york} America/New_York)" in str(mail["bob"]["Subject"])
        assert "is tomorrow." in body_text(mail["fiona"])


def test_a_reminder_says_today_or_tomorrow_by_each_recipients_own_calendar(
    zones: Cast, smtp_server: SmtpServer
) -> None:
    make_session(zones.platform, starts_at=paris(2030, 3, 6), time_zone="Europe/Paris")
    # 23:30 UTC on the 5th: already the 6th in Paris and Kolkata, still the 5th in New York.
    with smtp_server.settings():
        reminders_send_due(now=dt.datetime(2030, 3, 5, 23, 30, tzinfo=UTC))
    mail = by_recipient(smtp_server.wait_for(3))
    assert str(mail["alice"]["Subject"]).startswith("Today: Intro to tracing")
    assert "Intro to tracing is today." in body_text(mail["alice"])
    assert str(mail["fiona"]["Subject"]).startswith("Today: ")
    assert str(mail["bob"]["Subject"]).startswith("Tomorrow: ")
    assert "Intro to tracing is tomorrow." in body_text(mail["bob"])


def test_a_reminder_sent_the_same_morning_says_today(zones: Cast, smtp_server: SmtpServer) -> None:
    make_session(zones.platform, starts_at=paris(2030, 3, 6), time_zone="Europe/Paris")
    with smtp_server.settings():
        reminders_send_due(now=dt.datetime(2030, 3, 6, 7, 0, tzinfo=UTC))  # 08:00 in Paris
    for message in smtp_server.wait_for(3):
        assert str(message["Subject"]).startswith("Today: ")
        assert "is today." in body_text(message)


def test_a_moved_occurrence_is_announced_in_each_recipients_zone_after_the_change(
    zones: Cast,
    smtp_server: SmtpServer,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        series = make_series(
            zones.platform, time_zone="Europe/Paris", starts_on=dt.date(2030, 3, 6),
            start_time=dt.time(12, 30), weekday=2,
        )  # fmt: skip
    invitations = by_recipient(smtp_server.wait_for(3))
    assert "Next:  Wednesday 6 March 2030, 06:30 America/New_York (12:30 in Europe/Paris)" in (
        body_text(invitations["bob"])
    )
    with smtp_server.settings(), django_capture_on_commit_callbacks(execute=True):
        series_services.occurrence_move(
            series=series, original_start=paris(2030, 4, 3), starts_at=paris(2030, 4, 3, 13, 30)
        )
    changed = by_recipient(smtp_server.wait_for(6)[3:])
    assert when_line(changed["bob"]) == (
        "Wednesday 3 April 2030, 07:30 America/New_York (13:30 in Europe/Paris), 45 minutes"
    )
    assert str(changed["fiona"]["Subject"]) == (
        "Changed: Weekly learning on Wed 3 Apr, 17:00 Asia/Kolkata"
    )
