"""Audit entries of the schedule: who cancelled which session, occurrence or series.

Called by the services inside their transaction (``audit_record``'s rule), so the entry
exists exactly when the cancellation does. Feed links are audited in ``feeds.py``.
"""

from __future__ import annotations

from peerlearn.audit.services import audit_record
from peerlearn.people.models import User
from peerlearn.schedule.models import Series, Session


def cancellation_record(*, item: Session | Series, actor: User | None) -> None:
    details: dict[str, object] = {"team": item.team_id}
    if isinstance(item, Session) and item.series_id is not None:
        assert item.original_start is not None
        details |= {"series": item.series_id, "original_start": item.original_start.isoformat()}
    audit_record(
        actor=actor,
        organisation=item.team.organisation_id,
        action="series.cancelled" if isinstance(item, Series) else "session.cancelled",
        target=item,
        details=details,
    )
