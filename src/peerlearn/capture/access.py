"""The access choke points for what sessions leave behind: notes, action items,
recording consent, recordings and transcripts. The session's rule (schedule.access)
decides, refined here:

- reading the notes, action items, recording and transcript: whoever may see the session
  (a session open to the organisation: anyone of it);
- writing the notes and adding action items: anyone in the team;
- saying yes or no to being recorded: whoever may answer the session's invitation;
- attaching or removing a recording or transcript, confirming takeaways: facilitators;
- changing or closing an action item: its owner, or the team's facilitators.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from peerlearn.capture.models import ActionItem
from peerlearn.people.access import AnyUser, ScopedAccess, get_team_scoped
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.access import SessionAction, get_session_access
from peerlearn.schedule.models import Session


class CaptureAction(StrEnum):
    READ = "read"
    WRITE = "write"  # notes, new action items
    CONSENT = "consent"
    MANAGE = "manage"  # recordings, transcripts, takeaways


_SESSION_ACTION = {
    CaptureAction.READ: SessionAction.VIEW,
    CaptureAction.WRITE: SessionAction.VIEW,
    CaptureAction.CONSENT: SessionAction.RSVP,
    CaptureAction.MANAGE: SessionAction.EDIT,
}


def get_capture_access(
    user: AnyUser, session_id: object, action: CaptureAction
) -> ScopedAccess[Session]:
    """A session, for doing `action` with what it leaves behind."""
    access = get_session_access(user, session_id, _SESSION_ACTION[action])
    if action == CaptureAction.WRITE and access.via_organisation:
        raise PermissionDenied("Only the team writes a session's notes.")
    return access


def may_manage(access: ScopedAccess[Session]) -> bool:
    return access.allows(TeamAction.FACILITATE)


def may_write(access: ScopedAccess[Session]) -> bool:
    return not access.via_organisation


def get_action_item_access(user: AnyUser, item_id: object) -> ScopedAccess[ActionItem]:
    return get_team_scoped(
        user,
        ActionItem.objects.select_related("owner", "session"),
        item_id,
        TeamAction.VIEW,
        what="action item",
    )


def item_changeable_by(item: ActionItem, user: AnyUser, *, facilitates: bool) -> bool:
    """The rule for changing an action item: the team's facilitators, or its owner."""
    return facilitates or (item.owner_id is not None and item.owner_id == user.pk)


def may_change_item(access: ScopedAccess[ActionItem], user: AnyUser) -> bool:
    facilitates = access.allows(TeamAction.FACILITATE)
    return item_changeable_by(access.obj, user, facilitates=facilitates)


def get_action_item_for_change(user: AnyUser, item_id: object) -> ActionItem:
    """The only way code fetches an action item to change it: its owner or a facilitator."""
    access = get_action_item_access(user, item_id)
    if not may_change_item(access, user):
        raise PermissionDenied("Only its owner or the team's facilitators change this item.")
    return access.obj
