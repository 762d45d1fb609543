"""Chat notifications as data: the message, each service's payload, the webhook URL
rules and the retry schedule. Pure Python; the chat app stores and sends them."""

from __future__ import annotations

from .backoff import MAX_ATTEMPTS, next_attempt_delay, should_retry
from .message import ChatMessage
from .payloads import SERVICES, payload
from .webhook_url import WebhookUrlError, check_webhook_url

__all__ = [
    "MAX_ATTEMPTS",
    "SERVICES",
    "ChatMessage",
    "WebhookUrlError",
    "check_webhook_url",
    "next_attempt_delay",
    "payload",
    "should_retry",
]
