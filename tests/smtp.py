"""A real SMTP server for mail tests (aiosmtpd on loopback), and how to point Django at it.

Use it from any test module:

    from tests.smtp import SmtpServer, smtp_server  # noqa: F401  (the fixture)

    def test_mail(smtp_server: SmtpServer) -> None:
        with smtp_server.settings():
            ...  # code that sends mail
        message = smtp_server.wait_for(1)[0]
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings


@dataclass
class _Collector:
    """aiosmtpd handler: keeps every message it receives."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    received: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.received:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.received.notify_all()
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    collector: _Collector

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages

    def settings(self) -> AbstractContextManager[None]:
        """Django's mail goes to this server while the context is active."""
        return override_settings(
            MAILERS={
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": self.host, "port": self.port, "timeout": 10},
                }
            }
        )

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The first `count` messages, waiting for the server to receive them."""
        deadline = time.monotonic() + timeout
        with self.collector.received:
            while len(self.collector.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} message(s), got {len(self.collector.messages)}"
                    )
                self.collector.received.wait(remaining)
            return list(self.collector.messages[:count])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=controller.port, collector=collector)
    finally:
        controller.stop()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content
