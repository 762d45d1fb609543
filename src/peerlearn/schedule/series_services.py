"""Writes to recurring series, their skips and single occurrences.

The rule stays the source of truth; an occurrence gets a `Session` row only when it is
changed, RSVPed to or about to happen (`occurrence_materialise`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlearn.engines.schedule import formats, recurrence
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.people.models import Membership, Team, User
from peerlearn.schedule.audit_events import cancellation_record
from peerlearn.schedule.models import (
    Rsvp,
    Series,
    SeriesSkip,
    Session,
    SessionRole,
    SessionStatus,
    new_uid,
)
from peerlearn.schedule.rules import as_validation_error, engine_series, field_problems
from peerlearn.schedule.services import (
    _set_leading_roles,
    rsvp_set,
    session_set_status,
    session_update,
)
from peerlearn.search.services import search_session_scopes_sync
from peerlearn.validation import check_date, check_single_line

RULE_FIELDS = (
    "time_zone",
    "starts_on",
    "start_time",
    "frequency",
    "interval",
    "weekday",
    "week_of_month",
    "sprint_start",
    "until",
)
# Fields an occurrence copies from its series; a later series edit reaches every future
# occurrence that still has the old value (one that was changed keeps its change).
COPIED_FIELDS = (
    "title",
    "format",
    "topic",
    "audience",
    "location",
    "video_link",
    "whiteboard_link",
    "duration_minutes",
)
SERIES_FIELDS = frozenset(RULE_FIELDS + COPIED_FIELDS)


def validate_series(series: Series) -> recurrence.Series:
    """The shared input rules, the format's, the model's and the engine's, by field."""
    errors = field_problems(series)
    try:
        fmt = formats.get_format(series.format)
    except ScheduleError as error:
        raise as_validation_error(error) from None
    problem = formats.duration_problem(fmt, series.duration_minutes)
    if problem:
        errors["duration_minutes"] = [problem]
    try:
        # The protected-slot constraint is settled by _claim_protected_slot; the database
        # still enforces every constraint. Fields already refused are not judged again.
        series.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    try:
        return engine_series(series)
    except ScheduleError as error:
        raise as_validation_error(error) from None


def _require_members(team: Team, *people: User | None) -> None:
    ids = {p.pk for p in people if p is not None}
    found = set(
        Membership.objects.filter(team=team, user_id__in=ids).values_list("user_id", flat=True)
    )
    missing = [p.name for p in people if p is not None and p.pk not in found]
    if missing:
        raise ValidationError(f"Not in {team.name}: {', '.join(missing)}.")


def _claim_protected_slot(series: Series) -> None:
    # One protected slot per team (a unique constraint): the newest choice wins.
    Series.objects.filter(team=series.team, is_protected_slot=True).exclude(pk=series.pk).update(
        is_protected_slot=False
    )


def announce_series_after_commit(series: Series) -> None:
    from peerlearn.chat.events import series_announced
    from peerlearn.schedule.tasks import send_series_invitations

    series_announced(series)  # the team's chat notification, queued in this transaction
    series_id, sequence = series.pk, series.sequence
    transaction.on_commit(lambda: send_series_invitations.enqueue(series_id, sequence))


@transaction.atomic
def series_create(
    *,
    team: Team,
    created_by: User | None,
    facilitator: User | None = None,
    co_facilitator: User | None = None,
    is_protected_slot: bool = False,
    **fields: Any,
) -> Series:
    unknown = set(fields) - SERIES_FIELDS
    if unknown:
        raise TypeError(f"Unknown series fields: {', '.join(sorted(unknown))}")
    series = Series(
        team=team,
        created_by=created_by,
        facilitator=facilitator,
        co_facilitator=co_facilitator,
        is_protected_slot=is_protected_slot,
        **fields,
    )
    validate_series(series)
    _require_members(team, facilitator, co_facilitator)
    if is_protected_slot:
        _claim_protected_slot(series)
    series.save()
    announce_series_after_commit(series)
    return series


@transaction.atomic
def series_update(
    *,
    series: Series,
    changes: Mapping[str, Any],
    facilitator: User | None,
    co_facilitator: User | None,
    is_protected_slot: bool | None = None,
    now: dt.datetime | None = None,
) -> Series:
    """Change a series and, with ``is_protected_slot``, whether it is the protected slot,
    in one transaction: a refused part leaves all of it unchanged."""
    unknown = set(changes) - SERIES_FIELDS
    if unknown:
        raise TypeError(f"Unknown series fields: {', '.join(sorted(unknown))}")
    locked = Series.objects.select_for_update().get(pk=series.pk)
    before = {name: getattr(locked, name) for name in SERIES_FIELDS}
    old_people = (locked.facilitator_id, locked.co_facilitator_id)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.facilitator, locked.co_facilitator = facilitator, co_facilitator
    new_rule = validate_series(locked)
    _require_members(locked.team, facilitator, co_facilitator)
    if is_protected_slot is not None and is_protected_slot != locked.is_protected_slot:
        series_set_protected(series=locked, protected=is_protected_slot)
    changed = {n for n in SERIES_FIELDS if getattr(locked, n) != before[n]}
    people_changed = old_people != (locked.facilitator_id, locked.co_facilitator_id)
    if not changed and not people_changed:
        return locked
    locked.sequence += 1
    locked.updated_at = timezone.now()
    locked.save()
    moment = now or timezone.now()
    if changed & set(RULE_FIELDS):
        _refit_occurrences(locked, new_rule, moment)
    _propagate(locked, before, old_people, changed, moment)
    announce_series_after_commit(locked)
    return locked


def _refit_occurrences(series: Series, rule: recurrence.Series, now: dt.datetime) -> None:
    """After a rule change, keep each row on the date it had if the new rule meets then.

    A future row whose date the new rule still has is re-keyed to the new start (and
    follows it unless it was moved); other future rows are dropped. Past rows the rule
    no longer has become single sessions, so attendance history is kept.
    """
    tz = rule.tz
    for row in Session.objects.filter(series=series):
        assert row.original_start is not None
        local_day = row.original_start.astimezone(tz).date()
        day_start = dt.datetime.combine(local_day, dt.time.min, tzinfo=tz)
        same_day = [
            o
            for o in recurrence.occurrences(rule, day_start, day_start + dt.timedelta(days=1))
            if o.original_start.date() == local_day and o.override is None
        ]
        if same_day and row.starts_at >= now:
            was_moved = row.starts_at != row.original_start
            row.original_start = same_day[0].original_start
            if not was_moved:
                row.starts_at = same_day[0].original_start
            row.ends_at = row.starts_at + dt.timedelta(minutes=row.duration_minutes)
            row.save(update_fields=["original_start", "starts_at", "ends_at"])
        elif row.starts_at < now:
            if same_day and same_day[0].original_start == row.original_start:
                continue
            row.series, row.original_start, row.uid = None, None, new_uid()
            row.save(update_fields=["series", "original_start", "uid"])
        else:
            row.delete()


def _propagate(
    series: Series,
    before: Mapping[str, Any],
    old_people: tuple[int | None, int | None],
    changed: set[str],
    now: dt.datetime,
) -> None:
    future = list(
        Session.objects.filter(series=series, starts_at__gte=now).prefetch_related("roles")
    )
    reopened: list[int] = []
    for row in future:
        for name in [n for n in changed & set(COPIED_FIELDS) if getattr(row, n) == before[n]]:
            setattr(row, name, getattr(series, name))
            if name == "audience":
                reopened.append(row.pk)
        lead = {r.role: r.person_id for r in row.roles.all() if r.role in SessionRole.LEADING_ROLES}
        if (lead.get(SessionRole.FACILITATOR), lead.get(SessionRole.CO_FACILITATOR)) == old_people:
            _set_leading_roles(row, series.facilitator, series.co_facilitator)
        if row.starts_at == row.original_start:
            row.time_zone = series.time_zone
        row.ends_at = row.starts_at + dt.timedelta(minutes=row.duration_minutes)
        row.sequence = max(row.sequence + 1, series.sequence)
        row.save()
    search_session_scopes_sync(session_ids=reopened)


@transaction.atomic
def series_cancel(
    *, series: Series, now: dt.datetime | None = None, actor: User | None = None
) -> Series:
    """End the series: calendars drop it; future occurrences are cancelled too."""
    locked = Series.objects.select_for_update().get(pk=series.pk)
    if locked.cancelled_at is not None:
        return locked
    moment = now or timezone.now()
    locked.cancelled_at = moment
    locked.is_protected_slot = False
    locked.sequence += 1
    locked.updated_at = moment
    locked.save()
    cancellation_record(item=locked, actor=actor)
    Session.objects.filter(series=locked, starts_at__gte=moment).update(
        status=SessionStatus.CANCELLED, updated_at=moment
    )
    announce_series_after_commit(locked)
    return locked


@transaction.atomic
def series_set_protected(*, series: Series, protected: bool) -> Series:
    if protected and series.cancelled_at is not None:
        raise ValidationError(
            {"is_protected_slot": ["A cancelled series cannot be the protected learning slot."]}
        )
    if protected:
        _claim_protected_slot(series)
    series.is_protected_slot = protected
    series.save(update_fields=["is_protected_slot"])
    return series


@transaction.atomic
def series_skip_add(*, series: Series, on: dt.date, reason: str = "") -> SeriesSkip:
    check_date(on, field="on")
    check_single_line(reason, field="reason")
    SeriesSkip(series=series, on=on, reason=reason).clean_fields(exclude=["series"])
    locked = Series.objects.select_for_update().get(pk=series.pk)
    rule = engine_series(locked)
    tz = rule.tz
    day_start = dt.datetime.combine(on, dt.time.min, tzinfo=tz)
    meets = [
        o
        for o in recurrence.occurrences(rule, day_start, day_start + dt.timedelta(days=1))
        if o.original_start.date() == on
    ]
    if not meets:
        raise ValidationError({"on": [f"{locked.title} does not meet on {on:%A %d %B %Y}."]})
    if Session.objects.filter(
        series=locked, original_start__in=[o.original_start for o in meets]
    ).exists():
        raise ValidationError(
            {"on": ["That date has its own changes or RSVPs; cancel the occurrence instead."]}
        )
    skip, created = SeriesSkip.objects.get_or_create(
        series=locked, on=on, defaults={"reason": reason}
    )
    if created:
        locked.sequence += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=["sequence", "updated_at"])
        announce_series_after_commit(locked)
    return skip


@transaction.atomic
def series_skip_remove(*, skip: SeriesSkip) -> None:
    series = Series.objects.select_for_update().get(pk=skip.series_id)
    skip.delete()
    series.sequence += 1
    series.updated_at = timezone.now()
    series.save(update_fields=["sequence", "updated_at"])
    announce_series_after_commit(series)


class NoSuchOccurrence(ValidationError):
    """The series has no date at the given original start."""


def occurrence_materialise(*, series: Series, original_start: dt.datetime) -> Session:
    """The row for one occurrence, created from the series if it does not exist yet.

    Safe when two requests or workers race: the unique (series, original_start)
    constraint lets one insert win and the other re-reads it.
    """
    existing = Session.objects.filter(series=series, original_start=original_start).first()
    if existing is not None:
        return existing
    rule = engine_series(series, skips=series.skips.values_list("on", flat=True))
    found = recurrence.occurrences(rule, original_start, original_start + dt.timedelta(seconds=1))
    if not any(o.original_start == original_start for o in found):
        raise NoSuchOccurrence(f"{series.title} has no session at {original_start:%Y-%m-%d %H:%M}.")
    try:
        with transaction.atomic():
            row = Session.objects.create(
                team=series.team,
                series=series,
                original_start=original_start,
                starts_at=original_start,
                ends_at=original_start + dt.timedelta(minutes=series.duration_minutes),
                time_zone=series.time_zone,
                sequence=series.sequence,
                status=(
                    SessionStatus.CANCELLED if series.cancelled_at else SessionStatus.SCHEDULED
                ),
                created_by=series.created_by,
                **{name: getattr(series, name) for name in COPIED_FIELDS},
            )
            _set_leading_roles(row, series.facilitator, series.co_facilitator)
    except IntegrityError:
        return Session.objects.get(series=series, original_start=original_start)
    return row


# One date of a series changed on its own: the row is made and changed in one
# transaction, so a refused change (ValidationError) leaves no row behind either.


@transaction.atomic
def occurrence_rsvp_set(
    *, series: Series, original_start: dt.datetime, person: User, answer: str
) -> Rsvp:
    session = occurrence_materialise(series=series, original_start=original_start)
    return rsvp_set(session=session, person=person, answer=answer)


@transaction.atomic
def occurrence_move(
    *, series: Series, original_start: dt.datetime, starts_at: dt.datetime
) -> Session:
    session = occurrence_materialise(series=series, original_start=original_start)
    return session_update(session=session, changes={"starts_at": starts_at})


@transaction.atomic
def occurrence_cancel(
    *, series: Series, original_start: dt.datetime, actor: User | None = None
) -> Session:
    session = occurrence_materialise(series=series, original_start=original_start)
    return session_set_status(session=session, status=SessionStatus.CANCELLED, actor=actor)


@transaction.atomic
def occurrence_facilitator_set(
    *, series: Series, original_start: dt.datetime, facilitator: User | None
) -> Session:
    session = occurrence_materialise(series=series, original_start=original_start)
    co = session.roles.filter(role=SessionRole.CO_FACILITATOR).first()
    return session_update(
        session=session,
        changes={},
        facilitator=facilitator,
        co_facilitator=co.person if co else None,
        set_facilitators=True,
    )
