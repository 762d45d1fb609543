"""Reusable reads for people and teams. Query counts stay constant in the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from peerlearn.people.access import AnyUser, teams_visible_to
from peerlearn.people.models import Membership, Team


@dataclass(frozen=True)
class TeamCard:
    team: Team
    member_count: int
    my_role: str | None


def dashboard_teams(user: AnyUser) -> list[TeamCard]:
    teams = list(
        teams_visible_to(user).annotate(member_count=Count("memberships")).order_by("name")
    )
    roles = dict(
        Membership.objects.filter(user_id=user.pk or 0, team__in=[t.pk for t in teams]).values_list(
            "team_id", "role"
        )
    )
    return [TeamCard(team=t, member_count=t.member_count, my_role=roles.get(t.pk)) for t in teams]


def team_members(team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )
