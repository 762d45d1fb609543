"""Recurring series: the RRULE, its skips and per-occurrence overrides, expanded.

A ``Series`` is validated completely when it is built, so an object that exists can
always be expanded and serialised. Times are local wall-clock times in an IANA zone:
12:00 Europe/Berlin stays 12:00 across DST while the UTC instant moves. A wall time in
a DST gap or fold is resolved as RFC 5545 says (see ``timezones``), except the series'
first occurrence, which must exist: a person who picks 02:30 on the night clocks jump
should be told, not silently moved.

Overrides are keyed by the occurrence's original start (RFC 5545 RECURRENCE-ID), as an
instant, so changing one occurrence never touches the others.

Everything is planned between 1970-01-01 and 2100-12-31 (``bounds``): a series whose
first date is earlier counts from its first meeting on or after 1970-01-01 in step with
its rule, an end after 2100 is read as 2100-12-31, skips outside the range are ignored,
windows are clipped to it and one expansion returns at most ``MAX_OCCURRENCES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil import rrule

from peerlearn.engines.schedule import timezones
from peerlearn.engines.schedule.bounds import (
    EARLIEST_DAY,
    EARLIEST_INSTANT,
    LATEST_DAY,
    LATEST_INSTANT,
    MAX_OCCURRENCES,
    RANGE_TEXT,
    in_range,
)
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.patterns import Pattern
from peerlearn.engines.schedule.timezones import UTC


class Status(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Override:
    """A change to one occurrence, named by its ``original_start`` (aware).

    Either ``cancelled``, or any of a new ``start`` (aware), ``duration_minutes``,
    ``facilitator``, ``location`` and ``title``; unset fields keep the series' values.
    ``note`` is added to that occurrence's description.
    """

    original_start: dt.datetime
    cancelled: bool = False
    start: dt.datetime | None = None
    duration_minutes: int | None = None
    facilitator: str | None = None
    location: str | None = None
    note: str = ""
    title: str | None = None

    @property
    def moved(self) -> bool:
        return self.start is not None


@dataclass(frozen=True, slots=True)
class Occurrence:
    original_start: dt.datetime  # in the series' zone; the RECURRENCE-ID instant
    start: dt.datetime  # in the series' zone (or the move's zone)
    end: dt.datetime
    status: Status
    facilitator: str
    location: str
    override: Override | None

    @property
    def moved(self) -> bool:
        return self.override is not None and self.override.moved


@dataclass(frozen=True, slots=True)
class _Plan:
    """What validation computed, kept so expansion and serialisation reuse it."""

    tz: ZoneInfo
    first: dt.datetime  # naive local wall time of the first occurrence: DTSTART
    rule: rrule.rrule  # over naive local wall times
    until_wall: dt.datetime | None  # naive local: last instant of the ``until`` day
    exdates: tuple[dt.datetime, ...]  # naive local wall times of skipped occurrences
    overrides: dict[dt.datetime, tuple[dt.datetime, Override]]  # UTC → (wall, override)


@dataclass(frozen=True)
class Series:
    """A recurring slot. Raises ``ScheduleError`` on construction if it is impossible.

    ``until`` is a local date, inclusive; ``count`` counts occurrences including
    skipped ones (as RFC 5545 COUNT does with EXDATE); at most one of them is set.
    ``skipped`` dates on which the series does not meet are ignored, so a shared
    holiday list can be applied to any series.
    """

    pattern: Pattern
    starts_on: dt.date
    at: dt.time
    timezone: str
    duration_minutes: int
    until: dt.date | None = None
    count: int | None = None
    skipped: frozenset[dt.date] = frozenset()
    overrides: tuple[Override, ...] = ()
    facilitator: str = ""
    location: str = ""
    _plan: _Plan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_plan", _plan_for(self))

    @property
    def tz(self) -> ZoneInfo:
        return self._plan.tz

    @property
    def first_start(self) -> dt.datetime:
        return timezones.resolve(self._plan.first, self._plan.tz)

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def first_wall(self) -> dt.datetime:
        """DTSTART: the first occurrence's wall time, tagged with the series' zone."""
        return self._plan.first.replace(tzinfo=self._plan.tz)

    @property
    def last_day(self) -> dt.date | None:
        """The last local date planned: ``until``, or 2100-12-31 if that is later."""
        until_wall = self._plan.until_wall
        return None if until_wall is None else until_wall.date()

    @property
    def rrule_parts(self) -> dict[str, object]:
        """The RFC 5545 RRULE; UNTIL is in UTC, as the RFC requires with a TZID start."""
        parts = dict(self.pattern.ical_parts())
        if parts.get("INTERVAL") == 1:
            del parts["INTERVAL"]
        if self._plan.until_wall is not None:
            last_second = self._plan.until_wall.replace(microsecond=0)
            parts["UNTIL"] = timezones.resolve(last_second, self._plan.tz).astimezone(UTC)
        if self.count is not None:
            parts["COUNT"] = self.count
        return parts

    @property
    def exdate_walls(self) -> tuple[dt.datetime, ...]:
        """EXDATE values: the rule's wall times of skipped occurrences, sorted."""
        return tuple(wall.replace(tzinfo=self._plan.tz) for wall in self._plan.exdates)

    @property
    def overridden(self) -> list[tuple[dt.datetime, Override]]:
        """(RECURRENCE-ID wall time, override) pairs, sorted by that time."""
        pairs = sorted(self._plan.overrides.values(), key=lambda pair: pair[0])
        return [(wall.replace(tzinfo=self._plan.tz), override) for wall, override in pairs]

    def describe(self) -> str:
        """E.g. "the 3rd Wednesday of every month at 12:00 (Europe/Berlin)"."""
        return f"{self.pattern.describe()} at {self.at:%H:%M} ({self.timezone})"


def _plan_for(series: Series) -> _Plan:
    tz = timezones.zone(series.timezone)
    series.pattern.check()
    if series.at.tzinfo is not None:
        raise ScheduleError("The time of day is local to the series' zone", field="at")
    if series.at.second or series.at.microsecond:
        raise ScheduleError("Sessions start on a whole minute", field="at")
    if series.duration_minutes < 1:
        raise ScheduleError(
            f"A session lasts at least 1 minute; {series.duration_minutes} is not",
            field="duration",
        )
    if series.until is not None and series.count is not None:
        raise ScheduleError("End a series by a date or by a count, not both", field="count")
    if series.count is not None and series.count < 1:
        raise ScheduleError(
            f"A series has at least 1 session; a count of {series.count} has none", field="count"
        )
    if series.until is not None and series.until < series.starts_on:
        raise ScheduleError(
            f"The series ends on {series.until} before it starts on {series.starts_on}",
            field="until",
        )

    if series.starts_on > LATEST_DAY:
        raise ScheduleError(
            f"A series starts {RANGE_TEXT}; {series.starts_on} is outside it", field="starts_on"
        )
    first_day = series.pattern.first_on_or_after(series.starts_on)
    if first_day < EARLIEST_DAY:  # an old row: count from the range, in step with the rule
        first_day = series.pattern.in_step_on_or_after(first_day, EARLIEST_DAY)
    until = None if series.until is None else min(series.until, LATEST_DAY)
    if first_day > (until or LATEST_DAY):
        end = f"its end on {until}" if until else f"the last date planned, {LATEST_DAY}"
        raise ScheduleError(
            f"The series never meets: its first {series.pattern.describe()} is {first_day}, "
            f"after {end}",
            field="until" if until else "starts_on",
        )
    first = dt.datetime.combine(first_day, series.at)
    if not timezones.exists(first, tz):
        raise ScheduleError(
            f"{series.at:%H:%M} does not exist on {first_day} in {series.timezone} "
            "(the clocks skip it for daylight saving time); pick another time or start date",
            field="at",
        )
    until_wall = None if until is None else dt.datetime.combine(until, dt.time.max)
    rule = rrule.rrule(
        dtstart=first,
        until=until_wall,
        count=series.count,
        cache=True,  # overrides and skips probe the same rule many times
        **series.pattern.rrule_kwargs(),
    )
    exdates = tuple(
        sorted(
            wall
            for day in series.skipped
            if in_range(day)
            for wall in rule.between(
                dt.datetime.combine(day, dt.time.min),
                dt.datetime.combine(day, dt.time.max),
                inc=True,
            )
        )
    )
    plan = _Plan(tz, first, rule, until_wall, exdates, {})
    _add_overrides(plan, series)
    return plan


def _add_overrides(plan: _Plan, series: Series) -> None:
    skipped = set(plan.exdates)
    for override in series.overrides:
        timezones.require_aware(override.original_start, field="overrides")
        instant = override.original_start.astimezone(UTC)
        wall = _wall_of(plan, instant)
        if wall is None and not EARLIEST_INSTANT <= instant <= LATEST_INSTANT:
            shown = f"{instant:%Y-%m-%d %H:%M} UTC"  # its local time may not fit in datetime
        else:
            shown = f"{instant.astimezone(plan.tz):%Y-%m-%d %H:%M} {series.timezone}"
        if wall is None:
            raise ScheduleError(f"{shown} is not an occurrence of this series", field="overrides")
        if wall in skipped:
            raise ScheduleError(f"{shown} is skipped; it cannot also be changed", field="overrides")
        if instant in plan.overrides:
            raise ScheduleError(f"{shown} has two overrides; merge them", field="overrides")
        _check_override(override, shown)
        plan.overrides[instant] = (wall, override)


def _check_override(override: Override, shown: str) -> None:
    changes = (override.start, override.duration_minutes, override.facilitator, override.location)
    if override.cancelled and any(change is not None for change in changes):
        raise ScheduleError(
            f"The override of {shown} both cancels and changes it; choose one", field="overrides"
        )
    if override.start is not None:
        timezones.require_aware(override.start, field="overrides")
        if not in_range(override.start.date()):
            raise ScheduleError(
                f"{shown} is moved to {override.start.date()}; a session lies {RANGE_TEXT}",
                field="overrides",
            )
        if not timezones.aware_exists(override.start):
            raise ScheduleError(
                f"{shown} is moved to {override.start:%Y-%m-%d %H:%M}, a time the clocks "
                "skip for daylight saving time",
                field="overrides",
            )
    if override.duration_minutes is not None and override.duration_minutes < 1:
        raise ScheduleError(f"{shown} is changed to last under a minute", field="overrides")


def _wall_of(plan: _Plan, instant: dt.datetime) -> dt.datetime | None:
    """The rule's wall time that resolves to ``instant``, if the rule has one."""
    if not EARLIEST_INSTANT <= instant <= LATEST_INSTANT:
        return None
    local = instant.astimezone(plan.tz).replace(tzinfo=None)
    # A gap moves a wall time later, so look back a day as well as around ``local``.
    candidates: list[dt.datetime] = plan.rule.between(local - dt.timedelta(days=1), local, inc=True)
    for wall in candidates:
        if timezones.resolve(wall, plan.tz).astimezone(UTC) == instant:
            return wall
    return None


def occurrences(
    series: Series,
    window_start: dt.datetime,
    window_end: dt.datetime,
    *,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """Occurrences whose actual start is in ``[window_start, window_end)``, sorted.

    Skipped dates are left out; cancelled occurrences are included with
    ``Status.CANCELLED`` so a calendar can show them struck through. A moved occurrence
    appears where it was moved to, even if its original start is outside the window.
    The window is clipped to the engine's range, and at most ``limit`` are returned
    (the first ones the rule gives).
    """
    timezones.require_aware(window_start, field="window_start")
    timezones.require_aware(window_end, field="window_end")
    if window_end <= window_start:
        raise ScheduleError("The window ends before it starts", field="window_end")
    lo, hi = max(window_start, EARLIEST_INSTANT), min(window_end, LATEST_INSTANT)
    if hi <= lo:
        return []
    plan = series._plan
    # Wall-time bounds a day wider than the window cover any UTC offset (at most ±14 h).
    local_from = lo.astimezone(plan.tz).replace(tzinfo=None) - dt.timedelta(days=1)
    local_to = hi.astimezone(plan.tz).replace(tzinfo=None) + dt.timedelta(days=1)
    skipped = set(plan.exdates)
    walls: list[dt.datetime] = []
    for wall in _walls_from(series, local_from):
        # A pattern meets at most once a day, so the day of margin before the window
        # holds at most two walls that are dropped below.
        if wall > local_to or len(walls) >= limit + 2:
            break
        if wall not in skipped:
            walls.append(wall)
    found = _expand(series, walls)
    found += [
        _occurrence(series, wall, override)
        for wall, override in plan.overrides.values()
        if override.moved and not local_from <= wall <= local_to
    ]
    # Compare instants in UTC: aware datetimes sharing a tzinfo compare by wall time.
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
    inside = [o for o in found if lo <= o.start.astimezone(UTC) < hi]
    ordered = sorted(
        inside, key=lambda o: (o.start.astimezone(UTC), o.original_start.astimezone(UTC))
    )
    return ordered[:limit]


def _walls_from(series: Series, local_from: dt.datetime) -> Iterator[dt.datetime]:
    """The rule's wall times from ``local_from`` on, in order.

    dateutil walks a rule from its DTSTART, so a window decades after the start would
    walk every meeting in between. The rule restarted at its first meeting on or after
    ``local_from`` meets on exactly the same days from there on (patterns step in whole
    periods), so that is what is walked. A COUNT is counted from the real start, so a
    counted series walks its own rule.
    """
    plan = series._plan
    if series.count is not None or local_from <= plan.first:
        return plan.rule.xafter(local_from, inc=True)
    day = series.pattern.in_step_on_or_after(plan.first.date(), local_from.date())
    if day > LATEST_DAY:
        return iter(())
    restarted = rrule.rrule(
        dtstart=dt.datetime.combine(day, series.at),
        until=plan.until_wall,
        **series.pattern.rrule_kwargs(),
    )
    return restarted.xafter(local_from, inc=True)


def upcoming(series: Series, after: dt.datetime, limit: int) -> list[Occurrence]:
    """The next ``limit`` occurrences starting at or after ``after`` (fewer if it ends)."""
    timezones.require_aware(after, field="after")
    if after >= LATEST_INSTANT:
        return []
    after = max(after, EARLIEST_INSTANT)
    span = dt.timedelta(weeks=8)
    # An open-ended series: stop looking 50 years after it starts meeting.
    horizon = min(max(after, series.first_start) + dt.timedelta(days=366 * 50), LATEST_INSTANT)
    while True:
        found = occurrences(series, after, after + span)
        if len(found) >= limit or after + span >= horizon:
            return found[:limit]
        span *= 4


def _expand(series: Series, walls: Iterable[dt.datetime]) -> list[Occurrence]:
    plan = series._plan
    result = []
    for wall in walls:
        instant = timezones.resolve(wall, plan.tz).astimezone(UTC)
        entry = plan.overrides.get(instant)
        result.append(_occurrence(series, wall, None if entry is None else entry[1]))
    return result


def _occurrence(series: Series, wall: dt.datetime, override: Override | None) -> Occurrence:
    original = timezones.resolve(wall, series._plan.tz)
    start = original
    minutes = series.duration_minutes
    facilitator, location, status = series.facilitator, series.location, Status.SCHEDULED
    if override is not None:
        start = override.start or original
        minutes = override.duration_minutes or minutes
        facilitator = override.facilitator if override.facilitator is not None else facilitator
        location = override.location if override.location is not None else location
        status = Status.CANCELLED if override.cancelled else Status.SCHEDULED
    # Add the duration to the instant: wall-clock addition is wrong across a DST change.
    end = (start.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(start.tzinfo)
    return Occurrence(original, start, end, status, facilitator, location, override)
