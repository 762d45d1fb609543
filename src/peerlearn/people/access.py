"""The access choke point for teams and for every object that belongs to a team.

Rule: an outsider (not a member of the object's team, not an admin of its organisation)
gets 404, so the existence of the object is not revealed; a member whose role lacks the
right gets 403 (PermissionDenied). Other object kinds call `require_team_action` on
their team instead of writing their own rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import TeamAction, role_allows

AnyUser = User | AnonymousUser


def team_role(user: AnyUser, team: Team) -> str | None:
    """The user's role in the team, or None for a non-member."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(team=team, user=user).values_list("role", flat=True).first()


def is_org_admin_of(user: AnyUser, team: Team) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_org_admin
        and user.organisation_id == team.organisation_id
    )


def can(user: AnyUser, team: Team, action: TeamAction) -> bool:
    if is_org_admin_of(user, team):
        return True
    role = team_role(user, team)
    return role is not None and role_allows(role, action)


def require_team_action(user: AnyUser, team: Team, action: TeamAction) -> None:
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such team.")
    if is_org_admin_of(user, team):
        return
    role = team_role(user, team)
    if role is None:
        raise Http404("No such team.")
    if not role_allows(role, action):
        raise PermissionDenied(f"Your role in {team.name} does not allow this ({action}).")


@dataclass(frozen=True)
class TeamAccess:
    """A team as one viewer may use it: fetched with the viewer's role in one query."""

    team: Team
    role: str | None
    org_admin: bool

    def allows(self, action: TeamAction) -> bool:
        return self.org_admin or (self.role is not None and role_allows(self.role, action))


def get_team_access(
    user: AnyUser, team_id: object, action: TeamAction = TeamAction.VIEW
) -> TeamAccess:
    """Fetch a team by an id that came from a user, refusing as the module rule says."""
    try:
        pk = int(str(team_id))
    except ValueError:
        raise Http404("No such team.") from None
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        raise Http404("No such team.")
    viewer_role = Membership.objects.filter(team=OuterRef("pk"), user=user).values("role")[:1]
    team = (
        Team.objects.select_related("organisation")
        .filter(pk=pk, organisation_id=user.organisation_id)
        .annotate(viewer_role=Subquery(viewer_role))
        .first()
    )
    if team is None:
        raise Http404("No such team.")
    access = TeamAccess(
        team=team,
        role=team.viewer_role,
        org_admin=is_org_admin_of(user, team),
    )
    if not access.org_admin and access.role is None:
        raise Http404("No such team.")
    if not access.allows(action):
        raise PermissionDenied(f"Your role in {team.name} does not allow this ({action}).")
    return access


def get_team_for_user(user: AnyUser, team_id: object, action: TeamAction = TeamAction.VIEW) -> Team:
    """The only way code fetches a team by an id that came from a user."""
    return get_team_access(user, team_id, action).team


def teams_visible_to(user: AnyUser) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_org_admin and user.organisation_id is not None:
        return Team.objects.filter(organisation_id=user.organisation_id)
    # A subquery rather than a join, so that callers may annotate counts over memberships.
    return Team.objects.filter(pk__in=Membership.objects.filter(user=user).values("team_id"))


def require_org_admin(user: AnyUser) -> None:
    if not user.is_authenticated:
        raise Http404("Not found.")
    if not (user.is_org_admin and user.organisation_id is not None):
        raise PermissionDenied("Only an organisation admin can do this.")


def get_membership_for_user(user: AnyUser, team_id: object, membership_id: object) -> Membership:
    """A membership of a team the user may manage; 404 for one of any other team."""
    team = get_team_for_user(user, team_id, TeamAction.MANAGE)
    try:
        pk = int(str(membership_id))
    except ValueError:
        raise Http404("No such member.") from None
    membership = Membership.objects.select_related("user", "team").filter(pk=pk, team=team).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def can_view_task_results(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def require_task_viewer(user: AnyUser) -> None:
    """Only installation admins (staff, superusers) may see the background task log.

    Task results are not scoped to an organisation, so an organisation admin of a shared
    installation must not read another organisation's errors there.
    """
    if not user.is_authenticated:
        raise Http404("Not found.")
    if not can_view_task_results(user):
        raise PermissionDenied("Only administrators can see background tasks.")


def get_person_for_team(team: Team, person_id: object) -> User:
    """An active person of the team's organisation, by an id that came from a user.

    Call only after the caller passed the team's access check. People of other
    organisations, inactive people and malformed ids are all 404 alike.
    """
    try:
        pk = int(str(person_id))
    except ValueError:
        raise Http404("No such person.") from None
    person = User.objects.filter(
        pk=pk, organisation_id=team.organisation_id, is_active=True
    ).first()
    if person is None:
        raise Http404("No such person.")
    return person
