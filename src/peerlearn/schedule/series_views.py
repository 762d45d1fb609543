"""Recurring series and their single occurrences (move, cancel, change facilitator, RSVP)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from peerlearn.engines.schedule import recurrence
from peerlearn.engines.schedule.bounds import in_planned_range
from peerlearn.people.access import get_team_for_user
from peerlearn.people.roles import TeamAction
from peerlearn.schedule import series_services
from peerlearn.schedule.access import SessionAction, get_series_access, get_series_for_user
from peerlearn.schedule.calendar import series_event, with_calendar_relations
from peerlearn.schedule.conflicts import series_conflicts
from peerlearn.schedule.downloads import calendar_download
from peerlearn.schedule.forms import FacilitatorForm, MoveForm, SeriesForm, SkipForm
from peerlearn.schedule.models import Series, SeriesSkip, Session, SessionStatus
from peerlearn.schedule.rules import engine_series
from peerlearn.schedule.selectors import (
    SERIES_PAGE_WEEKS,
    occurrence_key,
    parse_occurrence_key,
    series_page,
)
from peerlearn.schedule.views import (
    attach_errors,
    rsvp_refused,
    session_page_context,
)
from peerlearn.web.http import AuthedRequest, require_GET_or_POST

PERSON_FIELDS = ("facilitator", "co_facilitator", "is_protected_slot")


def _series_changes(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in PERSON_FIELDS}


@login_required
@require_GET_or_POST
def series_create(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.FACILITATE)
    initial = {"time_zone": request.user.time_zone, "interval": 1, "duration_minutes": 45}
    form = SeriesForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = series_services.series_create(
                team=team,
                created_by=request.user,
                facilitator=data["facilitator"],
                co_facilitator=data["co_facilitator"],
                is_protected_slot=data["is_protected_slot"],
                **_series_changes(data),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"“{series.title}” is saved.")
            _warn(request, series)
            return redirect("schedule:series", series.pk)
    return render(request, "schedule/series_form.html", {"form": form, "team": team})


def _warn(request: AuthedRequest, series: Series) -> None:
    for conflict in series_conflicts(series, now=timezone.now()):
        messages.warning(request, conflict.message)


@login_required
@require_GET_or_POST
def series_edit(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    form = SeriesForm(request.POST or None, team=series.team, instance=series)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = series_services.series_update(
                series=series,
                changes=_series_changes(data),
                facilitator=data["facilitator"],
                co_facilitator=data["co_facilitator"],
                is_protected_slot=data["is_protected_slot"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"“{series.title}” is saved.")
            _warn(request, series)
            return redirect("schedule:series", series.pk)
    context = {"form": form, "team": series.team, "series": series}
    return render(request, "schedule/series_form.html", context)


@login_required
@require_safe
def series_detail(request: AuthedRequest, series_id: int) -> HttpResponse:
    access = get_series_access(request.user, series_id, SessionAction.VIEW)
    page = series_page(access, now=timezone.now())
    context = {
        "page": page,
        "series": page.series,
        "team": page.series.team,
        "members": page.members,
        "can_edit": page.can_edit,
        "skip_form": SkipForm() if page.can_edit else None,
        "weeks": SERIES_PAGE_WEEKS,
    }
    return render(request, "schedule/series_detail.html", context)


@login_required
@require_POST
def series_cancel(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    series_services.series_cancel(series=series, actor=request.user)
    messages.success(request, f"“{series.title}” has ended; its future sessions are cancelled.")
    return redirect("schedule:team_sessions", series.team_id)


@login_required
@require_POST
def series_skip_add(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            series_services.series_skip_add(series=series, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{form.cleaned_data['on']:%A %d %B %Y} is skipped.")
    else:
        messages.error(request, "Give a date to skip: " + form.errors.as_text())
    return redirect("schedule:series", series.pk)


@login_required
@require_POST
def series_skip_remove(request: AuthedRequest, series_id: int, skip_id: int) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    skip = SeriesSkip.objects.filter(series=series, pk=skip_id).first()
    if skip is None:
        raise Http404("No such skipped date.")
    series_services.series_skip_remove(skip=skip)
    messages.success(request, f"{skip.on:%A %d %B %Y} is back in the series.")
    return redirect("schedule:series", series.pk)


@login_required
@require_safe
def series_ics(request: AuthedRequest, series_id: int) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.VIEW)
    series = with_calendar_relations(Series.objects.filter(pk=series.pk)).get()
    return calendar_download(
        lambda: series_event(series),
        filename=f"series-{series.pk}.ics",
        item=f"series {series.pk} ({series.title})",
        organisation_id=series.team.organisation_id,
    )


def _original_start(series: Series, key: str) -> dt.datetime:
    moment = parse_occurrence_key(key)
    # One spelling per occurrence, and none in year 9999: no series meets outside the
    # engine's range (whose last local day may be the next day in UTC).
    if moment is None or occurrence_key(moment) != key or not in_planned_range(moment):
        raise Http404("No such occurrence.")
    return moment


def _preview(series: Series, original_start: dt.datetime) -> Session:
    """The occurrence as an unsaved session, to show without writing on a GET."""
    rule = engine_series(series, skips=series.skips.values_list("on", flat=True))
    window = recurrence.occurrences(rule, original_start, original_start + dt.timedelta(seconds=1))
    if not any(o.original_start == original_start for o in window):
        raise Http404("No such occurrence.")
    fields = {name: getattr(series, name) for name in series_services.COPIED_FIELDS}
    return Session(
        team=series.team, series=series, original_start=original_start, starts_at=original_start,
        ends_at=original_start + dt.timedelta(minutes=series.duration_minutes),
        time_zone=series.time_zone, status=SessionStatus.SCHEDULED, **fields,
    )  # fmt: skip


@login_required
@require_safe
def occurrence_detail(request: AuthedRequest, series_id: int, key: str) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.VIEW)
    original_start = _original_start(series, key)
    row = Session.objects.filter(series=series, original_start=original_start).first()
    if row is not None:
        return redirect("schedule:session", row.pk)
    session = _preview(series, original_start)
    context = session_page_context(request, session)
    context["facilitator"] = [p for p in (series.facilitator,) if p is not None]
    context["rsvp_url"] = request.path + "rsvp/"
    context["occurrence_key"] = key
    return render(request, "schedule/session_detail.html", context)


@login_required
@require_POST
def occurrence_rsvp(request: AuthedRequest, series_id: int, key: str) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.RSVP)
    original_start = _original_start(series, key)
    try:
        rsvp = series_services.occurrence_rsvp_set(
            series=series,
            original_start=original_start,
            person=request.user,
            answer=request.POST.get("answer", ""),
        )
    except series_services.NoSuchOccurrence:
        raise Http404("No such occurrence.") from None
    except ValidationError as error:
        # Nothing was saved: show the date as it was, a row or still the rule's preview.
        row = Session.objects.filter(series=series, original_start=original_start).first()
        if row is not None:
            return rsvp_refused(request, row, error, back=row.get_absolute_url())
        page = reverse("schedule:occurrence", args=[series.pk, key])
        preview = _preview(series, original_start)
        return rsvp_refused(request, preview, error, back=page, rsvp_url=request.path)
    if request.htmx:
        # The page was a preview; send the browser to the saved session's own page.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = rsvp.session.get_absolute_url()
        return response
    messages.success(request, "Your answer is saved.")
    return redirect("schedule:session", rsvp.session_id)


@login_required
@require_POST
def occurrence_move(request: AuthedRequest, series_id: int, key: str) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    form = MoveForm(request.POST, time_zone=series.time_zone)
    if not form.is_valid():
        messages.error(request, "Not moved: " + form.errors.as_text())
        return redirect("schedule:series", series.pk)
    original_start = _original_start(series, key)
    try:
        series_services.occurrence_move(
            series=series, original_start=original_start, starts_at=form.cleaned_data["starts_at"]
        )
    except series_services.NoSuchOccurrence:
        raise Http404("No such occurrence.") from None
    except ValidationError as error:
        messages.error(request, "Not moved: " + " ".join(error.messages))
        return redirect("schedule:series", series.pk)
    messages.success(request, f"Moved to {form.cleaned_data['starts_at']:%A %d %B %H:%M}.")
    return redirect("schedule:series", series.pk)


@login_required
@require_POST
def occurrence_cancel(request: AuthedRequest, series_id: int, key: str) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    try:
        session = series_services.occurrence_cancel(
            series=series, original_start=_original_start(series, key), actor=request.user
        )
    except series_services.NoSuchOccurrence:
        raise Http404("No such occurrence.") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("schedule:series", series.pk)
    messages.success(request, f"{session.local_start:%A %d %B} is cancelled; the rest stays.")
    return redirect("schedule:series", series.pk)


@login_required
@require_POST
def occurrence_facilitator(request: AuthedRequest, series_id: int, key: str) -> HttpResponse:
    series = get_series_for_user(request.user, series_id, SessionAction.EDIT)
    form = FacilitatorForm(request.POST, team=series.team)
    if not form.is_valid():
        messages.error(request, "Not changed: " + form.errors.as_text())
        return redirect("schedule:series", series.pk)
    try:
        session = series_services.occurrence_facilitator_set(
            series=series,
            original_start=_original_start(series, key),
            facilitator=form.cleaned_data["facilitator"],
        )
    except series_services.NoSuchOccurrence:
        raise Http404("No such occurrence.") from None
    except ValidationError as error:
        messages.error(request, "Not changed: " + " ".join(error.messages))
        return redirect("schedule:series", series.pk)
    messages.success(request, f"Facilitator of {session.local_start:%A %d %B} changed.")
    return redirect("schedule:series", series.pk)
