"""Notifications that come from the clock, run hourly by the worker's scheduler.

- Reminders: each scheduled session starting within the next 24 hours, once (series
  dates within that window already have their rows: the e-mail reminder job, every 10
  minutes, makes them).
- Sessions that still need a facilitator within the next 7 days, once per session.
- Monday (from 08:00 UTC): the team's overdue action items, once a week, when it has any.

Only teams with a webhook that takes the event are looked at; each team is handled on
its own, so one team's bad row never stops the others' notifications.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from peerlearn.audit.services import for_each_isolated
from peerlearn.capture.models import ActionItem
from peerlearn.chat.messages import session_message
from peerlearn.chat.models import ChatEvent, ChatWebhook
from peerlearn.chat.services import notify
from peerlearn.engines.chat import ChatMessage
from peerlearn.schedule.models import Session, SessionRole, SessionStatus

REMINDER_WINDOW = dt.timedelta(hours=24)
NEEDS_WINDOW = dt.timedelta(days=7)
ACTIONS_HOUR = 8
JOB = "chat: reminders and summaries"
_LISTED = 5


def _teams_taking(event: str) -> list[int]:
    return sorted(
        {h.team_id for h in ChatWebhook.objects.only("team_id", "events") if event in h.events}
    )


def _reminders(team_id: int, now: dt.datetime) -> None:
    sessions = Session.objects.filter(
        team_id=team_id,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_WINDOW,
    )
    for session in sessions:
        notify(
            team=team_id,
            event=ChatEvent.REMINDER,
            message=session_message(session, "Tomorrow"),
            dedupe_key=f"reminder:{session.pk}:{session.starts_at:%Y%m%dT%H%M}",
        )


def _needing_facilitator(team_id: int, now: dt.datetime) -> None:
    led = SessionRole.objects.filter(role=SessionRole.FACILITATOR).values("session_id")
    sessions = Session.objects.filter(
        team_id=team_id,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + NEEDS_WINDOW,
    ).exclude(pk__in=led)
    for session in sessions:
        notify(
            team=team_id,
            event=ChatEvent.NEEDS_FACILITATOR,
            message=session_message(
                session, "Still needs a facilitator", "Open the session to volunteer."
            ),
            dedupe_key=f"needs:{session.pk}:{session.starts_at:%Y%m%d}",
        )


def _overdue_actions(team_id: int, now: dt.datetime) -> None:
    if now.weekday() != 0 or now.hour < ACTIONS_HOUR:
        return
    overdue = list(
        ActionItem.objects.filter(team_id=team_id, status="open", due__lt=now.date())
        .select_related("owner")
        .order_by("due", "pk")
    )
    if not overdue:
        return
    lines = [
        f"{item.text[:120]} ({item.owner.name if item.owner else 'nobody'}, due {item.due:%d %b})"
        for item in overdue[:_LISTED]
    ]
    more = len(overdue) - _LISTED
    text = "; ".join(lines) + (f"; and {more} more." if more > 0 else ".")
    year, week, _ = now.isocalendar()
    notify(
        team=team_id,
        event=ChatEvent.ACTION_ITEMS,
        message=ChatMessage(
            title=f"{len(overdue)} overdue action item(s)",
            text=text,
            url=settings.BASE_URL + reverse("capture:team_items", args=[team_id]) + "?show=overdue",
        ),
        dedupe_key=f"actions:{year}-W{week:02d}",
    )


def chat_periodic(*, now: dt.datetime | None = None) -> int:
    """Queue what is due; how many teams were looked at."""
    now = now or timezone.now()
    work = [
        *((_reminders, t) for t in _teams_taking(ChatEvent.REMINDER)),
        *((_needing_facilitator, t) for t in _teams_taking(ChatEvent.NEEDS_FACILITATOR)),
        *((_overdue_actions, t) for t in _teams_taking(ChatEvent.ACTION_ITEMS)),
    ]
    result = for_each_isolated(
        work,
        lambda pair: pair[0](pair[1], now),
        job=JOB,
        describe=lambda pair: f"team {pair[1]} ({pair[0].__name__.strip('_')})",
    )
    return len(result.done)
