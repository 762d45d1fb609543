"""Reusable reads for sessions and series. Query counts stay constant in the number of rows.

A team's calendar merges three sources: single sessions, materialised occurrences of
series (rows) and occurrences the series rule gives that nobody has touched yet (no
row). `Slot` is the one shape pages render for all three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse

from peerlearn.engines.schedule import recurrence
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.formats import FORMATS
from peerlearn.people.models import Membership, User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.models import (
    Attendance,
    Rsvp,
    Series,
    SeriesSkip,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.when import zone_or_utc

if TYPE_CHECKING:
    from peerlearn.people.access import ScopedAccess
    from peerlearn.schedule.conflicts import Conflict


_SERIES = Session._meta.get_field("series")


@dataclass(frozen=True)
class Slot:
    title: str
    team_id: int
    starts_at: dt.datetime  # in the session's zone
    ends_at: dt.datetime
    time_zone: str
    format_name: str
    status: str
    facilitators: tuple[str, ...]
    session: Session | None
    series: Series | None
    original_start: dt.datetime | None

    @property
    def url(self) -> str:
        if self.session is not None:
            return reverse("schedule:session", args=[self.session.pk])
        assert self.series is not None
        assert self.original_start is not None
        return reverse(
            "schedule:occurrence", args=[self.series.pk, occurrence_key(self.original_start)]
        )

    @property
    def key(self) -> str:
        return occurrence_key(self.original_start) if self.original_start else ""

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def in_series(self) -> bool:
        return self.series is not None or (
            self.session is not None and self.session.series_id is not None
        )

    @property
    def status_label(self) -> str:
        return SessionStatus(self.status).label


def occurrence_key(original_start: dt.datetime) -> str:
    """An occurrence's original start as it appears in URLs: 20260304T110000Z."""
    return original_start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_occurrence_key(key: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


_NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


def _roles_prefetch() -> Prefetch[str]:
    """Roles with their people's names (what pages show of them), not whole accounts."""
    roles = SessionRole.objects.select_related("person").only(
        "session", "role", "person", *(f"person__{name}" for name in _NAME_FIELDS)
    )
    return Prefetch("roles", queryset=roles)


def leading_names(session: Session) -> tuple[str, ...]:
    """Facilitator first, then co-facilitator, from prefetched roles."""
    ordered = sorted(
        (r for r in session.roles.all() if r.role in SessionRole.LEADING_ROLES),
        key=lambda r: SessionRole.LEADING_ROLES.index(r.role),
    )
    return tuple(r.person.name for r in ordered)


def leading_names_of(session_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """`leading_names` for many sessions in one query of names (a prefetch of roles and
    their accounts costs several times as much per row)."""
    ids = list(session_ids)
    rows = (
        SessionRole.objects.filter(session_id__in=ids, role__in=SessionRole.LEADING_ROLES)
        .values_list("session_id", "role", *(f"person__{name}" for name in _NAME_FIELDS))
        .order_by("pk")
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for session_id, role, *names in rows:
        found.setdefault(session_id, []).append(
            (SessionRole.LEADING_ROLES.index(role), User.name_of(*names))
        )
    return {pk: tuple(name for _, name in sorted(people)) for pk, people in found.items()}


def _slot_of_session(session: Session, facilitators: tuple[str, ...] | None = None) -> Slot:
    """`facilitators`: the session's leading names when read already (leading_names_of);
    else from its prefetched roles."""
    tz = zone_or_utc(session.time_zone)
    return Slot(
        title=session.title,
        team_id=session.team_id,
        starts_at=session.starts_at.astimezone(tz),
        ends_at=session.ends_at.astimezone(tz),
        time_zone=session.time_zone,
        format_name=FORMATS[session.format].name,
        status=session.status,
        facilitators=leading_names(session) if facilitators is None else facilitators,
        session=session,
        # Only when loaded: lists that do not show the series do not read it.
        series=session.series if _SERIES.is_cached(session) else None,
        original_start=session.original_start,
    )


def _slot_of_occurrence(series: Series, occurrence: recurrence.Occurrence) -> Slot:
    people = tuple(p.name for p in (series.facilitator, series.co_facilitator) if p is not None)
    return Slot(
        title=series.title,
        team_id=series.team_id,
        starts_at=occurrence.start,
        ends_at=occurrence.end,
        time_zone=series.time_zone,
        format_name=FORMATS[series.format].name,
        status=SessionStatus.CANCELLED if series.cancelled_at else SessionStatus.SCHEDULED,
        facilitators=people,
        session=None,
        series=series,
        original_start=occurrence.original_start,
    )


def series_with_rows(
    series: QuerySet[Series], *, window: tuple[dt.datetime, dt.datetime] | None = None
) -> QuerySet[Series]:
    """Series with what `series_slots` needs; with `window`, only the materialised
    occurrences that start or were due in it (what the window's slots can show)."""
    occurrences = Session.objects.prefetch_related(_roles_prefetch())
    skips = SeriesSkip.objects.all()
    if window is not None:
        start, end = window
        occurrences = occurrences.filter(
            Q(starts_at__gte=start, starts_at__lt=end)
            | Q(original_start__gte=start, original_start__lt=end)
        )
        skips = skips_near(window)
    return series.select_related("facilitator", "co_facilitator", "team").prefetch_related(
        Prefetch("skips", queryset=skips), Prefetch("occurrences", queryset=occurrences)
    )


def skips_near(window: tuple[dt.datetime, dt.datetime]) -> QuerySet[SeriesSkip]:
    """The skipped dates that can fall in the window, whatever the series' zone (each
    skip the engine is given costs it a walk of the rule)."""
    start, end = window
    return SeriesSkip.objects.filter(
        on__gte=start.date() - dt.timedelta(days=2), on__lte=end.date() + dt.timedelta(days=2)
    )


def series_slots(
    series: Series,
    start: dt.datetime,
    end: dt.datetime,
    *,
    rows: Iterable[Session] | None = None,
) -> list[Slot]:
    """Occurrences of one series in the window. Needs `series_with_rows` prefetching, or
    ``rows``: its materialised occurrences that start or were due in the window."""
    rows = list(series.occurrences.all() if rows is None else rows)
    for row in rows:
        row.series = series  # already loaded; saves a join or a query per row
    by_start = {row.original_start: row for row in rows}
    # Each skip costs the engine a walk of the rule; only those near the window matter.
    first, last = start.date() - dt.timedelta(days=2), end.date() + dt.timedelta(days=2)
    skips = [skip.on for skip in series.skips.all() if first <= skip.on <= last]
    try:
        rule = engine_series(series, skips=skips, occurrences=by_start.values())
    except ScheduleError:
        return [_slot_of_session(row) for row in by_start.values() if start <= row.starts_at < end]
    slots = []
    for occurrence in recurrence.occurrences(rule, start, end):
        found = by_start.get(occurrence.original_start)
        slots.append(
            _slot_of_session(found)
            if found is not None
            else _slot_of_occurrence(series, occurrence)
        )
    return slots


def slots_for_teams(
    team_ids: Iterable[int], start: dt.datetime, end: dt.datetime, *, include_proposed: bool = True
) -> list[Slot]:
    """Every session of the teams starting in ``[start, end)``, in time order. 6 queries."""
    ids = list(team_ids)
    series = series_with_rows(
        Series.objects.filter(team_id__in=ids, cancelled_at__isnull=True), window=(start, end)
    )
    return _slots(list(series), ids, start, end, include_proposed=include_proposed)


def _slots(
    series_list: list[Series],
    team_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    include_proposed: bool = True,
) -> list[Slot]:
    slots: list[Slot] = []
    for series in series_list:
        slots += series_slots(series, start, end)
    singles = Session.objects.filter(
        team_id__in=team_ids, series__isnull=True, starts_at__gte=start, starts_at__lt=end
    ).only(*_SLOT_FIELDS)
    if not include_proposed:
        singles = singles.exclude(status=SessionStatus.PROPOSED)
    rows = list(singles)
    names = leading_names_of(row.pk for row in rows)
    slots += [_slot_of_session(row, names.get(row.pk, ())) for row in rows]
    return sorted(slots, key=lambda slot: slot.starts_at)


def past_sessions(team_id: int, before: dt.datetime, limit: int = 50) -> list[Slot]:
    rows = list(
        Session.objects.filter(team_id=team_id, starts_at__lt=before)
        .only(*_SLOT_FIELDS)
        .order_by("-starts_at")[:limit]
    )
    names = leading_names_of(row.pk for row in rows)
    return [_slot_of_session(row, names.get(row.pk, ())) for row in rows]


# What a Slot reads of a session row.
_SLOT_FIELDS = (
    *("title", "team", "starts_at", "ends_at", "time_zone", "format", "status", "series"),
    "original_start",
)


@dataclass(frozen=True)
class History:
    attended: list[Attendance]
    facilitated: list[Session]


def person_history(person: User, *, visible_team_ids: Iterable[int] | None = None) -> History:
    attended = Attendance.objects.filter(person=person).select_related("session", "session__team")
    facilitated = Session.objects.filter(
        roles__person=person, roles__role__in=SessionRole.LEADING_ROLES
    ).exclude(status=SessionStatus.CANCELLED)
    if visible_team_ids is not None:
        ids = list(visible_team_ids)
        attended = attended.filter(session__team_id__in=ids)
        facilitated = facilitated.filter(team_id__in=ids)
    return History(
        attended=list(attended.order_by("-session__starts_at")),
        facilitated=list(facilitated.select_related("team").distinct().order_by("-starts_at")),
    )


def team_people(team_id: int) -> list[tuple[int, str]]:
    """(id, name) of the team's people, in the members table's order, for a select."""
    memberships = (
        Membership.objects.filter(team_id=team_id)
        .select_related("user")
        .only(
            *(f"user__{name}" for name in ("display_name", "first_name", "last_name", "username"))
        )
    )
    return [(m.user_id, m.user.name) for m in memberships]


SERIES_PAGE_WEEKS = 26
SERIES_PAST_SHOWN = 50


@dataclass(frozen=True)
class SeriesPage:
    series: Series
    describe: str  # the rule in words; "" for an old row the engine now refuses
    upcoming: list[Slot]  # the next SERIES_PAGE_WEEKS weeks
    past: list[Session]  # newest first, SERIES_PAST_SHOWN at most (date and status only)
    more_past: bool  # whether there are older ones
    skips: list[SeriesSkip]
    can_edit: bool
    members: list[tuple[int, str]]  # (id, name) of the team's people, for editors
    conflicts: list[Conflict]


def series_page(access: ScopedAccess[Series], *, now: dt.datetime) -> SeriesPage:
    """What the series page shows, in a fixed number of queries whatever the number of
    occurrences, skips, moved dates and members: the coming weeks' changed dates with
    their roles (what the engine needs), the past ones as dates and statuses only."""
    from peerlearn.schedule.conflicts import series_conflicts  # it reads this module

    series = access.obj
    end = now + dt.timedelta(weeks=SERIES_PAGE_WEEKS)
    coming = Session.objects.filter(
        Q(starts_at__gte=now, starts_at__lt=end)
        | Q(original_start__gte=now, original_start__lt=end)
    ).prefetch_related(_roles_prefetch())
    prefetch_related_objects(
        [series],
        "co_facilitator",
        Prefetch("skips", queryset=SeriesSkip.objects.all()),
        Prefetch("occurrences", queryset=coming),
    )
    past = list(
        Session.objects.filter(series=series, starts_at__lt=now)
        .only("starts_at", "status")
        .order_by("-starts_at")[: SERIES_PAST_SHOWN + 1]
    )
    try:
        describe = engine_series(series).describe()
    except ScheduleError:
        describe = ""
    can_edit = access.allows(TeamAction.FACILITATE)
    members = team_people(series.team_id) if can_edit else []
    return SeriesPage(
        series=series,
        describe=describe,
        upcoming=series_slots(series, now, end),
        past=past[:SERIES_PAST_SHOWN],
        more_past=len(past) > SERIES_PAST_SHOWN,
        skips=list(series.skips.all()),
        can_edit=can_edit,
        members=members,
        conflicts=series_conflicts(series, now=now) if can_edit else [],
    )


TEAM_SESSIONS_WEEKS = 12
PAST_SHOWN = 50


@dataclass(frozen=True)
class TeamSessions:
    upcoming: list[Slot]  # the next TEAM_SESSIONS_WEEKS weeks
    past: list[Slot]  # newest first, PAST_SHOWN at most
    series_list: list[Series]  # running series, by title


def team_sessions_page(team_id: int, *, now: dt.datetime) -> TeamSessions:
    """What a team's sessions page shows: 8 queries, whatever the number of series,
    sessions and changed dates."""
    end = now + dt.timedelta(weeks=TEAM_SESSIONS_WEEKS)
    series = list(
        series_with_rows(
            Series.objects.filter(team_id=team_id, cancelled_at__isnull=True), window=(now, end)
        ).order_by("title")
    )
    return TeamSessions(
        upcoming=_slots(series, [team_id], now, end),
        past=past_sessions(team_id, now, limit=PAST_SHOWN),
        series_list=series,
    )


@dataclass(frozen=True)
class SessionPage:
    """What the session page shows of a session (saved, or an occurrence not yet saved)."""

    session: Session
    people_by_role: dict[str, list[User]]
    format_roles: list[tuple[Any, list[User]]]  # (the format's role, its people)
    missing_roles: list[str]
    rsvps: list[Rsvp]
    my_rsvp: str | None
    can_edit: bool
    can_attend: bool
    started: bool
    attendees: list[Attendance]
    team_people: list[User]  # for the roles and attendance forms; [] when not editable
    conflicts: list[Conflict]


def missing_roles(format_roles: list[tuple[Any, list[User]]]) -> list[str]:
    """What the format still needs, in words ("Needs a presenter"), for the session page
    and the API; roles open to everyone (no maximum) are never missing."""
    return [
        f"Needs {'a' if r.min_people == 1 else r.min_people} {r.label.lower()}"
        for r, people in format_roles
        if len(people) < r.min_people and r.max_people is not None
    ]


def session_page(
    session: Session,
    *,
    viewer: User,
    allows: Callable[[str], bool],
    now: dt.datetime,
) -> SessionPage:
    """The session page's reads for a saved session, a fixed number of queries whatever
    the number of roles, answers, attendees and the facilitators' other sessions.
    `allows(action)` says what the viewer may do (a schedule.access.SessionAction)."""
    from peerlearn.schedule.agenda import agenda_of
    from peerlearn.schedule.conflicts import conflicts_in  # it reads this module

    saved = session.pk is not None
    roles = list(session.roles.select_related("person")) if saved else []
    people_by_role: dict[str, list[User]] = {}
    for role in roles:
        people_by_role.setdefault(role.role, []).append(role.person)
    agenda = agenda_of(session)
    format_roles = [(r, people_by_role.get(r.key, [])) for r in agenda.format.roles]
    missing = missing_roles(format_roles)
    rsvps = list(session.rsvps.select_related("person").order_by("answer")) if saved else []
    can_edit = allows("edit")
    can_attend = saved and allows("attendance")
    leading = [r.person_id for r in roles if r.role in SessionRole.LEADING_ROLES]
    conflicts: list[Conflict] = []
    if saved and session.status != SessionStatus.CANCELLED:
        conflicts = conflicts_in(
            leading, session.starts_at, session.ends_at, exclude_session=session.pk
        )
    team_people: list[User] = []
    if saved and (can_edit or can_attend):
        team_people = [
            m.user
            for m in Membership.objects.filter(team_id=session.team_id)
            .select_related("user")
            .order_by("user__display_name", "user__username")
        ]
    return SessionPage(
        session=session,
        people_by_role=people_by_role,
        format_roles=format_roles,
        missing_roles=missing,
        rsvps=rsvps,
        my_rsvp=next((r.answer for r in rsvps if r.person_id == viewer.pk), None),
        can_edit=can_edit,
        can_attend=can_attend,
        started=session.starts_at <= now,
        attendees=list(session.attendance.select_related("person")) if saved else [],
        team_people=team_people,
        conflicts=conflicts,
    )
