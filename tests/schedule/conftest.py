"""Builders for sessions and series, and a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from pytest_django import Settings

from peerlearn.people.models import Team, User
from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Frequency, Series, Session

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def berlin(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BERLIN)


def make_session(team: Team, *, by: User | None = None, **overrides: Any) -> Session:
    fields: dict[str, Any] = {
        "title": "Intro to tracing",
        "format": "lunch_and_learn",
        "starts_at": berlin(2030, 3, 6, 12),
        "time_zone": "Europe/Berlin",
        "duration_minutes": 45,
        "location": "Room 1",
    }
    fields.update(overrides)
    return services.session_create(team=team, created_by=by, **fields)


def make_series(team: Team, *, by: User | None = None, **overrides: Any) -> Series:
    fields: dict[str, Any] = {
        "title": "Weekly learning",
        "format": "lunch_and_learn",
        "time_zone": "Europe/Berlin",
        "starts_on": dt.date(2030, 3, 1),
        "start_time": dt.time(12, 0),
        "duration_minutes": 45,
        "frequency": Frequency.WEEKLY,
        "interval": 1,
        "weekday": 2,  # Wednesday
        "location": "Room 1",
    }
    fields.update(overrides)
    return series_services.series_create(team=team, created_by=by, **fields)


@dataclass
class SmtpInbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def calendar_part(self, message: EmailMessage) -> tuple[str, bytes]:
        """The (method, body) of the text/calendar alternative."""
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                return str(part.get_param("method")), payload
        raise AssertionError("no text/calendar part")


class _Handler:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.inbox.handle(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SmtpInbox]:
    """A real SMTP server on loopback; Django's default mailer sends to it."""
    inbox = SmtpInbox("127.0.0.1", _free_port())
    controller = Controller(_Handler(inbox), hostname=inbox.host, port=inbox.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": inbox.host, "port": inbox.port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
