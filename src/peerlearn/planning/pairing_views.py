"""The pairing page: run a round (planners), answer a pairing (its two people)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from peerlearn.engines.planning import PairingRules
from peerlearn.people.access import TeamAccess, get_team_access
from peerlearn.planning import pairing_services
from peerlearn.planning.access import PLAN, get_pairing_for_answer
from peerlearn.planning.forms import AnswerForm, PairingRoundForm
from peerlearn.planning.selectors import accepted_plan, pairing_rounds
from peerlearn.web.http import AuthedRequest


def _page(
    request: AuthedRequest, access: TeamAccess, form: PairingRoundForm | None
) -> HttpResponse:
    planner = access.allows(PLAN)
    context = {
        "team": access.team,
        "can_plan": planner,
        "form": form,
        "rounds": pairing_rounds(access.team, request.user, sees_all=planner),
        "accepted": accepted_plan(access.team),
    }
    return render(request, "planning/pairing.html", context)


@login_required
@require_safe
def pairing_page(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id)
    return _page(request, access, PairingRoundForm() if access.allows(PLAN) else None)


@login_required
@require_POST
def pairing_run(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, PLAN)
    form = PairingRoundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = pairing_services.pairing_round_run(
                team=access.team,
                actor=request.user,
                rules=PairingRules(cooldown=data["cooldown"], max_wait=data["max_wait"]),
                capacity=data["capacity"],
            )
        except ValidationError as error:
            form.attach(error)
        else:
            count = made.pairings.count()
            messages.success(request, f"Round {made.number}: {count} pair{'s' * (count != 1)}.")
            return redirect("planning:pairing", access.team.pk)
    return _page(request, access, form)


@login_required
@require_POST
def pairing_answer(request: AuthedRequest, pairing_id: int) -> HttpResponse:
    pairing = get_pairing_for_answer(request.user, pairing_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Answer accept or decline.")
        return redirect("planning:pairing", pairing.team_id)
    try:
        answered = pairing_services.pairing_respond(
            pairing=pairing, person=request.user, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if answered.status == "declined":
            messages.success(request, "Declined; the round was matched again without this pair.")
        else:
            messages.success(request, "Thank you: the pair meets once both said yes.")
    return redirect("planning:pairing", pairing.team_id)
