"""Reads the capture pages, the agenda and the dashboard share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from peerlearn.capture.models import (
    ActionItem,
    ActionStatus,
    Recording,
    RecordingRemoval,
    SessionNotes,
    Transcript,
)
from peerlearn.people.models import Team, User
from peerlearn.schedule.models import Session


def carried_over_items(session: Session) -> list[ActionItem]:
    """Open action items raised in earlier sessions of the same series: they stay on
    every next agenda until closed."""
    if session.series_id is None:
        return []
    return list(
        ActionItem.objects.filter(
            series_id=session.series_id,
            status=ActionStatus.OPEN,
            session__starts_at__lt=session.starts_at,
        )
        .select_related("owner")
        .order_by("due", "created_at", "pk")
    )


def session_items(session: Session) -> list[ActionItem]:
    return list(session.action_items.select_related("owner").order_by("status", "due", "pk"))


@dataclass(frozen=True)
class SessionCapture:
    notes: SessionNotes | None
    items: list[ActionItem]
    recording: Recording | None
    transcript: Transcript | None
    removals: list[RecordingRemoval]


def session_capture(session: Session) -> SessionCapture:
    notes = SessionNotes.objects.filter(session=session).select_related("updated_by").first()
    return SessionCapture(
        notes=notes,
        items=session_items(session),
        recording=Recording.objects.filter(session=session).first(),
        transcript=Transcript.objects.filter(session=session).defer("cues").first(),
        removals=list(RecordingRemoval.objects.filter(session=session)[:5]),
    )


def team_items(team: Team, *, show: str = "open") -> QuerySet[ActionItem]:
    """The team's action items: open (overdue first), overdue only, or closed (newest
    first)."""
    items = ActionItem.objects.filter(team=team).select_related("owner", "session")
    today = timezone.localdate()
    if show == "closed":
        return items.exclude(status=ActionStatus.OPEN).order_by("-closed_at", "-pk")
    items = items.filter(status=ActionStatus.OPEN)
    if show == "overdue":
        items = items.filter(due__lt=today)
    return items.order_by("due", "created_at", "pk")


@dataclass(frozen=True)
class ItemCounts:
    open: int
    overdue: int
    closed: int


def team_item_counts(team: Team) -> ItemCounts:
    today = timezone.localdate()
    rows = ActionItem.objects.filter(team=team)
    return ItemCounts(
        open=rows.filter(status=ActionStatus.OPEN).count(),
        overdue=rows.filter(status=ActionStatus.OPEN, due__lt=today).count(),
        closed=rows.exclude(status=ActionStatus.OPEN).count(),
    )


def my_open_items(person: User, *, today: dt.date | None = None) -> list[ActionItem]:
    """The person's open items, overdue first, for the dashboard and the digest."""
    day = today or timezone.localdate()
    items = list(
        ActionItem.objects.filter(
            owner=person,
            status=ActionStatus.OPEN,
            team__organisation_id=person.organisation_id or 0,  # never another organisation's
        )
        .select_related("team", "session")
        .order_by("due", "created_at", "pk")
    )
    items.sort(key=lambda item: (not item.is_overdue(day), item.due or dt.date.max, item.pk))
    return items
