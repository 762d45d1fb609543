"""A session's agenda and preparation checklist, from its format's template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from peerlearn.engines.schedule import formats
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.schedule.models import Series, Session

if TYPE_CHECKING:
    from peerlearn.capture.models import ActionItem


def carried_over_action_items(session: Session) -> list[str]:
    """Open action items from earlier sessions of the same series, as the agenda, the
    session page, reminders and calendar descriptions show them."""
    if session.series_id is None:
        return []  # single sessions carry nothing over (and cost no query in feeds)
    # Imported here: capture builds on schedule's models, not the other way round.
    from peerlearn.capture.selectors import carried_over_items

    return [_item_line(item) for item in carried_over_items(session)]


def _item_line(item: ActionItem) -> str:
    owner = f" ({item.owner.name})" if item.owner is not None else ""
    due = f", due {item.due:%-d %b %Y}" if item.due else ""
    return f"{item.text}{owner}{due}"


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
