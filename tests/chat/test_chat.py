"""Chat notifications end to end: webhooks a lead adds, notifications queued with the
change, delivered by the worker to a recording HTTP server in each service's shape,
retried with backoff, failures shown to the lead and never blocking the others."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from peerlearn.audit.models import AuditEvent
from peerlearn.capture import services as capture_services
from peerlearn.chat import services
from peerlearn.chat.models import ChatDelivery, ChatEvent, DeliveryStatus
from peerlearn.chat.periodic import chat_periodic
from peerlearn.gaps import services as gap_services
from peerlearn.gaps.models import GapSource
from peerlearn.schedule import services as schedule_services
from peerlearn.schedule.models import SessionStatus
from tests.chat.conftest import Recorder
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db
ALL = ChatEvent.values


def _hook(cast: Cast, recorder: Recorder, path: str, service: str = "slack", events=ALL) -> Any:  # type: ignore[no-untyped-def]
    return services.webhook_add(
        team=cast.platform,
        actor=cast.alice,
        service=service,
        name=f"#{path.strip('/')}",
        url=recorder.url(path),
        events=events,
    )


def test_a_new_session_reaches_each_service_in_its_own_shape(
    cast: Cast, recorder: Recorder
) -> None:
    _hook(cast, recorder, "/slack", "slack")
    _hook(cast, recorder, "/teams", "teams")
    _hook(cast, recorder, "/mm", "mattermost")
    session = make_session(cast.platform, by=cast.alice, title="Kafka <lag> & you")
    assert services.deliver_due() == {"sent": 3 * 2, "errors": 0}  # new + needs a facilitator
    (slack, slack_needs) = recorder.bodies("/slack")
    assert slack["text"].startswith("New session: Kafka &lt;lag&gt; &amp; you")
    assert slack["blocks"][-1]["elements"][0]["url"].endswith(f"/sessions/{session.pk}/")
    facts = {
        f["text"].split("\n")[0]: f["text"].split("\n")[1]
        for f in next(b for b in slack["blocks"] if "fields" in b)["fields"]
    }
    assert facts["*When*"].startswith("Wed 06 Mar 2030, 12:00 (Europe/Berlin)")
    assert "Needs a facilitator" in slack_needs["text"]
    (teams, _) = recorder.bodies("/teams")
    assert teams["attachments"][0]["content"]["type"] == "AdaptiveCard"
    (mattermost, _) = recorder.bodies("/mm")
    assert mattermost["text"].startswith("**New session\\: Kafka \\<lag\\> & you**")


def test_changes_and_cancellations_are_told_once_each(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/hook", events=[ChatEvent.SESSION_CHANGED])
    session = make_session(cast.platform, by=cast.alice)
    schedule_services.session_update(session=session, changes={"location": "Room 9"})
    schedule_services.session_set_status(session=session, status=SessionStatus.CANCELLED)
    services.deliver_due()
    titles = [body["text"].split(":")[0] for body in recorder.bodies("/hook")]
    assert titles == ["Changed", "Cancelled"]
    assert services.deliver_due() == {"errors": 0}  # nothing sent twice


def test_nothing_is_queued_when_the_change_rolls_back(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/hook")

    def failing_change() -> None:
        with transaction.atomic():
            make_session(cast.platform, by=cast.alice)
            raise RuntimeError("the change fails after the session was written")

    with pytest.raises(RuntimeError):
        failing_change()
    assert ChatDelivery.objects.count() == 0


def test_a_server_error_is_retried_with_backoff_then_sent(cast: Cast, recorder: Recorder) -> None:
    hook = _hook(cast, recorder, "/flaky", events=[ChatEvent.SESSION_NEW])
    recorder.answer("/flaky", 503)
    recorder.answer("/flaky", 429, {"Retry-After": "600"})
    make_session(cast.platform, by=cast.alice)
    now = timezone.now()
    services.deliver_due(now=now)
    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "HTTP 503" in delivery.last_error
    hook.refresh_from_db()
    assert hook.failing
    assert services.deliver_due(now=now) == {"errors": 0}  # not due yet: nothing posted
    services.deliver_due(now=now + dt.timedelta(minutes=2))
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at >= now + dt.timedelta(minutes=10)  # Retry-After wins
    services.deliver_due(now=now + dt.timedelta(minutes=15))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(recorder.bodies("/flaky")) == 3
    hook.refresh_from_db()
    assert not hook.failing


def test_a_client_error_fails_at_once_and_the_lead_sees_it(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/gone", events=[ChatEvent.SESSION_NEW])
    recorder.answer("/gone", 404)
    make_session(cast.platform, by=cast.alice)
    services.deliver_due()
    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "HTTP 404: invalid_payload (gave up after 1 attempt(s))" in delivery.last_error
    team_page = reverse("web:team", args=[cast.platform.pk])
    assert (
        "Chat notifications are failing for #gone"
        in client_for(cast.alice).get(team_page).content.decode()
    )
    assert "failing" not in client_for(cast.bob).get(team_page).content.decode()


def test_one_failing_webhook_never_holds_up_another(
    cast: Cast, recorder: Recorder, settings: Any
) -> None:
    _hook(cast, recorder, "/good", events=[ChatEvent.SESSION_NEW])
    services.webhook_add(
        team=cast.platform, actor=cast.alice, service="slack", name="dead",
        url="http://127.0.0.1:9/nothing-listens-here", events=[ChatEvent.SESSION_NEW],
    )  # fmt: skip
    make_session(cast.platform, by=cast.alice)
    outcome = services.deliver_due()
    assert outcome["sent"] == 1
    assert outcome["pending"] == 1  # the dead one waits for its retry
    assert len(recorder.bodies("/good")) == 1
    dead = ChatDelivery.objects.get(webhook__name="dead")
    assert dead.last_error.startswith("no answer:")


def test_redirects_are_not_followed(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/moved", events=[ChatEvent.SESSION_NEW])
    recorder.answer("/moved", 302, {"Location": "http://169.254.169.254/latest/meta-data"})
    make_session(cast.platform, by=cast.alice)
    services.deliver_due()
    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "redirects elsewhere" in delivery.last_error


def test_reminders_and_facilitator_calls_come_once(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/hook", events=[ChatEvent.REMINDER, ChatEvent.NEEDS_FACILITATOR])
    now = timezone.now()
    soon = make_session(cast.platform, by=cast.alice, starts_at=now + dt.timedelta(hours=10))
    make_session(
        cast.platform, by=cast.alice, facilitator=cast.fiona, starts_at=now + dt.timedelta(days=3)
    )
    far = make_session(cast.platform, by=cast.alice, starts_at=now + dt.timedelta(days=30))
    ChatDelivery.objects.all().delete()  # the "new session" ones
    chat_periodic(now=now)
    chat_periodic(now=now + dt.timedelta(hours=1))
    keys = sorted(ChatDelivery.objects.values_list("dedupe_key", flat=True))
    assert [k.split(":")[0] for k in keys] == ["needs", "reminder"]
    assert all(str(soon.pk) in k for k in keys)
    assert not any(str(far.pk) == k.split(":")[1] for k in keys)


def test_mondays_bring_the_overdue_action_items(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/hook", events=[ChatEvent.ACTION_ITEMS])
    session = make_session(cast.platform, by=cast.alice)
    capture_services.action_item_create(
        team=cast.platform,
        session=session,
        created_by=cast.alice,
        text="Write the runbook",
        owner=cast.bob,
        due=dt.date(2030, 1, 1),
    )
    monday = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
    chat_periodic(now=monday - dt.timedelta(days=1))  # Sunday: nothing
    assert ChatDelivery.objects.count() == 0
    chat_periodic(now=monday)
    chat_periodic(now=monday + dt.timedelta(hours=3))
    (delivery,) = ChatDelivery.objects.all()
    assert delivery.title == "1 overdue action item(s)"
    assert "Write the runbook (Bob, due 01 Jan)" in str(delivery.payload)


def test_new_gaps_are_posted_but_anonymous_asks_are_not(cast: Cast, recorder: Recorder) -> None:
    _hook(cast, recorder, "/hook", events=[ChatEvent.GAP_NEW])
    gap_services.gap_create(team=cast.platform, raised_by=cast.bob, title="Terraform state")
    gap_services.gap_create(
        team=cast.platform,
        raised_by=None,
        title="I never understood our auth",
        source=GapSource.ANONYMOUS,
    )
    titles = list(ChatDelivery.objects.values_list("title", flat=True))
    assert titles == ["New gap in the backlog: Terraform state"]


def test_webhook_urls_are_checked_and_changes_audited(cast: Cast, settings: Any) -> None:
    settings.CHAT_ALLOW_LOCAL_WEBHOOKS = False
    with pytest.raises(ValidationError) as refused:
        services.webhook_add(
            team=cast.platform, actor=cast.alice, service="slack", name="x",
            url="http://127.0.0.1:8065/hooks/abc", events=[ChatEvent.SESSION_NEW],
        )  # fmt: skip
    assert "private address" in str(refused.value.message_dict["url"])
    hook = services.webhook_add(
        team=cast.platform, actor=cast.alice, service="teams", name="Learning",
        url="https://example.webhook.office.com/workflows/abc", events=[ChatEvent.REMINDER],
    )  # fmt: skip
    event = AuditEvent.objects.get(action="chat.webhook_add")
    assert event.details["host"] == "example.webhook.office.com"
    assert "workflows/abc" not in str(event.details)  # the secret part of the URL is not kept
    services.webhook_remove(webhook=hook, actor=cast.alice)
    assert AuditEvent.objects.filter(action="chat.webhook_remove").exists()


def test_the_settings_page_is_for_leads_only(cast: Cast, recorder: Recorder) -> None:
    hook = _hook(cast, recorder, "/hook")
    page = reverse("chat:team_webhooks", args=[cast.platform.pk])
    assert client_for(cast.alice).get(page).status_code == 200
    assert client_for(cast.olga).get(page).status_code == 200  # the organisation's admin
    assert client_for(cast.fiona).get(page).status_code == 403
    assert client_for(cast.bob).get(page).status_code == 403
    assert client_for(cast.charlie).get(page).status_code == 404
    assert client_for(cast.zed).get(page).status_code == 404
    assert client_for(None).get(page).status_code == 302
    for name in ("chat:webhook_test", "chat:webhook_remove", "chat:webhook_update"):
        url = reverse(name, args=[hook.pk])
        assert client_for(cast.zed).post(url).status_code == 404
        assert client_for(cast.bob).post(url).status_code == 403
    shown = client_for(cast.alice).get(page).content.decode()
    assert "127.0.0.1" in shown
    assert "/hook" not in shown.split("Recently")[0].split("Add a webhook")[0]  # host only


def test_the_lead_adds_tests_and_removes_a_webhook_in_the_page(
    cast: Cast, recorder: Recorder
) -> None:
    lead = client_for(cast.alice)
    page = reverse("chat:team_webhooks", args=[cast.platform.pk])
    refused = lead.post(page, {"service": "slack", "name": "", "url": "ftp://x", "events": []})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "This field is required." in text
    added = lead.post(
        page,
        {
            "service": "mattermost",
            "name": "~town-square",
            "url": recorder.url("/mm"),
            "events": ["reminder"],
        },
    )
    assert added.status_code == 302
    hook = cast.platform.chat_webhooks.get()
    tested = lead.post(reverse("chat:webhook_test", args=[hook.pk]), follow=True)
    assert "The test message was accepted by 127.0.0.1." in tested.content.decode()
    assert recorder.bodies("/mm")[0]["text"].startswith("**peerlearn is connected to")
    lead.post(reverse("chat:webhook_remove", args=[hook.pk]))
    assert not cast.platform.chat_webhooks.exists()
