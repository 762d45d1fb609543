"""Translate series rows into the schedule engine's plain objects, and its errors back;
and the input rules sessions and series share (`field_problems`, `change_link_problem`).

The engine (`peerlearn.engines.schedule`) owns recurrence: nothing here expands a rule
by itself. This module only maps fields, so views, services and feeds agree on it. The
input rules are `peerlearn.validation`'s, applied to the schedule's fields by kind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from peerlearn.engines.schedule import formats, recurrence
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.patterns import (
    MonthlyNthWeekday,
    Pattern,
    SprintCycle,
    Weekday,
    Weekly,
)
from peerlearn.people.models import User
from peerlearn.schedule.models import Frequency, Series, Session, SessionRole, SessionStatus
from peerlearn.validation import (
    date_problem,
    multi_line_problem,
    single_line_problem,
    web_url_problem,
)

# Engine input names → the form field that shows the message.
_FIELD_FOR = {
    "duration": "duration_minutes",
    "at": "start_time",
    "timezone": "time_zone",
    "every_weeks": "interval",
    "every_months": "interval",
    "sprint_weeks": "interval",
    "nth": "week_of_month",
    "day_offset": "weekday",
    "until": "until",
    "count": "until",
    "format": "format",
    "roles": "roles",
    "starts_on": "starts_on",
    "sprint_start": "sprint_start",
}

# The schedule's fields by kind; forms get the same rules from `harden_form`.
SINGLE_LINE_FIELDS = ("title", "location")
MULTI_LINE_FIELDS = ("topic", "notes")
# Whiteboards and video calls are opened by every attendee: https only.
HTTPS_LINK_FIELDS = ("video_link", "whiteboard_link")
DATE_FIELDS = ("starts_on", "until", "sprint_start")


def change_link_problem(link: str) -> str | None:
    """The change under discussion is an http(s) link or a commit range, in any format.

    The format's own rule (Code Review needs one) is the engine's
    `formats.change_link_problem`.
    """
    if not link:
        return None
    problem = single_line_problem(link)
    if problem is None and formats.is_commit_range(link):
        return None
    return problem or web_url_problem(link)


def field_problems(item: Session | Series) -> dict[str, list[str]]:
    """What `peerlearn.validation` finds wrong in the text, link and date fields of a
    session or series, by field: the services' check of what forms check at the door."""
    errors: dict[str, list[str]] = {}

    def note(field: str, problem: str | None) -> None:
        if problem:
            errors.setdefault(field, []).append(problem)

    for name in SINGLE_LINE_FIELDS:
        note(name, single_line_problem(getattr(item, name)))
    for name in MULTI_LINE_FIELDS:
        if hasattr(item, name):
            note(name, multi_line_problem(getattr(item, name)))
    for name in HTTPS_LINK_FIELDS:
        link = getattr(item, name)
        note(name, web_url_problem(link, https_only=True) if link else None)
    if isinstance(item, Session):
        note("change_link", change_link_problem(item.change_link))
        note("starts_at", start_problem(item))
    else:
        for name in DATE_FIELDS:
            day = getattr(item, name)
            note(name, date_problem(day) if day is not None else None)
    return errors


def start_problem(session: Session) -> str | None:
    """The start must fall in the date range on the session's own calendar."""
    start = session.starts_at
    if start is None or start.tzinfo is None:
        return None  # the services say "needs a time zone"
    # Far outside the range, or an unknown zone (its own message): judge it as given.
    with contextlib.suppress(OverflowError, ValueError, KeyError):
        start = start.astimezone(ZoneInfo(session.time_zone))
    return date_problem(start)


def as_validation_error(error: ScheduleError) -> ValidationError:
    field = _FIELD_FOR.get(error.field or "")
    if field is None:
        return ValidationError(error.message)
    return ValidationError({field: [error.message]})


def pattern_of(series: Series) -> Pattern:
    weekday = Weekday(series.weekday)
    if series.frequency == Frequency.WEEKLY:
        return Weekly(weekday=weekday, every_weeks=series.interval)
    if series.frequency == Frequency.SPRINT:
        if series.sprint_start is None:
            raise ScheduleError("A sprint slot needs the start date of a sprint", field="sprint")
        offset = (series.weekday - series.sprint_start.weekday()) % 7
        return SprintCycle(
            sprint_start=series.sprint_start, sprint_weeks=series.interval, day_offset=offset
        )
    if series.frequency == Frequency.MONTHLY:
        if series.week_of_month is None:
            raise ScheduleError("Say which weekday of the month (1st, 2nd… last)", field="nth")
        return MonthlyNthWeekday(
            weekday=weekday, nth=series.week_of_month, every_months=series.interval
        )
    raise ScheduleError(f"Unknown frequency {series.frequency!r}", field="frequency")


def override_of(
    series: Series, occurrence: Session, facilitator: User | None
) -> recurrence.Override | None:
    """What a materialised occurrence changes relative to its series, or None."""
    assert occurrence.original_start is not None
    if occurrence.status == SessionStatus.CANCELLED:
        return recurrence.Override(original_start=occurrence.original_start, cancelled=True)
    moved = occurrence.starts_at != occurrence.original_start
    override = recurrence.Override(
        original_start=occurrence.original_start,
        start=occurrence.starts_at.astimezone(ZoneInfo(occurrence.time_zone)) if moved else None,
        duration_minutes=(
            occurrence.duration_minutes
            if occurrence.duration_minutes != series.duration_minutes
            else None
        ),
        facilitator=(
            _name(facilitator)
            if (facilitator.pk if facilitator else None) != series.facilitator_id
            else None
        ),
        location=occurrence.location if occurrence.location != series.location else None,
        title=occurrence.title if occurrence.title != series.title else None,
        note=occurrence.notes,
    )
    unchanged = recurrence.Override(original_start=occurrence.original_start)
    # A row made only for an RSVP changes nothing a calendar shows: no override.
    return None if override == unchanged else override


def _name(person: User | None) -> str:
    return "" if person is None else person.name


def engine_series(
    series: Series,
    *,
    skips: Iterable[dt.date] = (),
    occurrences: Iterable[Session] = (),
) -> recurrence.Series:
    """The engine's view of ``series``; raises ``ScheduleError`` if it is impossible.

    ``occurrences`` are the materialised rows with ``roles`` (and their people)
    prefetched, and ``series.facilitator`` is loaded, so this costs no queries.
    """
    overrides = [
        override_of(series, row, facilitator_of(row))
        for row in occurrences
        if row.original_start is not None
    ]
    return recurrence.Series(
        pattern=pattern_of(series),
        starts_on=series.starts_on,
        at=series.start_time.replace(second=0, microsecond=0),
        timezone=series.time_zone,
        duration_minutes=series.duration_minutes,
        until=series.until,
        skipped=frozenset(skips),
        overrides=tuple(o for o in overrides if o is not None),
        facilitator=_name(series.facilitator),
        # Calendars have one place field: the room, or else the video link.
        location=series.location or series.video_link,
    )


def facilitator_of(row: Session) -> User | None:
    """The facilitator of a session, read from prefetched ``roles``."""
    for role in row.roles.all():
        if role.role == SessionRole.FACILITATOR:
            return role.person
    return None
