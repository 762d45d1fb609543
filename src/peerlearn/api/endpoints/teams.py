"""GET /api/teams and /api/teams/{id}: the teams a person may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import id_in_path
from peerlearn.api.pagination import Page
from peerlearn.people.access import get_team_for_user, team_role, teams_visible_to
from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import Role, TeamAction

router = Router(tags=["teams"])


class TeamOut(Schema):
    id: int = Field(..., examples=[3])
    name: str = Field(..., examples=["Platform"])
    slug: str = Field(..., examples=["platform"])
    description: str = Field(..., examples=["Runs the build and deploy pipeline."])
    created_at: dt.datetime
    member_count: int = Field(..., examples=[12])
    my_role: Role | None = Field(
        ..., description="Your role in the team; null for an organisation admin outside it."
    )


def _with_summary(teams: QuerySet[Team], user: User) -> QuerySet[Team]:
    # Subqueries keep the count independent of how the team queryset was filtered.
    member_count = (
        Membership.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    my_role = Membership.objects.filter(team=OuterRef("pk"), user=user).values("role")[:1]
    return teams.annotate(
        member_count=Coalesce(Subquery(member_count), 0, output_field=IntegerField()),
        my_role=Subquery(my_role),
    ).order_by("name", "pk")


@router.get("/teams", response=list[TeamOut], summary="Teams you can see")
@paginate(Page)
def list_teams(request: HttpRequest) -> Any:
    user = api_user(request)
    return _with_summary(teams_visible_to(user), user)


@router.get("/teams/{team_id}", response=TeamOut, summary="One team")
def get_team(request: HttpRequest, team_id: int = id_in_path()) -> TeamOut:
    user = api_user(request)
    team = get_team_for_user(user, team_id, TeamAction.VIEW)
    return TeamOut(
        id=team.pk,
        name=team.name,
        slug=team.slug,
        description=team.description,
        created_at=team.created_at,
        member_count=team.memberships.count(),
        my_role=team_role(user, team),  # type: ignore[arg-type]  # a Role value or None
    )
