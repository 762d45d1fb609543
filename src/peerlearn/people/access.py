"""The access choke point for teams and for every object that belongs to a team.

Rule: an outsider (not a member of the object's team, not an admin of its organisation)
gets 404, so the existence of the object is not revealed; a member whose role lacks the
right gets 403 (PermissionDenied). Every kind of object that belongs to a team is
fetched through `get_team_scoped`, which applies this rule; nothing else writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import TeamAction, role_allows
from peerlearn.validation import parse_id

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
    """Whether the user may do `action` in a team already loaded."""
    scoped = scoped_access(user, team, team, role=team_role(user, team))
    return scoped is not None and scoped.allows(action)


def require_team_action(user: AnyUser, team: Team, action: TeamAction) -> None:
    """Refuse (404 outside the team, 403 for a role without `action`) for a loaded team."""
    scoped = scoped_access(user, team, team, role=team_role(user, team))
    if scoped is None:
        raise Http404("No such team.")
    require(scoped, action)


@dataclass(frozen=True)
class TeamAccess:
    """A team as one viewer may use it: fetched with the viewer's role in one query."""

    team: Team
    role: str | None
    org_admin: bool

    def allows(self, action: TeamAction) -> bool:
        return self.org_admin or (self.role is not None and role_allows(self.role, action))


@dataclass(frozen=True)
class ScopedAccess[M: models.Model]:
    """An object of a team, and what the viewer may do with it (its team's rule)."""

    obj: M
    team_access: TeamAccess
    # The object is open to the whole organisation and the viewer is there only for that.
    via_organisation: bool = False

    @property
    def team(self) -> Team:
        return self.team_access.team

    def allows(self, action: TeamAction) -> bool:
        if self.via_organisation:
            return action == TeamAction.VIEW
        return self.team_access.allows(action)


def get_team_scoped[M: models.Model](
    user: AnyUser,
    queryset: QuerySet[M],
    object_id: object,
    action: TeamAction,
    *,
    what: str,
    team_field: str | None = "team",
    open_to_organisation: Callable[[M], bool] | None = None,
) -> ScopedAccess[M]:
    """The one access rule, for every kind of object that belongs to a team.

    Fetches the object by an id that came from a user, with its team and the viewer's
    role in that team, in one query, and refuses as the module rule says: 404 for an
    outsider (the object's existence is not revealed), 403 for a member whose role lacks
    `action`. `team_field` names the object's team (None: the object is the team).
    `open_to_organisation(obj)` widens *viewing* to everyone of the organisation; such a
    viewer who asks for more is told 403 (they can see the object exists).
    A new object kind is one call of this function (see schedule.access, knowledge.access).
    """
    missing = Http404(f"No such {what}.")
    pk = parse_id(object_id, what=what)
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        raise missing
    prefix = f"{team_field}__" if team_field else ""
    team_id = OuterRef(f"{team_field}_id" if team_field else "pk")
    viewer_role = Membership.objects.filter(team=team_id, user=user).values("role")[:1]
    related = [f"{prefix}organisation", *([team_field] if team_field else [])]
    obj = (
        queryset.select_related(*related)
        .filter(pk=pk, **{f"{prefix}organisation_id": user.organisation_id})
        .annotate(viewer_role=Subquery(viewer_role))
        .first()
    )
    if obj is None:
        raise missing
    team = getattr(obj, team_field) if team_field else obj
    assert isinstance(team, Team)
    role: str | None = obj.viewer_role  # type: ignore[attr-defined]
    scoped = scoped_access(user, obj, team, role=role, open_to_organisation=open_to_organisation)
    if scoped is None:
        raise missing
    require(scoped, action)
    return scoped


def scoped_access[M: models.Model](
    user: AnyUser,
    obj: M,
    team: Team,
    *,
    role: str | None,
    open_to_organisation: Callable[[M], bool] | None = None,
) -> ScopedAccess[M] | None:
    """What `user`, whose role in `team` is `role`, may do with `obj`; None: nothing at all.

    The rule itself, for an object already loaded; `get_team_scoped` is how objects are
    fetched by a user-supplied id.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.organisation_id is None or user.organisation_id != team.organisation_id:
        return None
    access = TeamAccess(team=team, role=role, org_admin=is_org_admin_of(user, team))
    if access.org_admin or access.role is not None:
        return ScopedAccess(obj, access)
    if open_to_organisation is not None and open_to_organisation(obj):
        return ScopedAccess(obj, access, via_organisation=True)
    return None


def require(scoped: ScopedAccess[Any], action: TeamAction) -> None:
    """Refuse with 403 unless the access allows `action`."""
    if scoped.allows(action):
        return
    team = scoped.team
    if scoped.via_organisation:
        raise PermissionDenied(f"Only members of {team.name} can do this.")
    raise PermissionDenied(f"Your role in {team.name} does not allow this ({action}).")


def get_team_access(
    user: AnyUser, team_id: object, action: TeamAction = TeamAction.VIEW
) -> TeamAccess:
    """Fetch a team by an id that came from a user, refusing as the module rule says."""
    return get_team_scoped(
        user, Team.objects.all(), team_id, action, what="team", team_field=None
    ).team_access


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
    pk = parse_id(membership_id, what="member")
    membership = Membership.objects.select_related("user", "team").filter(pk=pk, team=team).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def is_operator(user: AnyUser) -> bool:
    """The rule is `User.is_operator`; anonymous visitors are no operators."""
    return isinstance(user, User) and user.is_operator


def can_view_task_results(user: AnyUser) -> bool:
    return is_operator(user)


def require_task_viewer(user: AnyUser) -> None:
    """Only the installation's operators may see the background task log.

    Task results are not scoped to an organisation, so an organisation admin of a shared
    installation must not read another organisation's errors there.
    """
    if not user.is_authenticated:
        raise Http404("Not found.")
    if not can_view_task_results(user):
        raise PermissionDenied("Only the operator of this installation can see background tasks.")


def get_person_for_team(team: Team, person_id: object) -> User:
    """An active person of the team's organisation, by an id that came from a user.

    Call only after the caller passed the team's access check. People of other
    organisations, inactive people and malformed ids are all 404 alike.
    """
    pk = parse_id(person_id, what="person")
    person = User.objects.filter(
        pk=pk, organisation_id=team.organisation_id, is_active=True
    ).first()
    if person is None:
        raise Http404("No such person.")
    return person
