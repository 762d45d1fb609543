"""/api/teams/{id}/members: list (anyone in the team), set and remove (lead or org admin).

The member list shows what the team page shows to every member (no e-mail addresses):
least privilege, and the same picture in the UI and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import id_in_path
from peerlearn.api.pagination import Page
from peerlearn.people.access import get_person_for_team, get_team_for_user
from peerlearn.people.models import Membership, Team
from peerlearn.people.roles import Role, TeamAction
from peerlearn.people.selectors import team_members
from peerlearn.people.services import membership_remove, membership_set

router = Router(tags=["members"])


class MemberOut(Schema):
    user_id: int = Field(..., examples=[7])
    username: str = Field(..., examples=["bob"])
    name: str = Field(..., examples=["Bob Builder"])
    time_zone: str = Field(..., examples=["Europe/Lisbon"])
    role: Role = Field(..., examples=[Role.MEMBER])
    joined_on: dt.date = Field(..., examples=["2025-01-06"])

    # Read from a Membership row (with its user selected), so a page is one query.
    @staticmethod
    def resolve_username(membership: Membership) -> str:
        return membership.user.username

    @staticmethod
    def resolve_name(membership: Membership) -> str:
        return membership.user.name

    @staticmethod
    def resolve_time_zone(membership: Membership) -> str:
        return membership.user.time_zone


class MembershipIn(Schema):
    role: Role = Field(..., description="member, facilitator or lead.", examples=["facilitator"])
    joined_on: dt.date | None = Field(
        None,
        description="When the person joined the team (onboarding metrics start here). "
        "Omitted: today for a new member, unchanged for an existing one.",
        examples=["2025-01-06"],
    )


def _membership_in(team: Team, user_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user").filter(team=team, user_id=user_id).first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


@router.get("/teams/{team_id}/members", response=list[MemberOut], summary="Members of a team")
@paginate(Page)
def list_members(request: HttpRequest, team_id: int = id_in_path()) -> Any:
    team = get_team_for_user(api_user(request), team_id, TeamAction.VIEW)
    return team_members(team)


@router.put(
    "/teams/{team_id}/members/{user_id}",
    response=MemberOut,
    summary="Add a person to a team or change their role and joining date",
)
def set_member(
    request: HttpRequest,
    payload: MembershipIn,
    team_id: int = id_in_path(),
    user_id: int = id_in_path(),
) -> Membership:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.MANAGE)
    person = get_person_for_team(team, user_id)
    return membership_set(
        team=team, person=person, role=payload.role, joined_on=payload.joined_on, actor=actor
    )


@router.delete(
    "/teams/{team_id}/members/{user_id}",
    response={204: None},
    summary="Remove a person from a team",
)
def remove_member(
    request: HttpRequest, team_id: int = id_in_path(), user_id: int = id_in_path()
) -> Status[None]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.MANAGE)
    membership_remove(membership=_membership_in(team, user_id), actor=actor)
    return Status(204, None)
