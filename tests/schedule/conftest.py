"""Builders for sessions and series. Mail tests use the real SMTP server of tests/smtp.py."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from peerlearn.people.models import Team, User
from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Frequency, Series, Session
from tests.smtp import smtp_server  # noqa: F401  (the fixture, for the mail tests)

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
