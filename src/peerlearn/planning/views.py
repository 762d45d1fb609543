"""Planning pages: propose a plan, read and edit it, accept it; the rotation view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from peerlearn.engines.planning import PlanOptions
from peerlearn.people.access import TeamAccess, get_team_access
from peerlearn.people.models import Team, User
from peerlearn.planning import services
from peerlearn.planning.access import (
    PLAN,
    get_entry_for_change,
    get_plan_access,
    get_plan_for_change,
    get_planning_team,
)
from peerlearn.planning.forms import EntryForm, ProposeForm
from peerlearn.planning.inputs import zone_of
from peerlearn.planning.models import PlanStatus
from peerlearn.planning.selectors import accepted_plan, plan_page, rotation_view, team_plans
from peerlearn.schedule.models import Series
from peerlearn.web.http import AuthedRequest, require_GET_or_POST


def planning_nav(access: TeamAccess) -> dict[str, Any]:
    return {"team": access.team, "can_plan": access.allows(PLAN)}


def _team_zone(team: Team, user: User) -> str:
    """The team's weekly slot's zone when it has one, else the viewer's own."""
    slot = Series.objects.filter(team=team, is_protected_slot=True).values("time_zone").first()
    return slot["time_zone"] if slot else user.time_zone


def _propose_form(team: Team, user: User, data: Any = None) -> ProposeForm:
    initial = {
        "start": timezone.localdate() + dt.timedelta(days=7),
        "time_zone": _team_zone(team, user),
    }
    return ProposeForm(data, initial=initial)


def _home(request: AuthedRequest, access: TeamAccess, form: ProposeForm | None) -> HttpResponse:
    context = {
        **planning_nav(access),
        "form": form,
        "plans": list(team_plans(access.team)) if access.allows(PLAN) else [],
        "accepted": accepted_plan(access.team),
    }
    return render(request, "planning/home.html", context)


@login_required
@require_safe
def planning_home(request: AuthedRequest, team_id: int) -> HttpResponse:
    """Planners: the form and the team's plans; members: where the accepted plan is."""
    access = get_team_access(request.user, team_id)
    form = _propose_form(access.team, request.user) if access.allows(PLAN) else None
    return _home(request, access, form)


@login_required
@require_GET_or_POST
def plan_propose(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, PLAN)
    form = _propose_form(access.team, request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_propose(
                team=access.team,
                actor=request.user,
                start=data["start"],
                weekday=data["weekday"],
                at=data["at"],
                count=data["count"],
                minutes=data["minutes"],
                time_zone=data["time_zone"],
                options=PlanOptions(max_share=data["max_share"] / 100, seed=data["seed"] or 0),
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Here is the proposal: read the reasons, adjust, accept.")
            return redirect("planning:plan", plan.pk)
    return _home(request, access, form)


@login_required
@require_safe
def plan_detail(request: AuthedRequest, plan_id: int) -> HttpResponse:
    access = get_plan_access(request.user, plan_id)
    plan = access.obj
    context = {
        **planning_nav(access.team_access),
        "page": plan_page(plan),
        "editable": access.allows(PLAN) and plan.status == PlanStatus.DRAFT,
    }
    return render(request, "planning/plan.html", context)


@login_required
@require_POST
def plan_accept(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_change(request.user, plan_id)
    try:
        sessions = services.plan_accept(plan=plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, "Not accepted: " + " ".join(error.messages))
    else:
        messages.success(request, f"Accepted: {len(sessions)} sessions are scheduled.")
    return redirect("planning:plan", plan.pk)


@login_required
@require_GET_or_POST
def entry_edit(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = get_entry_for_change(request.user, entry_id)
    local = entry.starts_at.astimezone(zone_of(entry.time_zone))
    initial = {
        "topic": entry.topic,
        "format": entry.format,
        "facilitator": entry.facilitator_id,
        "co_facilitator": entry.co_facilitator_id,
        "date": local.date(),
        "start_time": local.time(),
        "minutes": entry.minutes,
        "change_link": entry.change_link,
    }
    form = EntryForm(
        request.POST or None, initial=initial, team=entry.team, time_zone=entry.time_zone
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_entry_update(
                entry=entry,
                actor=request.user,
                topic=data["topic"],
                format=data["format"],
                facilitator=data["facilitator"],
                co_facilitator=data["co_facilitator"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                change_link=data["change_link"],
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Entry changed.")
            return redirect("planning:plan", entry.plan_id)
    context = {"form": form, "entry": entry, "team": entry.team, "can_plan": True}
    return render(request, "planning/entry_form.html", context)


@login_required
@require_safe
def rotation(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_planning_team(request.user, team_id)
    context = {"team": team, "can_plan": True, "view": rotation_view(team)}
    return render(request, "planning/rotation.html", context)
