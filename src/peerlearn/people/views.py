from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from peerlearn.people.access import get_team_for_user, require_org_admin
from peerlearn.people.forms import ProfileForm
from peerlearn.people.models import Team
from peerlearn.people.roles import TeamAction
from peerlearn.people.selectors import team_members as select_team_members
from peerlearn.people.services import person_update_profile
from peerlearn.web.http import AuthedRequest


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    person = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": person.display_name,
            "email": person.email,
            "time_zone": person.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_update_profile(person=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("people:account")
    return render(request, "people/account.html", {"form": form})


@login_required
def manage_teams(request: AuthedRequest) -> HttpResponse:
    require_org_admin(request.user)
    teams = Team.objects.filter(organisation=request.user.organisation).order_by("name")
    return render(request, "people/manage_teams.html", {"teams": teams})


@login_required
def team_members(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.MANAGE)
    return render(
        request,
        "people/team_members.html",
        {"team": team, "memberships": select_team_members(team)},
    )
