"""Background tasks of the chat app: thin wrappers around the services."""

from __future__ import annotations

from django.tasks import task

from peerlearn.chat.periodic import chat_periodic
from peerlearn.chat.services import deliver_due


@task()
def deliver_chat_notifications() -> dict[str, int]:
    """Queued after each change that notifies, and every few minutes for retries."""
    return deliver_due()


@task()
def queue_chat_reminders() -> dict[str, int]:
    """Hourly: reminders, sessions needing a facilitator, Monday's overdue items."""
    return {"teams": chat_periodic()}
