"""A session's agenda and preparation checklist, from its format's template."""

from __future__ import annotations

from dataclasses import dataclass

from peerlearn.engines.schedule import formats
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.schedule.models import Series, Session


def carried_over_action_items(session: Session) -> list[str]:
    """Open action items from the previous session of the same series.

    The hook for the capture part of the product: there is no action-item model yet,
    so there is nothing to carry over. When there is, return the titles of the items
    still open from the series' previous session (by ``starts_at``), and the agenda,
    the session page, reminders and calendar descriptions will all show them.
    """
    return []


@dataclass(frozen=True)
class Agenda:
    format: formats.SessionFormat
    items: tuple[formats.AgendaItem, ...]
    carried_over: tuple[str, ...]
    checklist: tuple[str, ...]


def agenda_of(session: Session | Series) -> Agenda:
    fmt = formats.get_format(session.format)
    try:
        items = formats.agenda_for(fmt, session.duration_minutes)
    except ScheduleError:
        items = fmt.agenda  # a stored duration outside the range: show the template as is
    carried = carried_over_action_items(session) if isinstance(session, Session) else []
    return Agenda(fmt, items, tuple(carried), fmt.preparation)


def describe(session: Session | Series, *, url: str = "") -> str:
    """Plain text for calendar descriptions and reminder e-mails."""
    fmt = formats.get_format(session.format)
    change_link = getattr(session, "change_link", "")
    extra = "\n".join(
        line
        for line in (
            session.topic,
            getattr(session, "notes", ""),
            f"Change: {change_link}" if change_link else "",
            f"Video: {session.video_link}" if session.video_link else "",
            f"Whiteboard: {session.whiteboard_link}" if session.whiteboard_link else "",
            f"Session page: {url}" if url else "",
        )
        if line
    )
    carried = carried_over_action_items(session) if isinstance(session, Session) else []
    try:
        return formats.describe(fmt, session.duration_minutes, carried_over=carried, extra=extra)
    except ScheduleError:
        return extra
