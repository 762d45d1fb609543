"""Duplicates: suggestions while a gap is typed (HTMX), and the review list to merge from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from peerlearn.gaps.duplicates import duplicate_pairs, similar_gaps
from peerlearn.gaps.views import team_nav
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction
from peerlearn.web.http import AuthedRequest, query_text


@login_required
@require_safe
def similar(request: AuthedRequest, team_id: int) -> HttpResponse:
    """The gaps most like the title being typed (`?title=`), as a fragment."""
    team = get_team_access(request.user, team_id, TeamAction.VIEW).team
    title = query_text(request, "title", max_length=200)
    text = title + "\n" + query_text(request, "description", max_length=2000)
    return render(request, "gaps/_similar.html", {"alike": similar_gaps(team, text)})


@login_required
@require_safe
def duplicates(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.FACILITATE)
    context = {**team_nav(access), "pairs": duplicate_pairs(access.team)}
    return render(request, "gaps/duplicates.html", context)
