"""Organisation administration: teams, CSV import of members, the background task log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.views.decorators.http import require_safe

from peerlearn.people.access import get_team_for_user, require_org_admin, require_task_viewer
from peerlearn.people.csv_import import COLUMNS, MAX_FILE_BYTES
from peerlearn.people.forms import MembersCsvForm, TeamForm, apply_validation_error
from peerlearn.people.member_import import (
    ImportSummary,
    MembersImportRejected,
    members_import_csv,
)
from peerlearn.people.models import Organisation
from peerlearn.people.roles import Role, TeamAction
from peerlearn.people.selectors import organisation_teams_with_counts, recent_task_results
from peerlearn.people.services import team_create, team_update
from peerlearn.web.http import AuthedRequest, require_GET_or_POST


def _organisation(request: AuthedRequest) -> Organisation:
    require_org_admin(request.user)
    organisation = request.user.organisation
    assert organisation is not None  # require_org_admin refuses people without one
    return organisation


@login_required
@require_safe
def manage_index(request: AuthedRequest) -> HttpResponse:
    require_org_admin(request.user)
    return redirect("people:manage_teams")


@login_required
@require_safe
def manage_teams(request: AuthedRequest) -> HttpResponse:
    organisation = _organisation(request)
    teams = organisation_teams_with_counts(organisation.pk)
    return render(
        request, "people/manage_teams.html", {"teams": teams, "organisation": organisation}
    )


@login_required
@require_GET_or_POST
def team_new(request: AuthedRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Team {team.name} is created. Now add its members.")
            return redirect("people:team_members", team_id=team.pk)
    return render(request, "people/team_form.html", {"form": form, "team": None})


@login_required
@require_GET_or_POST
def team_edit(request: AuthedRequest, team_id: int) -> HttpResponse:
    # The team's leads may edit it too: roles.py gives MANAGE the right to edit the team.
    team = get_team_for_user(request.user, team_id, TeamAction.MANAGE)
    initial = {"name": team.name, "description": team.description}
    form = TeamForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            team_update(team=team, **form.cleaned_data)
        except ValidationError as error:
            team.refresh_from_db()
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Team {team.name} is saved.")
            return redirect("people:team_members", team_id=team.pk)
    return render(request, "people/team_form.html", {"form": form, "team": team})


@login_required
@require_GET_or_POST
def members_import(request: AuthedRequest) -> HttpResponse:
    organisation = _organisation(request)
    posted = request.method == "POST"
    # Not `request.POST or None`: an empty POST must still be a bound (and invalid) form.
    form = MembersCsvForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[str] = []
    if posted and form.is_valid():
        try:
            summary = members_import_csv(
                organisation=organisation,
                data=form.cleaned_data["file"],
                invited_by=request.user,
                actor=request.user,
            )
        except MembersImportRejected as rejected:
            problems = [str(problem) for problem in rejected.problems]
        else:
            messages.success(request, _summary_text(summary))
            return redirect("people:manage_teams")
    context = {
        "form": form,
        "problems": problems,
        "columns": COLUMNS,
        "roles": Role.values,
        "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
    }
    return render(request, "people/members_import.html", context)


def _summary_text(summary: ImportSummary) -> str:
    def count(number: int, one: str, many: str) -> str:
        return f"{number} {one if number == 1 else many}"

    return (
        f"Imported: {count(summary.people_created, 'new person', 'new people')} "
        "(invited by e-mail), "
        f"{count(summary.memberships_added, 'membership', 'memberships')} added, "
        f"{summary.memberships_updated} updated."
    )


@login_required
@require_safe
def task_results(request: AuthedRequest) -> HttpResponse:
    require_task_viewer(request.user)
    status = request.GET.get("status", "")
    if status not in TaskResultStatus.values:
        status = ""
    log = recent_task_results(status=status or None)
    context = {
        "log": log,
        "status": status,
        "statuses": [
            (value, label, log.counts.get(value, 0)) for value, label in TaskResultStatus.choices
        ],
        "total": sum(log.counts.values()),
    }
    return render(request, "people/task_results.html", context)
