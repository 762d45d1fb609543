"""The access choke points for gaps, suggestions, 1:1 notes and onboarding steps: the
team's rule (people.access).

Who may do what (docs/gaps.md): anyone in the team sees the backlog, raises gaps (also
anonymously), votes, offers to teach and marks onboarding steps; facilitators and leads
triage (edit any gap, change its status, merge, import, record post-mortems, link
sessions); leads decide on suggestions from the automatic signals and keep 1:1 notes,
which only their author ever sees.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from peerlearn.gaps.models import (
    Gap,
    OnboardingStep,
    OneOnOneNote,
    PendingImport,
    Suggestion,
    TeachingOffer,
)
from peerlearn.people.access import AnyUser, ScopedAccess, get_team_scoped, require
from peerlearn.people.roles import TeamAction


class GapAction(StrEnum):
    VIEW = "view"
    VOTE = "vote"  # also: offer to teach
    TRIAGE = "triage"  # edit, status, merge, link sessions
    DECIDE = "decide"  # accept or dismiss what a signal suggests


TEAM_ACTION = {
    GapAction.VIEW: TeamAction.VIEW,
    GapAction.VOTE: TeamAction.VIEW,
    GapAction.TRIAGE: TeamAction.FACILITATE,
    GapAction.DECIDE: TeamAction.MANAGE,
}

GapAccess = ScopedAccess[Gap]


def get_gap_access(user: AnyUser, gap_id: object, action: GapAction) -> GapAccess:
    return get_team_scoped(
        user, Gap.objects.select_related("raised_by"), gap_id, TEAM_ACTION[action], what="gap"
    )


def get_gap_for_user(user: AnyUser, gap_id: object, action: GapAction) -> Gap:
    """The only way code fetches a gap by an id that came from a user."""
    return get_gap_access(user, gap_id, action).obj


def may_edit_text(access: GapAccess, user: AnyUser) -> bool:
    """Triagers edit any gap; whoever raised an open gap may still reword it."""
    if access.allows(TEAM_ACTION[GapAction.TRIAGE]):
        return True
    gap = access.obj
    return gap.raised_by_id is not None and gap.raised_by_id == user.pk and gap.status == "open"


def get_suggestion_for_user(user: AnyUser, suggestion_id: object) -> Suggestion:
    """Suggestions are decided by leads; only they fetch one by id."""
    return get_team_scoped(
        user, Suggestion.objects.all(), suggestion_id, TeamAction.MANAGE, what="suggestion"
    ).obj


def get_note_for_user(user: AnyUser, note_id: object) -> OneOnOneNote:
    """A 1:1 note exists only for its author: anyone else, lead or admin, gets 404."""
    note = get_team_scoped(
        user, OneOnOneNote.objects.all(), note_id, TeamAction.VIEW, what="note"
    ).obj
    if note.author_id != user.pk:
        raise Http404("No such note.")
    return note


def get_onboarding_step_for_user(
    user: AnyUser, step_id: object, action: TeamAction
) -> OnboardingStep:
    return get_team_scoped(
        user, OnboardingStep.objects.all(), step_id, action, what="onboarding step"
    ).obj


def get_own_offer(user: AnyUser, offer_id: object) -> TeachingOffer:
    """An offer to teach, for the person who made it (others get 404: only its author
    can take it back)."""
    offer = get_team_scoped(
        user,
        TeachingOffer.objects.select_related("gap"),
        offer_id,
        TeamAction.VIEW,
        what="offer",
    ).obj
    if offer.person_id != user.pk:
        raise Http404("No such offer.")
    return offer


def get_own_pending_import(user: AnyUser, pending_id: object) -> PendingImport:
    """An upload waiting for its columns: only for whoever uploaded it, while they may
    still import into its team (facilitators and leads)."""
    scoped = get_team_scoped(
        user, PendingImport.objects.all(), pending_id, TeamAction.VIEW, what="upload"
    )
    if scoped.obj.uploaded_by_id != user.pk:
        raise Http404("No such upload.")
    require(scoped, TeamAction.FACILITATE)  # the uploader may since have lost the role
    return scoped.obj
