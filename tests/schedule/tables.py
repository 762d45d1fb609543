"""Every row of every schedule table, to show that a refused write changed nothing."""

from __future__ import annotations

from typing import Any

from peerlearn.schedule.models import Attendance, Rsvp, Series, SeriesSkip, Session, SessionRole

TABLES = (Series, SeriesSkip, Session, SessionRole, Rsvp, Attendance)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model.__name__: sorted(tuple(row.values()) for row in model.objects.values())
        for model in TABLES
    }
