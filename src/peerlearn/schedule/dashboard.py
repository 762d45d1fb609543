"""The dashboard's view of each team's schedule: protected slot, next sessions, who leads.

Four queries for any number of teams, series and sessions: series, their skips, the
sessions starting (or due) in the window, and those sessions' roles.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.schedule.models import Series, Session, SessionStatus
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.selectors import (
    Slot,
    _roles_prefetch,
    _slot_of_session,
    series_slots,
    skips_near,
)

WINDOW = dt.timedelta(weeks=5)
NEXT_PER_TEAM = 3


@dataclass
class TeamSchedule:
    protected: Series | None = None
    protected_rule: str = ""
    upcoming: list[Slot] = field(default_factory=list)


def team_schedules(team_ids: Iterable[int], *, now: dt.datetime) -> dict[int, TeamSchedule]:
    ids = list(team_ids)
    end = now + WINDOW
    series_list = list(
        Series.objects.filter(team_id__in=ids, cancelled_at__isnull=True)
        .select_related("facilitator", "co_facilitator")
        .prefetch_related(Prefetch("skips", queryset=skips_near((now, end))))
    )
    # A row matters if it starts in the window, or was due in it and has moved away.
    in_window = Q(starts_at__gte=now, starts_at__lt=end) | Q(
        original_start__gte=now, original_start__lt=end
    )
    rows = list(
        Session.objects.filter(in_window, team_id__in=ids)
        .exclude(series__isnull=True, status=SessionStatus.PROPOSED)
        .prefetch_related(_roles_prefetch())
    )
    rows_by_series: dict[int, list[Session]] = defaultdict(list)
    schedules = {team_id: TeamSchedule() for team_id in ids}
    for row in rows:
        if row.series_id is not None:
            rows_by_series[row.series_id].append(row)
        elif now <= row.starts_at < end:
            schedules[row.team_id].upcoming.append(_slot_of_session(row))
    for series in series_list:
        schedule = schedules[series.team_id]
        own_rows = rows_by_series.get(series.pk, [])
        for row in own_rows:
            row.series = series  # already loaded; saves a query per row
        schedule.upcoming += series_slots(series, now, end, rows=own_rows)
        if series.is_protected_slot:
            schedule.protected = series
            try:
                schedule.protected_rule = engine_series(series).describe()
            except ScheduleError:
                schedule.protected_rule = ""
    for schedule in schedules.values():
        schedule.upcoming.sort(key=lambda slot: slot.starts_at)
        schedule.upcoming = schedule.upcoming[:NEXT_PER_TEAM]
    return schedules
