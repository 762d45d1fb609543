"""Suggestions from the automatic signals: a lead reads the evidence, accepts or dismisses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from peerlearn.gaps import signal_services
from peerlearn.gaps.access import get_suggestion_for_user
from peerlearn.gaps.models import Suggestion, SuggestionStatus
from peerlearn.gaps.tasks import refresh_team_signals
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction
from peerlearn.web.http import AuthedRequest


@login_required
@require_safe
def suggestions(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.MANAGE)
    rows = Suggestion.objects.filter(team=access.team)
    context = {
        "team": access.team,
        "pending": list(rows.filter(status=SuggestionStatus.PENDING)[:200]),
        "dismissed": list(
            rows.filter(status=SuggestionStatus.DISMISSED).order_by("-updated_at")[:50]
        ),
        "accepted": list(
            rows.filter(status=SuggestionStatus.ACCEPTED)
            .select_related("gap")
            .order_by("-updated_at")[:50]
        ),
    }
    return render(request, "gaps/suggestions.html", context)


@login_required
@require_POST
def suggestions_refresh(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_access(request.user, team_id, TeamAction.MANAGE).team
    transaction.on_commit(lambda: refresh_team_signals.enqueue(team.pk))
    messages.success(request, "The signals are being read again; reload in a minute.")
    return redirect("gaps:suggestions", team.pk)


@login_required
@require_POST
def suggestion_decide(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    suggestion = get_suggestion_for_user(request.user, suggestion_id)
    decision = request.POST.get("decision")
    try:
        if decision == "accept":
            gap = signal_services.suggestion_accept(suggestion=suggestion, lead=request.user)
            messages.success(request, f"Accepted: gap #{gap.pk} is in the backlog.")
        elif decision == "dismiss":
            signal_services.suggestion_dismiss(suggestion=suggestion, lead=request.user)
            messages.success(request, "Dismissed; it comes back only if its evidence grows.")
        else:
            messages.error(request, "Accept or dismiss.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("gaps:suggestions", suggestion.team_id)
