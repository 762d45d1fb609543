"""A team's chat webhooks and the notifications queued for them (an outbox).

A delivery row is written in the same transaction as the change it tells about, and
sent by the worker afterwards, so a change is never announced when it rolled back and
a chat service being down never slows or fails the change. `dedupe_key` makes each
notification at most once per webhook (a reminder, a weekly summary).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.engines.chat.payloads import SERVICES
from peerlearn.people.models import Team


class ChatEvent(models.TextChoices):
    SESSION_NEW = "session_new", "New sessions"
    SESSION_CHANGED = "session_changed", "Changed and cancelled sessions"
    REMINDER = "reminder", "Reminders the day before"
    NEEDS_FACILITATOR = "needs_facilitator", "Sessions that need a facilitator"
    GAP_NEW = "gap_new", "New gaps in the backlog"
    ACTION_ITEMS = "action_items", "Overdue action items (Mondays)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ChatWebhook(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="chat_webhooks")
    service = models.CharField(max_length=20, choices=list(SERVICES.items()))
    name = models.CharField(max_length=100)  # "#platform-learning", shown instead of the URL
    # A secret: whoever has it can post to the channel. Shown only as its host.
    url = models.TextField()
    events = models.JSONField(default=list)  # ChatEvent values
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # the last failure, until a send succeeds
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_service_display()})"

    @property
    def failing(self) -> bool:
        return bool(self.last_error)


class ChatDelivery(models.Model):
    webhook = models.ForeignKey(ChatWebhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=ChatEvent.choices)
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)  # for the log on the settings page
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)  # HTTP status
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "dedupe_key"], name="chat_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.title
