"""Where the other apps' changes become chat notifications.

Called inside the change's transaction (the delivery rows commit or roll back with it):
`session_announced` from schedule.services.announce_after_commit, `series_announced`
from series_services.announce_series_after_commit, `gap_created` from
gaps.services.gap_create. The time-based ones (reminders, sessions still needing a
facilitator, Monday's overdue action items) are in `periodic.py`.
"""

from __future__ import annotations

from peerlearn.chat.messages import facilitator_name, gap_message, series_message, session_message
from peerlearn.chat.models import ChatEvent
from peerlearn.chat.services import notify
from peerlearn.gaps.models import Gap, GapSource
from peerlearn.schedule.models import Series, Session, SessionStatus

# Posting an anonymous ask or a 1:1's gap to the channel the moment it is made would
# tell the team who just typed it; those appear in the backlog only.
_QUIET_SOURCES = (GapSource.ANONYMOUS, GapSource.ONE_ON_ONE)


def session_announced(session: Session) -> None:
    key = f"session:{session.pk}:{session.sequence}:{session.status}"
    if session.status == SessionStatus.CANCELLED:
        notify(
            team=session.team_id,
            event=ChatEvent.SESSION_CHANGED,
            message=session_message(session, "Cancelled"),
            dedupe_key=key,
        )
        return
    if session.sequence == 0:
        notify(
            team=session.team_id,
            event=ChatEvent.SESSION_NEW,
            message=session_message(session, "New session"),
            dedupe_key=key,
        )
        if facilitator_name(session) is None:
            notify(
                team=session.team_id,
                event=ChatEvent.NEEDS_FACILITATOR,
                message=session_message(
                    session, "Needs a facilitator", "Open the session to volunteer."
                ),
                dedupe_key=f"needs:{session.pk}:new",
            )
        return
    notify(
        team=session.team_id,
        event=ChatEvent.SESSION_CHANGED,
        message=session_message(session, "Changed"),
        dedupe_key=key,
    )


def series_announced(series: Series) -> None:
    if series.cancelled_at is not None:
        event, headline = ChatEvent.SESSION_CHANGED, "Series ended"
    elif series.sequence == 0:
        event, headline = ChatEvent.SESSION_NEW, "New series"
    else:
        event, headline = ChatEvent.SESSION_CHANGED, "Series changed"
    notify(
        team=series.team_id,
        event=event,
        message=series_message(series, headline),
        dedupe_key=f"series:{series.pk}:{series.sequence}:{bool(series.cancelled_at)}",
    )


def gap_created(gap: Gap) -> None:
    if gap.source in _QUIET_SOURCES:
        return
    notify(
        team=gap.team_id,
        event=ChatEvent.GAP_NEW,
        message=gap_message(gap),
        dedupe_key=f"gap:{gap.pk}",
    )
