"""The access choke point for sessions and series.

Built on `people.access.require_team_action`: an outsider gets 404, a member whose role
lacks the right gets 403. One exception widens viewing: a session open to the
organisation may be seen and RSVPed to by anyone of that organisation.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from peerlearn.people.access import AnyUser, require_team_action
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


def _pk(value: object, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404(f"No such {what}.") from None


def _open_to(user: AnyUser, item: Session | Series, action: SessionAction) -> bool:
    return (
        action in (SessionAction.VIEW, SessionAction.RSVP)
        and item.audience == Audience.ORGANISATION
        and user.is_authenticated
        and user.is_active
        and user.organisation_id == item.team.organisation_id
    )


def get_session_for_user(user: AnyUser, session_id: object, action: SessionAction) -> Session:
    """The only way code fetches a session by an id that came from a user."""
    pk = _pk(session_id, "session")
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404("No such session.")
    session = (
        Session.objects.select_related("team", "team__organisation", "series")
        .filter(pk=pk, team__organisation_id=user.organisation_id)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    _require(user, session, action)
    return session


def _require(user: AnyUser, item: Session | Series, action: SessionAction) -> None:
    if _open_to(user, item, action):
        return
    try:
        require_team_action(user, item.team, _TEAM_ACTION[action])
    except Http404:
        # Someone who may see an open session is told "not allowed", not "not found".
        if _open_to(user, item, SessionAction.VIEW):
            raise PermissionDenied("Only the team's facilitators can change this.") from None
        raise


def get_series_for_user(user: AnyUser, series_id: object, action: SessionAction) -> Series:
    """The only way code fetches a series by an id that came from a user."""
    pk = _pk(series_id, "series")
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404("No such series.")
    series = (
        Series.objects.select_related("team", "team__organisation", "facilitator")
        .filter(pk=pk, team__organisation_id=user.organisation_id)
        .first()
    )
    if series is None:
        raise Http404("No such series.")
    _require(user, series, action)
    return series


def can_session(user: AnyUser, item: Session | Series, action: SessionAction) -> bool:
    """Whether the user may do ``action`` on a session or series they can already see."""
    if _open_to(user, item, action):
        return True
    try:
        require_team_action(user, item.team, _TEAM_ACTION[action])
    except (PermissionDenied, Http404):
        return False
    return True
