"""Double-booked facilitators: a warning, never a refusal (people do run two things)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from peerlearn.engines.schedule import recurrence
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.schedule.models import Series, Session, SessionRole, SessionStatus
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.selectors import Slot, series_slots, series_with_rows, slots_for_teams

LONGEST_SESSION = dt.timedelta(hours=4)


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
    leading = Q(roles__person_id__in=ids, roles__role__in=SessionRole.LEADING_ROLES)
    rows = list(
        Session.objects.filter(leading, starts_at__lt=last, ends_at__gt=first)
        .exclude(status=SessionStatus.CANCELLED)
        .exclude(pk=exclude_session or 0)
        .select_related("series")
        .prefetch_related(Prefetch("roles", queryset=SessionRole.objects.select_related("person")))
        .distinct()
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
        for row in rows:
            if not (row.starts_at < end and row.ends_at > start):
                continue
            if exclude_series is not None and row.series_id == exclude_series:
                continue
            for role in row.roles.all():
                if role.person_id in ids and role.role in SessionRole.LEADING_ROLES:
                    found.append(Conflict(role.person.name, _slot(row)))
        for one, slots in series_slots_by_series:
            for slot in slots:
                if not (start - LONGEST_SESSION <= slot.starts_at < end):
                    continue
                if slot.session is None and slot.ends_at > start and not slot.is_cancelled:
                    for person in (one.facilitator, one.co_facilitator):
                        if person is not None and person.pk in ids:
                            found.append(Conflict(person.name, slot))
    return found


def _slot(row: Session) -> Slot:
    from peerlearn.schedule.selectors import _slot_of_session

    return _slot_of_session(row)


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
