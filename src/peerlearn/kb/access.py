"""The access choke point for knowledge-base pages: the team's rule (people.access).

Anyone in the team reads its pages; a page the team opened to the organisation is read
by anyone of it (who is told 403 when asking for more). Facilitators publish and edit.
"""

from __future__ import annotations

from peerlearn.kb.models import KbPage
from peerlearn.people.access import AnyUser, ScopedAccess, get_team_scoped
from peerlearn.people.roles import TeamAction


def get_kb_page_access(user: AnyUser, page_id: object, action: TeamAction) -> ScopedAccess[KbPage]:
    return get_team_scoped(
        user,
        KbPage.objects.select_related("session"),
        page_id,
        action,
        what="page",
        open_to_organisation=lambda page: page.open_to_organisation,
    )


def get_kb_page_for_user(user: AnyUser, page_id: object, action: TeamAction) -> KbPage:
    """The only way code fetches a knowledge-base page by an id that came from a user."""
    return get_kb_page_access(user, page_id, action).obj
