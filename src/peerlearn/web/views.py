from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from peerlearn.capture.selectors import my_open_items
from peerlearn.chat.selectors import failing_webhook_names
from peerlearn.gaps.dashboard import dashboard_gaps
from peerlearn.kb.selectors import newest_pages
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction
from peerlearn.people.selectors import dashboard_teams, team_members
from peerlearn.schedule.dashboard import team_schedules
from peerlearn.web.http import AuthedRequest

MEMBERS_PER_PAGE = 50
MY_ITEMS_SHOWN = 10
NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


@login_required
@require_safe
def dashboard(request: AuthedRequest) -> HttpResponse:
    cards = dashboard_teams(request.user)
    team_ids = [card.team.pk for card in cards]
    schedules = team_schedules(team_ids, now=timezone.now())
    gaps = dashboard_gaps(request.user, team_ids)
    rows = [(card, schedules[card.team.pk], gaps[card.team.pk]) for card in cards]
    context = {
        "cards": cards,
        "rows": rows,
        "my_items": my_open_items(request.user)[:MY_ITEMS_SHOWN],
        "new_pages": newest_pages(team_ids),
        "today": timezone.localdate(),
    }
    return render(request, "web/dashboard.html", context)


@login_required
@require_safe
def team_detail(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.VIEW)
    team = access.team
    members = team_members(team).only(
        "role", "joined_on", "user", *(f"user__{n}" for n in (*NAME_FIELDS, "time_zone"))
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = access.allows(TeamAction.MANAGE)
    context = {
        "team": team,
        "page": page,
        "can_manage": can_manage,
        # A lead learns here that the team's chat stopped getting notifications.
        "failing_webhooks": failing_webhook_names(team) if can_manage and not request.htmx else [],
        "can_plan": access.allows(TeamAction.FACILITATE),
    }
    template = "web/team.html#members" if request.htmx else "web/team.html"
    return render(request, template, context)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
