"""The access choke point for repositories: the team's rule (people.access).

An outsider (not in the repository's team, not an admin of its organisation) gets 404,
a member whose role lacks the right gets 403. Viewing needs VIEW (any member);
registering, changing, re-running and deleting need FACILITATE.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from peerlearn.knowledge.models import Repository
from peerlearn.people.access import AnyUser, TeamAccess, is_org_admin_of
from peerlearn.people.models import Membership
from peerlearn.people.roles import TeamAction


@dataclass(frozen=True)
class RepositoryAccess:
    repository: Repository
    team_access: TeamAccess

    def allows(self, action: TeamAction) -> bool:
        return self.team_access.allows(action)


def get_repository_access(
    user: AnyUser, repository_id: object, action: TeamAction
) -> RepositoryAccess:
    """The repository with the viewer's role in its team, in one query."""
    try:
        pk = int(str(repository_id))
    except ValueError:
        raise Http404("No such repository.") from None
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        raise Http404("No such repository.")
    viewer_role = Membership.objects.filter(team=OuterRef("team_id"), user=user).values("role")[:1]
    repository = (
        Repository.objects.select_related("team", "team__organisation")
        .filter(pk=pk, team__organisation_id=user.organisation_id)
        .annotate(viewer_role=Subquery(viewer_role))
        .first()
    )
    if repository is None:
        raise Http404("No such repository.")
    team = repository.team
    access = TeamAccess(
        team=team, role=repository.viewer_role, org_admin=is_org_admin_of(user, team)
    )
    if not access.org_admin and access.role is None:
        raise Http404("No such repository.")
    if not access.allows(action):
        raise PermissionDenied(f"Your role in {team.name} does not allow this ({action}).")
    return RepositoryAccess(repository, access)


def get_repository_for_user(user: AnyUser, repository_id: object, action: TeamAction) -> Repository:
    """The only way code fetches a repository by an id that came from a user."""
    return get_repository_access(user, repository_id, action).repository
