"""/api/teams/{id}/series and /api/series/{id}: recurring series, their next dates,
create, change, cancel, skip a date and take a skip back (single dates: occurrences.py).

Same rules as the series pages, through `peerlearn.schedule.access` and
`peerlearn.schedule.series_services`: anyone in the team sees a series, facilitators,
leads and organisation admins create, change, cancel and skip.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints.person_ids import team_person
from peerlearn.api.endpoints.sessions import PersonRef, SlotOut, slot_out
from peerlearn.api.fields import Id, MultiLine, SaneDate, SingleLine, WebUrl, id_in_path
from peerlearn.api.pagination import Page
from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.people.access import get_team_for_user
from peerlearn.people.models import User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule import series_services
from peerlearn.schedule.access import SessionAction, get_series_access
from peerlearn.schedule.models import Audience, Frequency, Series, SeriesSkip, Weekday
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.selectors import (
    series_slots,
    series_with_rows,
)

router = Router(tags=["series"])

UPCOMING_WEEKS = 26  # as far ahead as the series page looks
UPCOMING_SHOWN = 30


class SkipOut(Schema):
    id: int = Field(..., examples=[5])
    on: dt.date = Field(..., examples=["2026-05-27"])
    reason: str = Field(..., examples=["Company offsite"])


def _person(user: User | None) -> PersonRef | None:
    return PersonRef(user_id=user.pk, name=user.name) if user is not None else None


class SeriesOut(Schema):
    id: int = Field(..., examples=[4])
    team_id: int = Field(..., examples=[1])
    title: str = Field(..., examples=["Weekly learning"])
    format: str = Field(..., examples=["lunch_and_learn"])
    topic: str = Field(..., examples=[""])
    audience: Audience = Field(..., examples=[Audience.TEAM])
    describe: str = Field(
        ..., description="The rule in words; empty if it cannot be read.",
        examples=["every Wednesday at 12:00 (Europe/Berlin)"],
    )  # fmt: skip
    frequency: Frequency = Field(..., examples=[Frequency.WEEKLY])
    interval: int = Field(..., examples=[1])
    weekday: int = Field(..., description="0 Monday … 6 Sunday.", examples=[2])
    week_of_month: int | None = Field(..., examples=[None])
    sprint_start: dt.date | None = Field(..., examples=[None])
    starts_on: dt.date = Field(..., examples=["2026-05-04"])
    until: dt.date | None = Field(..., examples=[None])
    start_time: dt.time = Field(..., examples=["12:00:00"])
    time_zone: str = Field(..., examples=["Europe/Berlin"])
    duration_minutes: int = Field(..., examples=[45])
    location: str = Field(..., examples=["Room 1"])
    video_link: str = Field(..., examples=[""])
    whiteboard_link: str = Field(..., examples=[""])
    facilitator: PersonRef | None
    co_facilitator: PersonRef | None
    is_protected_slot: bool = Field(..., examples=[True])
    cancelled_at: dt.datetime | None = Field(..., examples=[None])

    @staticmethod
    def resolve_describe(series: Series) -> str:
        try:
            return engine_series(series).describe()
        except ScheduleError:  # an old row the engine now refuses is still listed
            return ""

    @staticmethod
    def resolve_facilitator(series: Series) -> PersonRef | None:
        return _person(series.facilitator)

    @staticmethod
    def resolve_co_facilitator(series: Series) -> PersonRef | None:
        return _person(series.co_facilitator)


class SeriesDetailOut(SeriesOut):
    skips: list[SkipOut]
    upcoming: list[SlotOut] = Field(
        ..., description=f"The next dates, at most {UPCOMING_SHOWN} within {UPCOMING_WEEKS} weeks."
    )
    can_edit: bool = Field(..., description="Whether you may change, cancel or skip.")


@router.get("/teams/{team_id}/series", response=list[SeriesOut], summary="A team's series")
@paginate(Page)
def list_series(request: HttpRequest, team_id: int = id_in_path()) -> QuerySet[Series]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.VIEW)
    return (
        Series.objects.filter(team=team)
        .select_related("facilitator", "co_facilitator")
        .order_by("cancelled_at", "title", "pk")
    )


def _detail(series_id: int, *, can_edit: bool) -> Series:
    """The series with what SeriesDetailOut reads beside its fields (6 queries)."""
    series = series_with_rows(Series.objects.filter(pk=series_id)).get()
    now = timezone.now()
    upcoming = series_slots(series, now, now + dt.timedelta(weeks=UPCOMING_WEEKS))
    series.upcoming = [slot_out(slot) for slot in upcoming[:UPCOMING_SHOWN]]  # type: ignore[attr-defined]
    series.can_edit = can_edit  # type: ignore[attr-defined]
    return series


@router.get("/series/{series_id}", response=SeriesDetailOut, summary="One series")
def get_series(request: HttpRequest, series_id: int = id_in_path()) -> Series:
    access = get_series_access(api_user(request), series_id, SessionAction.VIEW)
    return _detail(access.obj.pk, can_edit=access.allows(TeamAction.FACILITATE))


class SeriesIn(Schema):
    title: SingleLine = Field(..., min_length=1, max_length=200, examples=["Weekly learning"])
    format: SingleLine = Field(
        ...,
        max_length=40,
        description="lunch_and_learn, code_review_twist, pairing or deep_dive.",
        examples=["lunch_and_learn"],
    )
    frequency: Frequency = Field(..., examples=["weekly"])
    interval: int = Field(
        1,
        ge=1,
        le=32767,
        description="Weeks between dates (weekly), sprint length in weeks (sprint), or months.",
        examples=[1],
    )
    weekday: Weekday = Field(..., description="0 Monday … 6 Sunday.", examples=[2])
    week_of_month: int | None = Field(
        None, ge=-1, le=5, description="Monthly: 1 … 5, or -1 for the last.", examples=[None]
    )
    sprint_start: SaneDate | None = Field(None, description="Sprint: the first day of a sprint.")
    starts_on: SaneDate = Field(..., examples=["2026-05-04"])
    until: SaneDate | None = Field(None, examples=[None])
    start_time: dt.time = Field(..., examples=["12:00"])
    time_zone: SingleLine = Field(..., max_length=64, examples=["Europe/Berlin"])
    duration_minutes: int = Field(..., ge=1, le=24 * 60, examples=[45])
    topic: MultiLine = Field("", max_length=20_000, examples=[""])
    audience: Audience = Field(Audience.TEAM, examples=["team"])
    location: SingleLine = Field("", max_length=300, examples=["Room 1"])
    video_link: WebUrl = Field("", max_length=500, examples=[""])
    whiteboard_link: WebUrl = Field("", max_length=500, examples=[""])
    facilitator_id: Id | None = Field(None, description="A member of the team.", examples=[3])
    co_facilitator_id: Id | None = Field(None, examples=[None])
    is_protected_slot: bool = Field(
        False, description="The team's protected learning slot (one per team).", examples=[False]
    )


@router.post(
    "/teams/{team_id}/series",
    response={201: SeriesDetailOut},
    summary="Start a recurring series (facilitators, leads, organisation admins)",
)
def create_series(
    request: HttpRequest, payload: SeriesIn, team_id: int = id_in_path()
) -> Status[Series]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.FACILITATE)
    fields = payload.model_dump(exclude={"facilitator_id", "co_facilitator_id"})
    fields["weekday"] = int(payload.weekday)
    series = series_services.series_create(
        team=team,
        created_by=actor,
        facilitator=team_person(team, payload.facilitator_id, "facilitator_id"),
        co_facilitator=team_person(team, payload.co_facilitator_id, "co_facilitator_id"),
        **fields,
    )
    return Status(201, _detail(series.pk, can_edit=True))


@router.post(
    "/series/{series_id}/cancel",
    response=SeriesDetailOut,
    summary="End a series; its future dates are cancelled",
)
def cancel_series(request: HttpRequest, series_id: int = id_in_path()) -> Series:
    actor = api_user(request)
    series = get_series_access(actor, series_id, SessionAction.EDIT).obj
    series_services.series_cancel(series=series, actor=actor)
    return _detail(series.pk, can_edit=True)


class SkipIn(Schema):
    on: SaneDate = Field(..., description="A date the series meets.", examples=["2026-05-27"])
    reason: SingleLine = Field("", max_length=200, examples=["Company offsite"])


@router.post(
    "/series/{series_id}/skips",
    response={201: SkipOut},
    summary="Skip one date of a series (facilitators, leads, organisation admins)",
)
def skip_date(
    request: HttpRequest, payload: SkipIn, series_id: int = id_in_path()
) -> Status[SeriesSkip]:
    series = get_series_access(api_user(request), series_id, SessionAction.EDIT).obj
    skip = series_services.series_skip_add(series=series, on=payload.on, reason=payload.reason)
    return Status(201, skip)


class SeriesPatch(Schema):
    """Only the fields sent change. `null` is refused except where it means "none":
    the facilitators, `week_of_month`, `sprint_start` and `until`."""

    title: SingleLine | None = Field(None, min_length=1, max_length=200)
    format: SingleLine | None = Field(None, max_length=40)
    frequency: Frequency | None = None
    interval: int | None = Field(None, ge=1, le=32767)
    weekday: Weekday | None = Field(None, description="0 Monday … 6 Sunday.")
    week_of_month: int | None = Field(None, ge=-1, le=5)
    sprint_start: SaneDate | None = None
    starts_on: SaneDate | None = None
    until: SaneDate | None = None
    start_time: dt.time | None = None
    time_zone: SingleLine | None = Field(None, max_length=64)
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    topic: MultiLine | None = Field(None, max_length=20_000)
    audience: Audience | None = None
    location: SingleLine | None = Field(None, max_length=300)
    video_link: WebUrl | None = Field(None, max_length=500)
    whiteboard_link: WebUrl | None = Field(None, max_length=500)
    facilitator_id: Id | None = Field(None, description="null: no facilitator.")
    co_facilitator_id: Id | None = Field(None, description="null: no co-facilitator.")
    is_protected_slot: bool | None = Field(
        None, description="true claims the team's protected slot (the newest wins)."
    )


NULLABLE = frozenset(
    {"facilitator_id", "co_facilitator_id", "week_of_month", "sprint_start", "until"}
)
NOT_RULE_FIELDS = ("facilitator_id", "co_facilitator_id", "is_protected_slot")


@router.patch(
    "/series/{series_id}",
    response=SeriesDetailOut,
    summary="Change a series (facilitators, leads, organisation admins)",
)
def edit_series(
    request: HttpRequest, payload: SeriesPatch, series_id: int = id_in_path()
) -> Series:
    series = get_series_access(api_user(request), series_id, SessionAction.EDIT).obj
    sent = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in sent.items() if value is None and name not in NULLABLE]
    if nulls:
        raise ValidationError({name: ["Give a value, or leave the field out."] for name in nulls})
    changes = {name: value for name, value in sent.items() if name not in NOT_RULE_FIELDS}
    if "weekday" in changes:
        changes["weekday"] = int(changes["weekday"])
    # The facilitators not sent stay; checked like sent ones, so one who left the team
    # is refused by field name.
    ids = {
        "facilitator_id": sent.get("facilitator_id", series.facilitator_id),
        "co_facilitator_id": sent.get("co_facilitator_id", series.co_facilitator_id),
    }
    series_services.series_update(
        series=series,
        changes=changes,
        facilitator=team_person(series.team, ids["facilitator_id"], "facilitator_id"),
        co_facilitator=team_person(series.team, ids["co_facilitator_id"], "co_facilitator_id"),
        is_protected_slot=sent.get("is_protected_slot"),
    )
    return _detail(series.pk, can_edit=True)


@router.delete(
    "/series/{series_id}/skips/{skip_id}",
    response={204: None},
    summary="Meet again on a skipped date (facilitators, leads, organisation admins)",
)
def unskip_date(
    request: HttpRequest, series_id: int = id_in_path(), skip_id: int = id_in_path()
) -> Status[None]:
    series = get_series_access(api_user(request), series_id, SessionAction.EDIT).obj
    skip = SeriesSkip.objects.filter(series=series, pk=skip_id).first()
    if skip is None:
        raise Http404("No such skipped date.")
    series_services.series_skip_remove(skip=skip)
    return Status(204, None)
