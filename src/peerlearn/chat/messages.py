"""What each notification says: built from the rows, in the words the pages use."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from peerlearn.engines.chat import ChatMessage
from peerlearn.gaps.models import Gap
from peerlearn.schedule.models import FORMAT_CHOICES, Series, Session, SessionRole
from peerlearn.schedule.rules import engine_series

_FORMATS = dict(FORMAT_CHOICES)


def _when(session: Session) -> str:
    try:
        zone = ZoneInfo(session.time_zone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = session.starts_at.astimezone(zone)
    return f"{local:%a %d %b %Y, %H:%M} ({session.time_zone}), {session.duration_minutes} minutes"


def facilitator_name(session: Session) -> str | None:
    role = (
        SessionRole.objects.filter(session=session, role=SessionRole.FACILITATOR)
        .select_related("person")
        .first()
    )
    return role.person.name if role else None


def session_message(session: Session, headline: str, text: str = "") -> ChatMessage:
    facts = [("When", _when(session)), ("Format", _FORMATS.get(session.format, session.format))]
    if session.location:
        facts.append(("Where", session.location))
    if session.video_link:
        facts.append(("Video", session.video_link))
    facts.append(("Facilitator", facilitator_name(session) or "nobody yet"))
    return ChatMessage(
        title=f"{headline}: {session.title}",
        text=text,
        facts=tuple(facts),
        url=settings.BASE_URL + reverse("schedule:session", args=[session.pk]),
    )


def gap_message(gap: Gap) -> ChatMessage:
    return ChatMessage(
        title=f"New gap in the backlog: {gap.title}",
        text="Vote for it if you need it too, or offer to teach it.",
        facts=(("Team", gap.team.name), ("Source", gap.get_source_display())),
        url=settings.BASE_URL + reverse("gaps:gap", args=[gap.pk]),
    )


def series_message(series: Series, headline: str) -> ChatMessage:
    try:
        when = engine_series(series).describe().capitalize()
    except Exception:  # a series the engine refuses is still announced, without its rule
        when = f"From {series.starts_on:%d %b %Y} at {series.start_time:%H:%M} ({series.time_zone})"
    facts = [("When", when), ("Format", _FORMATS.get(series.format, series.format))]
    if series.location:
        facts.append(("Where", series.location))
    facts.append(("Facilitator", series.facilitator.name if series.facilitator else "nobody yet"))
    return ChatMessage(
        title=f"{headline}: {series.title}",
        facts=tuple(facts),
        url=settings.BASE_URL + reverse("schedule:series", args=[series.pk]),
    )
