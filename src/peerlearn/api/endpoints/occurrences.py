"""/api/series/{id}/occurrences/{occurrence}/…: one date of a series on its own —
answer for it, move it, cancel it, change its facilitator.

`occurrence` is the date's original start in UTC as the sessions list and the series'
`upcoming` give it (20300313T110000Z), read as the occurrence page reads its URL. As on
the series page, a change makes the date a session row of its own
(`series_services.occurrence_*`), in the same transaction: a refused change leaves no
row behind. Anyone who sees the series answers; facilitators, leads and organisation
admins change (`SessionAction.EDIT`, as the page's forms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Path

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints.person_ids import team_person
from peerlearn.api.endpoints.sessions import (
    MyRsvpOut,
    RsvpIn,
    SessionOut,
    session_out,
)
from peerlearn.api.fields import Id, SaneDateTime, id_in_path
from peerlearn.engines.schedule.bounds import in_planned_range
from peerlearn.schedule import series_services
from peerlearn.schedule.access import SessionAction, get_series_access
from peerlearn.schedule.models import RsvpAnswer, Series, Session
from peerlearn.schedule.selectors import occurrence_key, parse_occurrence_key

router = Router(tags=["series"])

OCCURRENCE = "/series/{series_id}/occurrences/{occurrence}"


def _occurrence_key() -> Any:
    return Path(
        ...,
        max_length=16,
        description="The date's original start in UTC, as `occurrence` of the sessions list "
        "(e.g. 20300306T110000Z).",
    )


def _original_start(key: str) -> dt.datetime:
    # One spelling per date, and none outside the range the engine plans in (as the
    # occurrence page reads its URL).
    moment = parse_occurrence_key(key)
    if moment is None or occurrence_key(moment) != key or not in_planned_range(moment):
        raise Http404("No such occurrence.")
    return moment


def _on_date[T](change: Callable[..., T], series: Series, key: str, **arguments: Any) -> T:
    try:
        return change(series=series, original_start=_original_start(key), **arguments)
    except series_services.NoSuchOccurrence:
        raise Http404("No such occurrence.") from None


@router.put(
    OCCURRENCE + "/rsvp",
    response=MyRsvpOut,
    summary="Answer for one date of a series (anyone who can see the series)",
)
def rsvp_occurrence(
    request: HttpRequest,
    payload: RsvpIn,
    series_id: int = id_in_path(),
    occurrence: str = _occurrence_key(),
) -> MyRsvpOut:
    person = api_user(request)
    series = get_series_access(person, series_id, SessionAction.RSVP).obj
    rsvp = _on_date(
        series_services.occurrence_rsvp_set,
        series,
        occurrence,
        person=person,
        answer=payload.answer,
    )
    return MyRsvpOut(
        session_id=rsvp.session_id, answer=RsvpAnswer(rsvp.answer), answered_at=rsvp.answered_at
    )


def _changed(request: HttpRequest, session: Session) -> SessionOut:
    return session_out(session, reader=api_user(request), can_edit=True)


class MoveIn(Schema):
    starts_at: SaneDateTime = Field(
        ...,
        description="The new start, with its offset; the series' time zone stays.",
        examples=["2030-03-14T15:00:00+01:00"],
    )


@router.patch(
    OCCURRENCE,
    response=SessionOut,
    summary="Move one date of a series (facilitators, leads, organisation admins)",
)
def move_occurrence(
    request: HttpRequest,
    payload: MoveIn,
    series_id: int = id_in_path(),
    occurrence: str = _occurrence_key(),
) -> SessionOut:
    series = get_series_access(api_user(request), series_id, SessionAction.EDIT).obj
    moved = _on_date(
        series_services.occurrence_move, series, occurrence, starts_at=payload.starts_at
    )
    return _changed(request, moved)


@router.post(
    OCCURRENCE + "/cancel",
    response=SessionOut,
    summary="Cancel one date of a series; the rest stays (facilitators, leads, org admins)",
)
def cancel_occurrence(
    request: HttpRequest, series_id: int = id_in_path(), occurrence: str = _occurrence_key()
) -> SessionOut:
    actor = api_user(request)
    series = get_series_access(actor, series_id, SessionAction.EDIT).obj
    cancelled = _on_date(series_services.occurrence_cancel, series, occurrence, actor=actor)
    return _changed(request, cancelled)


class FacilitatorIn(Schema):
    facilitator_id: Id | None = Field(
        ..., description="A member of the team; null: nobody yet.", examples=[3]
    )


@router.put(
    OCCURRENCE + "/facilitator",
    response=SessionOut,
    summary="Change who facilitates one date of a series (facilitators, leads, org admins)",
)
def set_occurrence_facilitator(
    request: HttpRequest,
    payload: FacilitatorIn,
    series_id: int = id_in_path(),
    occurrence: str = _occurrence_key(),
) -> SessionOut:
    series = get_series_access(api_user(request), series_id, SessionAction.EDIT).obj
    facilitator = team_person(series.team, payload.facilitator_id, "facilitator_id")
    changed = _on_date(
        series_services.occurrence_facilitator_set, series, occurrence, facilitator=facilitator
    )
    return _changed(request, changed)
