"""The access choke point for sessions and series: the team's rule (people.access).

An outsider gets 404, a member whose role lacks the right gets 403. One exception widens
viewing: a session or series open to the organisation may be seen and RSVPed to by
anyone of that organisation (who is told 403, not 404, when asking for more).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from peerlearn.people.access import (
    AnyUser,
    ScopedAccess,
    get_team_scoped,
    scoped_access,
    team_role,
)
from peerlearn.people.models import Membership, User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.models import Audience, Series, Session


class SessionAction(StrEnum):
    VIEW = "view"
    RSVP = "rsvp"
    EDIT = "edit"  # change, cancel, set roles
    ATTENDANCE = "attendance"  # take attendance after the session


_TEAM_ACTION = {
    SessionAction.VIEW: TeamAction.VIEW,
    SessionAction.RSVP: TeamAction.VIEW,
    SessionAction.EDIT: TeamAction.FACILITATE,
    SessionAction.ATTENDANCE: TeamAction.FACILITATE,
}


def _open(item: Session | Series) -> bool:
    return item.audience == Audience.ORGANISATION


def get_session_access(
    user: AnyUser, session_id: object, action: SessionAction
) -> ScopedAccess[Session]:
    return get_team_scoped(
        user,
        Session.objects.select_related("series"),
        session_id,
        _TEAM_ACTION[action],
        what="session",
        open_to_organisation=_open,
    )


def get_session_for_user(user: AnyUser, session_id: object, action: SessionAction) -> Session:
    """The only way code fetches a session by an id that came from a user."""
    return get_session_access(user, session_id, action).obj


def get_series_access(
    user: AnyUser, series_id: object, action: SessionAction
) -> ScopedAccess[Series]:
    return get_team_scoped(
        user,
        Series.objects.select_related("facilitator"),
        series_id,
        _TEAM_ACTION[action],
        what="series",
        open_to_organisation=_open,
    )


def get_series_for_user(user: AnyUser, series_id: object, action: SessionAction) -> Series:
    """The only way code fetches a series by an id that came from a user."""
    return get_series_access(user, series_id, action).obj


def can_session(user: AnyUser, item: Session | Series, action: SessionAction) -> bool:
    """Whether the user may do ``action`` on a session or series already loaded."""
    scoped = scoped_access(
        user, item, item.team, role=team_role(user, item.team), open_to_organisation=_open
    )
    return scoped is not None and scoped.allows(_TEAM_ACTION[action])


def can_session_as(
    user: AnyUser, item: Session | Series, action: SessionAction, *, role: str | None
) -> bool:
    """``can_session`` for a caller that already read the user's role in the item's team."""
    scoped = scoped_access(user, item, item.team, role=role, open_to_organisation=_open)
    return scoped is not None and scoped.allows(_TEAM_ACTION[action])


def people_with_session_access(
    people: Iterable[User], item: Session | Series, action: SessionAction = SessionAction.VIEW
) -> list[User]:
    """Those of ``people`` who may do ``action`` on ``item`` now (one query for all).

    What mail and feeds deliver is checked here at the moment it is produced: an RSVP
    or a role outlives a membership, access does not.
    """
    candidates = list(people)
    roles = dict(
        Membership.objects.filter(
            team_id=item.team_id, user_id__in=[p.pk for p in candidates]
        ).values_list("user_id", "role")
    )
    return [p for p in candidates if can_session_as(p, item, action, role=roles.get(p.pk))]


def session_allows(scoped: ScopedAccess[Session], action: SessionAction) -> bool:
    """What an access fetched by `get_session_access` allows, without another query."""
    return scoped.allows(_TEAM_ACTION[action])
