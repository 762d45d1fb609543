"""Managing a team's members: for the team's leads and the organisation's admins.

Every view fetches the team through `get_team_for_user(..., TeamAction.MANAGE)` (or the
membership through `get_membership_for_user`), so an outsider gets 404 and a member
without the right gets 403 before anything is read or written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from peerlearn.people.access import can, get_membership_for_user, get_team_for_user
from peerlearn.people.forms import (
    AddExistingMemberForm,
    MembershipRowForm,
    NewPersonForm,
    apply_validation_error,
)
from peerlearn.people.models import Membership, Team
from peerlearn.people.roles import TeamAction
from peerlearn.people.selectors import is_member
from peerlearn.people.selectors import team_members as select_team_members
from peerlearn.people.services import (
    invitation_enqueue,
    member_add_new_person,
    membership_remove,
    membership_set,
)
from peerlearn.web.http import AuthedRequest, require_GET_or_POST

TEMPLATE = "people/team_members.html"


@dataclass(frozen=True)
class MemberLine:
    membership: Membership
    form: MembershipRowForm
    status: str = ""

    @property
    def invitation_pending(self) -> bool:
        # Created by an admin and never chose a password: the invitation is still open.
        return not self.membership.user.has_usable_password()


def _render_page(
    request: AuthedRequest,
    team: Team,
    *,
    existing_form: AddExistingMemberForm | None = None,
    new_form: NewPersonForm | None = None,
) -> HttpResponse:
    lines = [
        MemberLine(membership=m, form=MembershipRowForm(membership=m))
        for m in select_team_members(team)
    ]
    context = {
        "team": team,
        "lines": lines,
        "existing_form": existing_form
        or AddExistingMemberForm(organisation_id=team.organisation_id),
        "new_form": new_form or NewPersonForm(),
    }
    return render(request, TEMPLATE, context)


def _members_url(team: Team) -> str:
    return reverse("people:team_members", args=[team.pk])


@login_required
@require_safe
def team_members(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.MANAGE)
    return _render_page(request, team)


@login_required
@require_POST
def member_add_existing(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.MANAGE)
    form = AddExistingMemberForm(request.POST, organisation_id=team.organisation_id)
    if form.is_valid():
        person = form.cleaned_data["person"]
        if is_member(team, person):
            form.add_error(
                "person",
                f"{person.name} is in {team.name} already; change their role in the table.",
            )
        else:
            membership_set(
                team=team,
                person=person,
                role=form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
                actor=request.user,
            )
            messages.success(request, f"{person.name} is now in {team.name}.")
            return redirect(_members_url(team))
    return _render_page(request, team, existing_form=form)


@login_required
@require_POST
def member_add_new(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.MANAGE)
    form = NewPersonForm(request.POST)
    if form.is_valid():
        try:
            membership = member_add_new_person(
                team=team, invited_by=request.user, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            person = membership.user
            messages.success(
                request,
                f"{person.name} is now in {team.name}; an invitation to choose a password "
                f"is on its way to {person.email}.",
            )
            return redirect(_members_url(team))
    return _render_page(request, team, new_form=form)


@login_required
@require_POST
def membership_update(request: AuthedRequest, team_id: int, membership_id: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, team_id, membership_id)
    team = membership.team
    form = MembershipRowForm(request.POST, membership=membership)
    status = ""
    if form.is_valid():
        membership = membership_set(
            team=team,
            person=membership.user,
            role=form.cleaned_data["role"],
            joined_on=form.cleaned_data["joined_on"],
            actor=request.user,
        )
        status = (
            f"Saved: {membership.user.name} is {membership.get_role_display().lower()}, "
            f"joined on {membership.joined_on:%Y-%m-%d}."
        )
        if not can(request.user, team, TeamAction.MANAGE):
            # A lead who stepped down can no longer see this page.
            messages.info(request, f"You are no longer a lead of {team.name}.")
            target = reverse("web:team", args=[team.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
        form = MembershipRowForm(membership=membership)
    if not request.htmx:
        if status:
            messages.success(request, status)
        else:
            messages.error(request, _form_problems(membership, form))
        return redirect(_members_url(team))
    line = MemberLine(membership=membership, form=form, status=status)
    return render(request, f"{TEMPLATE}#member_row", {"team": team, "line": line})


def _form_problems(membership: Membership, form: MembershipRowForm) -> str:
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(error) for error in errors)
        problems.append(f"{label}: {text}" if label else text)
    return f"Not saved for {membership.user.name}. " + " ".join(problems)


@login_required
@require_GET_or_POST
def membership_remove_confirm(
    request: AuthedRequest, team_id: int, membership_id: int
) -> HttpResponse:
    membership = get_membership_for_user(request.user, team_id, membership_id)
    team, person = membership.team, membership.user
    if request.method == "POST":
        membership_remove(membership=membership, actor=request.user)
        messages.success(request, f"{person.name} is no longer in {team.name}.")
        if not can(request.user, team, TeamAction.MANAGE):
            return redirect("web:dashboard")
        return redirect(_members_url(team))
    return render(
        request,
        "people/membership_remove.html",
        {"team": team, "membership": membership, "removing_self": person.pk == request.user.pk},
    )


@login_required
@require_POST
def invitation_resend(request: AuthedRequest, team_id: int, membership_id: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, team_id, membership_id)
    person = membership.user
    if person.has_usable_password():
        messages.info(request, f"{person.name} has chosen a password already.")
    else:
        invitation_enqueue(person=person, invited_by=request.user)
        messages.success(request, f"A new invitation is on its way to {person.email}.")
    return redirect(_members_url(membership.team))
