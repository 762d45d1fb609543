"""The access choke point for repositories: the team's rule (people.access).

An outsider (not in the repository's team, not an admin of its organisation) gets 404,
a member whose role lacks the right gets 403. Viewing needs VIEW (any member);
registering, changing, re-running and deleting need FACILITATE.
"""

from __future__ import annotations

from peerlearn.knowledge.models import Repository
from peerlearn.people.access import AnyUser, ScopedAccess, get_team_scoped
from peerlearn.people.roles import TeamAction

RepositoryAccess = ScopedAccess[Repository]


def get_repository_access(
    user: AnyUser, repository_id: object, action: TeamAction
) -> RepositoryAccess:
    """The repository with the viewer's role in its team, in one query."""
    return get_team_scoped(user, Repository.objects.all(), repository_id, action, what="repository")


def get_repository_for_user(user: AnyUser, repository_id: object, action: TeamAction) -> Repository:
    """The only way code fetches a repository by an id that came from a user."""
    return get_repository_access(user, repository_id, action).obj
