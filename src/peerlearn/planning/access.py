"""The access choke points for plans, their entries and pairings: the team's rule
(people.access), refined here.

- proposing, editing and accepting plans, reading drafts, running pairing rounds and
  the rotation view: the team's facilitators and leads (and its organisation's admins);
- members see the accepted plan and their own pairings, and answer those;
- an outsider gets 404 for all of it, a member asking for more gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from peerlearn.people.access import AnyUser, ScopedAccess, get_team_access, get_team_scoped
from peerlearn.people.models import Team
from peerlearn.people.roles import TeamAction
from peerlearn.planning.models import Pairing, Plan, PlanEntry, PlanStatus

PLAN = TeamAction.FACILITATE  # what planning needs in the team


def get_planning_team(user: AnyUser, team_id: object) -> Team:
    """A team whose planning the user runs: facilitators, leads, organisation admins."""
    return get_team_access(user, team_id, PLAN).team


def get_plan_access(user: AnyUser, plan_id: object) -> ScopedAccess[Plan]:
    """A plan to read: planners read every plan of the team; members the accepted one."""
    scoped = get_team_scoped(user, Plan.objects.all(), plan_id, TeamAction.VIEW, what="plan")
    if not scoped.allows(PLAN) and scoped.obj.status != PlanStatus.ACCEPTED:
        raise PermissionDenied("Only the team's facilitators and leads see draft plans.")
    return scoped


def get_plan_for_change(user: AnyUser, plan_id: object) -> Plan:
    """The only way code fetches a plan by an id that came from a user, to change it."""
    return get_team_scoped(user, Plan.objects.all(), plan_id, PLAN, what="plan").obj


def get_entry_for_change(user: AnyUser, entry_id: object) -> PlanEntry:
    """A plan entry for a planner to edit."""
    return get_team_scoped(
        user, PlanEntry.objects.select_related("plan"), entry_id, PLAN, what="plan entry"
    ).obj


def get_pairing_access(user: AnyUser, pairing_id: object) -> ScopedAccess[Pairing]:
    """A pairing: planners see every one of the team; a member only those they are in
    (anyone else's is 404 to them, as if it did not exist)."""
    scoped = get_team_scoped(
        user,
        Pairing.objects.select_related("round", "expert", "learner"),
        pairing_id,
        TeamAction.VIEW,
        what="pairing",
    )
    if not scoped.allows(PLAN) and user.pk not in (scoped.obj.expert_id, scoped.obj.learner_id):
        raise Http404("No such pairing.")
    return scoped


def get_pairing_for_answer(user: AnyUser, pairing_id: object) -> Pairing:
    """A pairing its expert or learner answers; planners may look but only the two answer."""
    pairing = get_pairing_access(user, pairing_id).obj
    if user.pk not in (pairing.expert_id, pairing.learner_id):
        raise PermissionDenied("Only the two people of a pairing accept or decline it.")
    return pairing
