"""The weekly digest through a real SMTP server: once a week, on Monday morning in the
owner's own time zone, with what is open and what is overdue; one bad row skips only
that person."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from peerlearn.audit.models import ItemFailure
from peerlearn.capture import services
from peerlearn.capture.digest import digests_send_due
from peerlearn.capture.models import DigestSent
from peerlearn.people.models import User
from tests.conftest import Cast
from tests.schedule.conftest import make_session
from tests.smtp import SmtpServer, smtp_server  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 08:30 in Berlin.
MONDAY_MORNING = dt.datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def _items(cast: Cast) -> None:
    session = make_session(cast.platform, title="Tracing deep dive")
    services.action_item_create(
        team=cast.platform,
        created_by=cast.alice,
        text="Write the runbook",
        owner=cast.bob,
        due=dt.date(2026, 12, 1),
        session=session,
    )
    services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Review sampling", owner=cast.bob
    )
    done = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Old news", owner=cast.bob
    )
    services.action_item_close(item=done, actor=cast.bob)


def test_each_owner_gets_one_digest_a_week_with_open_and_overdue(
    cast: Cast,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    User.objects.filter(pk=cast.bob.pk).update(time_zone="Europe/Berlin")
    _items(cast)
    with smtp_server.settings():
        run = digests_send_due(now=MONDAY_MORNING)
        again = digests_send_due(now=MONDAY_MORNING + dt.timedelta(hours=3))
    assert (run.sent, again.sent, again.already) == (1, 0, 1)
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "bob@example.com"
    assert message["Subject"] == "Your action items: 2 open, 1 overdue"
    body = message.get_content().replace("\r\n", "\n")
    overdue = body[body.index("Overdue") : body.index("Open\n")]
    assert "Write the runbook (Platform, due Tue 1 Dec 2026)" in overdue
    assert "/capture/" in overdue  # a link to the session's notes
    assert "Review sampling" in body[body.index("Open\n") :]
    assert "Old news" not in body
    assert DigestSent.objects.get().week == "2026-W50"


def test_no_digest_before_monday_morning_where_the_owner_lives(
    cast: Cast,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    User.objects.filter(pk=cast.bob.pk).update(time_zone="America/New_York")
    _items(cast)
    with smtp_server.settings():
        early = digests_send_due(now=MONDAY_MORNING)  # 02:30 in New York
        sunday = digests_send_due(now=MONDAY_MORNING - dt.timedelta(days=1))
        later = digests_send_due(now=MONDAY_MORNING + dt.timedelta(hours=6))  # 08:30 there
    assert (early.sent, sunday.sent, later.sent) == (0, 0, 1)


def test_a_person_whose_mail_fails_is_skipped_and_the_others_get_theirs(
    cast: Cast,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    _items(cast)
    services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Fiona's", owner=cast.fiona
    )
    User.objects.update(time_zone="Europe/Berlin")
    # An address the mail server refuses: only bob's message fails.
    User.objects.filter(pk=cast.bob.pk).update(email="bob@@broken")
    with smtp_server.settings():
        run = digests_send_due(now=MONDAY_MORNING)
    assert run.sent == 1
    assert run.failed == 1
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["fiona@example.com"]
    assert not DigestSent.objects.filter(person=cast.bob).exists()  # tried again next hour
    assert ItemFailure.objects.filter(item__contains="digest to Bob").exists()
