"""Double-booked facilitators: a warning, never a refusal (people do run two things)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from peerlearn.engines.schedule import recurrence
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.schedule.models import Series, Session, SessionRole, SessionStatus
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.selectors import (
    Slot,
    _slot_of_session,
    series_slots,
    series_with_rows,
    slots_for_teams,
)

LONGEST_SESSION = dt.timedelta(hours=4)
_NAMES = ("display_name", "first_name", "last_name", "username")
# What a conflict shows of the other session (its message and link).
_SESSION_FIELDS = tuple(
    f"session__{name}"
    for name in (
        *("title", "team", "series", "starts_at", "ends_at", "time_zone", "format"),
        *("status", "original_start"),
    )
)


@dataclass(frozen=True)
class Conflict:
    person: str
    other: Slot

    @property
    def message(self) -> str:
        when = self.other.starts_at.strftime("%a %d %b %H:%M")
        return (
            f"{self.person} also facilitates “{self.other.title}” at {when} "
            f"({self.other.time_zone}), which overlaps."
        )


def conflicts_in(
    person_ids: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude_session: int | None = None,
    exclude_series: int | None = None,
) -> list[Conflict]:
    """Other sessions in ``[start, end)`` led by any of the people, as conflicts."""
    return conflicts_over(
        person_ids, [(start, end)], exclude_session=exclude_session, exclude_series=exclude_series
    )


def conflicts_over(
    person_ids: Iterable[int],
    windows: list[tuple[dt.datetime, dt.datetime]],
    *,
    exclude_session: int | None = None,
    exclude_series: int | None = None,
) -> list[Conflict]:
    """`conflicts_in` for several windows, window by window, in a fixed number of queries
    whatever the number of windows: what overlaps their whole span is read once."""
    ids = set(person_ids)
    if not ids or not windows:
        return []
    first = min(start for start, _ in windows)
    last = max(end for _, end in windows)
    # The people's leading roles in other sessions over the whole span, with their
    # sessions and names: one query (a session with two of them appears twice, as before).
    roles = list(
        SessionRole.objects.filter(
            person_id__in=ids,
            role__in=SessionRole.LEADING_ROLES,
            session__starts_at__lt=last,
            session__ends_at__gt=first,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .exclude(session_id=exclude_session or 0)
        .select_related("session", "person")
        .only("role", "session", "person", *(f"person__{n}" for n in _NAMES), *_SESSION_FIELDS)
        .order_by("session__starts_at", "session_id", "role", "person__display_name", "pk")
    )
    series = series_with_rows(
        Series.objects.filter(
            Q(facilitator_id__in=ids) | Q(co_facilitator_id__in=ids), cancelled_at__isnull=True
        ).exclude(pk=exclude_series or 0),
        window=(first - LONGEST_SESSION, last),
    )
    series_slots_by_series = [
        (one, series_slots(one, first - LONGEST_SESSION, last)) for one in series
    ]
    found: list[Conflict] = []
    for start, end in windows:
        for role in roles:
            row = role.session
            if not (row.starts_at < end and row.ends_at > start):
                continue
            if exclude_series is not None and row.series_id == exclude_series:
                continue
            found.append(Conflict(role.person.name, _slot_of_session(row, (role.person.name,))))
        for one, slots in series_slots_by_series:
            for slot in slots:
                if not (start - LONGEST_SESSION <= slot.starts_at < end):
                    continue
                if slot.session is None and slot.ends_at > start and not slot.is_cancelled:
                    for person in (one.facilitator, one.co_facilitator):
                        if person is not None and person.pk in ids:
                            found.append(Conflict(person.name, slot))
    return found


def session_conflicts(session: Session) -> list[Conflict]:
    ids = [
        r.person_id
        for r in SessionRole.objects.filter(session=session, role__in=SessionRole.LEADING_ROLES)
    ]
    if session.status == SessionStatus.CANCELLED:
        return []
    return conflicts_in(ids, session.starts_at, session.ends_at, exclude_session=session.pk)


def series_conflicts(series: Series, *, now: dt.datetime, count: int = 12) -> list[Conflict]:
    """Conflicts of the series' facilitators over its next ``count`` occurrences. A fixed
    number of queries whatever ``count`` (the series' skips are read from its prefetched
    ones when there are)."""
    ids = [p for p in (series.facilitator_id, series.co_facilitator_id) if p is not None]
    if not ids or series.cancelled_at is not None:
        return []
    try:
        # Past skips cannot fall on a coming date (and each costs the engine a walk).
        since = now.date() - dt.timedelta(days=2)
        rule = engine_series(series, skips=[s.on for s in series.skips.all() if s.on >= since])
    except ScheduleError:
        return []
    windows = [(o.start, o.end) for o in recurrence.upcoming(rule, now, count)]
    return conflicts_over(ids, windows, exclude_series=series.pk)


__all__ = [
    "Conflict",
    "conflicts_in",
    "conflicts_over",
    "series_conflicts",
    "session_conflicts",
    "slots_for_teams",
]
