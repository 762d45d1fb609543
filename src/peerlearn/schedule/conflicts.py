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
    ids = set(person_ids)
    if not ids:
        return []
    leading = Q(roles__person_id__in=ids, roles__role__in=SessionRole.LEADING_ROLES)
    rows = (
        Session.objects.filter(leading, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=SessionStatus.CANCELLED)
        .exclude(pk=exclude_session or 0)
        .select_related("series")
        .prefetch_related("roles__person")
        .distinct()
    )
    found: list[Conflict] = []
    for row in rows:
        if exclude_series is not None and row.series_id == exclude_series:
            continue
        for role in row.roles.all():
            if role.person_id in ids and role.role in SessionRole.LEADING_ROLES:
                found.append(Conflict(role.person.name, _slot(row)))
    series = series_with_rows(
        Series.objects.filter(
            Q(facilitator_id__in=ids) | Q(co_facilitator_id__in=ids), cancelled_at__isnull=True
        ).exclude(pk=exclude_series or 0)
    )
    for one in series:
        for slot in series_slots(one, start - LONGEST_SESSION, end):
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
    """Conflicts of the series' facilitators over its next ``count`` occurrences."""
    ids = [p for p in (series.facilitator_id, series.co_facilitator_id) if p is not None]
    if not ids or series.cancelled_at is not None:
        return []
    try:
        rule = engine_series(series, skips=series.skips.values_list("on", flat=True))
    except ScheduleError:
        return []
    found: list[Conflict] = []
    for occurrence in recurrence.upcoming(rule, now, count):
        found += conflicts_in(ids, occurrence.start, occurrence.end, exclude_series=series.pk)
    return found


__all__ = ["Conflict", "conflicts_in", "series_conflicts", "session_conflicts", "slots_for_teams"]
