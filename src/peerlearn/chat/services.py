"""Every write of the chat app: webhooks added, changed, removed; notifications queued
and delivered with retries."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from peerlearn.audit.services import audit_record, for_each_isolated
from peerlearn.chat.models import ChatDelivery, ChatEvent, ChatWebhook, DeliveryStatus
from peerlearn.chat.sending import post_json
from peerlearn.engines.chat import (
    SERVICES,
    ChatMessage,
    WebhookUrlError,
    check_webhook_url,
    next_attempt_delay,
    payload,
    should_retry,
)
from peerlearn.people.models import Team, User
from peerlearn.validation import check_single_line

logger = logging.getLogger(__name__)

MAX_WEBHOOKS_PER_TEAM = 10
NAME_MAX = 100
LEASE = dt.timedelta(minutes=2)  # a worker sending a delivery owns it this long
DELIVER_JOB = "chat: deliver notifications"
BATCH = 200


def webhook_host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _clean(
    *, service: str, name: str, url: str | None, events: Iterable[str]
) -> tuple[str, str | None, list[str]]:
    errors: dict[str, list[str]] = {}
    if service not in SERVICES:
        errors["service"] = [f"Choose one of: {', '.join(SERVICES.values())}."]
    name = name.strip()
    try:
        check_single_line(name, field="name")
    except ValidationError as error:
        errors["name"] = error.messages
    if not name:
        errors["name"] = ["Give it a name people recognise, such as the channel's."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"At most {NAME_MAX} characters."]
    if url is not None:
        try:
            url = check_webhook_url(url, allow_local=settings.CHAT_ALLOW_LOCAL_WEBHOOKS)
        except WebhookUrlError as error:
            errors["url"] = [str(error)]
    chosen = list(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in ChatEvent.values]
    if unknown:
        errors["events"] = [f"Not an event: {unknown[0][:40]!r}."]
    elif not chosen:
        errors["events"] = ["Choose at least one kind of notification."]
    if errors:
        raise ValidationError(errors)
    return name, url, chosen


@transaction.atomic
def webhook_add(
    *, team: Team, actor: User, service: str, name: str, url: str, events: Iterable[str]
) -> ChatWebhook:
    name, checked, chosen = _clean(service=service, name=name, url=url, events=events)
    Team.objects.select_for_update().filter(pk=team.pk).first()  # one add at a time per team
    if ChatWebhook.objects.filter(team=team).count() >= MAX_WEBHOOKS_PER_TEAM:
        raise ValidationError(f"A team has at most {MAX_WEBHOOKS_PER_TEAM} chat webhooks.")
    assert checked is not None
    webhook = ChatWebhook.objects.create(
        team=team, service=service, name=name, url=checked, events=chosen, created_by=actor
    )
    audit_record(
        actor=actor,
        organisation=team.organisation_id,
        action="chat.webhook_add",
        target=webhook,
        details={"service": service, "host": webhook_host(checked), "events": chosen},
    )
    return webhook


@transaction.atomic
def webhook_update(
    *, webhook: ChatWebhook, actor: User, name: str, events: Iterable[str]
) -> ChatWebhook:
    name, _, chosen = _clean(service=webhook.service, name=name, url=None, events=events)
    webhook.name, webhook.events = name, chosen
    webhook.save(update_fields=["name", "events"])
    audit_record(
        actor=actor,
        organisation=webhook.team.organisation_id,
        action="chat.webhook_update",
        target=webhook,
        details={"events": chosen},
    )
    return webhook


@transaction.atomic
def webhook_remove(*, webhook: ChatWebhook, actor: User) -> None:
    audit_record(
        actor=actor,
        organisation=webhook.team.organisation_id,
        action="chat.webhook_remove",
        target=webhook,
        details={"service": webhook.service, "host": webhook_host(webhook.url)},
    )
    webhook.delete()


def notify(*, team: Team | int, event: str, message: ChatMessage, dedupe_key: str) -> int:
    """Queue `message` for each of the team's webhooks that takes `event`; each webhook
    gets a given `dedupe_key` once. Call inside the change's transaction."""
    team_id = team.pk if isinstance(team, Team) else team
    hooks = [h for h in ChatWebhook.objects.filter(team_id=team_id) if event in h.events]
    if not hooks:
        return 0
    rows = [
        ChatDelivery(
            webhook=hook,
            event=event,
            dedupe_key=dedupe_key[:200],
            title=message.title[:300],
            payload=payload(hook.service, message),
        )
        for hook in hooks
    ]
    ChatDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(_enqueue_delivery)
    return len(rows)


def _enqueue_delivery() -> None:
    from peerlearn.chat.tasks import deliver_chat_notifications

    try:
        deliver_chat_notifications.enqueue()
    except Exception:  # the periodic job delivers it anyway
        logger.exception("could not queue the chat delivery task")


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for LEASE (two workers never post the same notification)."""
    return bool(
        ChatDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    )


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> str | None:
    """Send one due delivery; its new status, or None when it was not due or taken."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = ChatDelivery.objects.select_related("webhook").get(pk=delivery_id)
    answer = post_json(delivery.webhook.url, delivery.payload)
    done = timezone.now()
    hook = delivery.webhook
    if answer.status is not None and 200 <= answer.status < 300:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, done, ""
        hook.last_sent_at, hook.last_error, hook.last_error_at = done, "", None
    else:
        delay = next_attempt_delay(delivery.attempts, answer.retry_after)
        if should_retry(answer.status) and delay is not None:
            delivery.next_attempt_at = done + delay
            when = (
                f"tried {delivery.attempts} time(s), next at {delivery.next_attempt_at:%H:%M} UTC"
            )
        else:
            delivery.status = DeliveryStatus.FAILED
            when = f"gave up after {delivery.attempts} attempt(s)"
        delivery.last_error = f"{answer.detail} ({when})"[:1000]
        hook.last_error, hook.last_error_at = delivery.last_error, done
    delivery.last_status = answer.status
    delivery.save(
        update_fields=["status", "sent_at", "last_error", "last_status", "next_attempt_at"]
    )
    hook.save(update_fields=["last_sent_at", "last_error", "last_error_at"])
    return delivery.status


def deliver_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every due delivery, each on its own: one webhook failing (or one bad row) never
    holds up the others."""
    now = now or timezone.now()
    due = list(
        ChatDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "webhook__team__organisation_id")[:BATCH]
    )
    outcomes: dict[str, int] = {}

    def one(row: tuple[int, int]) -> None:
        status = deliver(row[0], now=now)
        if status is not None:
            outcomes[status] = outcomes.get(status, 0) + 1

    result = for_each_isolated(
        due,
        one,
        job=DELIVER_JOB,
        describe=lambda row: f"chat delivery {row[0]}",
        organisation_of=lambda row: row[1],
    )
    outcomes["errors"] = len(due) - len(result.done)
    return outcomes


def webhook_send_test(*, webhook: ChatWebhook, actor: User) -> str:
    """Post a test message now (not queued) and say what happened."""
    message = ChatMessage(
        title=f"peerlearn is connected to {webhook.name}",
        text=f"{actor.name} sent this test from {webhook.team.name}'s chat settings.",
        url=f"{settings.BASE_URL}/",
    )
    answer = post_json(webhook.url, payload(webhook.service, message))
    now = timezone.now()
    if answer.status is not None and 200 <= answer.status < 300:
        webhook.last_sent_at, webhook.last_error, webhook.last_error_at = now, "", None
        result = f"The test message was accepted by {webhook_host(webhook.url)}."
    else:
        webhook.last_error, webhook.last_error_at = f"Test: {answer.detail}"[:1000], now
        result = f"The test message was not accepted: {answer.detail}"
    webhook.save(update_fields=["last_sent_at", "last_error", "last_error_at"])
    return result
