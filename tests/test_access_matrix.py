"""The permission matrix of every object kind, through its access choke point.

Every kind of object a user can name by id joins this harness with one row: how to make
one in the Platform team (and one in the other organisation), the function that fetches
it for a user, and which rule it follows. The harness then asks, for every principal
of the cast and every action, that the choke point answers as the rule says: the object,
403 for a member whose role lacks the right, 404 for an outsider (the object's
existence is not revealed), and 404 for ids that name nothing or cannot be ids.

The view-level matrices (tests/*/test_permissions.py, tests/api/test_permission_matrix.py)
check that each view asks its choke point; this one checks the choke points themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from peerlearn.capture.access import get_action_item_access, get_action_item_for_change
from peerlearn.capture.models import ActionItem
from peerlearn.chat.access import get_webhook_for_user
from peerlearn.chat.models import ChatWebhook
from peerlearn.gaps.access import (
    GapAction,
    get_gap_for_user,
    get_note_for_user,
    get_onboarding_step_for_user,
    get_own_offer,
    get_own_pending_import,
    get_suggestion_for_user,
)
from peerlearn.gaps.models import (
    Gap,
    OnboardingStep,
    OneOnOneNote,
    PendingImport,
    Suggestion,
    TeachingOffer,
)
from peerlearn.knowledge.access import get_repository_for_user
from peerlearn.knowledge.models import Repository
from peerlearn.people.access import get_membership_for_user, get_team_for_user
from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import TeamAction
from peerlearn.planning.access import (
    get_entry_for_change,
    get_pairing_access,
    get_pairing_for_answer,
    get_plan_access,
    get_plan_for_change,
)
from peerlearn.planning.models import Pairing, PairingRound, Plan, PlanEntry, PlanStatus
from peerlearn.schedule.access import SessionAction, get_series_for_user, get_session_for_user
from peerlearn.schedule.models import Audience
from tests.conftest import Cast
from tests.schedule.conftest import make_series, make_session

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, MISSING = "ok", 403, 404
PRINCIPALS = ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous", "inactive"]

# The team rule (people.roles): what each principal gets for each level of action.
_OUTSIDE = {"charlie": MISSING, "zed": MISSING, "anonymous": MISSING, "inactive": MISSING}
TEAM_RULE: dict[str, dict[str, object]] = {
    "view": {"olga": OK, "alice": OK, "fiona": OK, "bob": OK, **_OUTSIDE},
    "facilitate": {"olga": OK, "alice": OK, "fiona": OK, "bob": FORBIDDEN, **_OUTSIDE},
    "manage": {"olga": OK, "alice": OK, "fiona": FORBIDDEN, "bob": FORBIDDEN, **_OUTSIDE},
}
# Open to the organisation: anyone of it may view (and RSVP); asking for more is 403.
OPEN_RULE: dict[str, dict[str, object]] = {
    "view": {**TEAM_RULE["view"], "charlie": OK},
    "facilitate": {**TEAM_RULE["facilitate"], "charlie": FORBIDDEN},
}

Fetch = Callable[[Any, object, str], object]


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[Cast, Team], int]  # an object of the given team; returns its id
    fetch: Fetch  # (user, id, level) -> the object, through the choke point
    rule: dict[str, dict[str, object]]


_SESSION_LEVEL = {"view": SessionAction.VIEW, "facilitate": SessionAction.EDIT}


def _team(cast: Cast, team: Team) -> int:
    return team.pk


def _membership(cast: Cast, team: Team) -> int:
    return Membership.objects.filter(team=team).order_by("pk").values_list("pk", flat=True)[0]


def _session(audience: str) -> Callable[[Cast, Team], int]:
    return lambda cast, team: make_session(team, audience=audience).pk


def _series(audience: str) -> Callable[[Cast, Team], int]:
    return lambda cast, team: make_series(team, audience=audience).pk


def _repository(cast: Cast, team: Team) -> int:
    return Repository.objects.create(team=team, name="app", kind="local", location="/x").pk


def _gap(cast: Cast, team: Team) -> int:
    return Gap.objects.create(team=team, title="Tracing").pk


def _suggestion(cast: Cast, team: Team) -> int:
    return Suggestion.objects.create(team=team, kind="onboarding", key="k", title="t").pk


def _step(cast: Cast, team: Team) -> int:
    return OnboardingStep.objects.create(team=team, title="Get a laptop").pk


def _lead_of(cast: Cast, team: Team) -> User:
    return cast.zed if team == cast.foreign_team else cast.alice


def _note(cast: Cast, team: Team) -> int:
    author = _lead_of(cast, team)
    return OneOnOneNote.objects.create(
        team=team, author=author, held_on=dt.date(2026, 1, 5), text="x"
    ).pk


def _offer(cast: Cast, team: Team) -> int:
    person = cast.zed if team == cast.foreign_team else cast.bob
    return TeachingOffer.objects.create(team=team, person=person, topic="Vim").pk


def _pending(cast: Cast, team: Team) -> int:
    uploader = _lead_of(cast, team)
    return PendingImport.objects.create(
        team=team, uploaded_by=uploader, file_name="retro.csv", data=b"Title\n"
    ).pk


def _action_item(cast: Cast, team: Team) -> int:
    return ActionItem.objects.create(team=team, text="Write the runbook").pk


def _webhook(cast: Cast, team: Team) -> int:
    hook = ChatWebhook.objects.create(
        team=team, service="slack", name="#x", url="https://hooks.slack.com/services/T/B/x"
    )
    return hook.pk


def _fetch_action_item(user: Any, pk: object, level: str) -> object:
    if level == "view":
        return get_action_item_access(user, pk).obj
    return get_action_item_for_change(user, pk)  # nobody owns it: facilitators only


def _plan(status: str) -> Callable[[Cast, Team], int]:
    def make(cast: Cast, team: Team) -> int:
        day = dt.date(2030, 3, 6)
        return Plan.objects.create(team=team, status=status, horizon_start=day, horizon_end=day).pk

    return make


def _fetch_plan(user: Any, pk: object, level: str) -> object:
    if level == "view":
        return get_plan_access(user, pk).obj
    return get_plan_for_change(user, pk)


def _entry(cast: Cast, team: Team) -> int:
    plan = Plan.objects.get(pk=_plan(PlanStatus.DRAFT)(cast, team))
    return PlanEntry.objects.create(
        plan=plan,
        team=team,
        starts_at=dt.datetime(2030, 3, 6, 12, tzinfo=dt.UTC),
        minutes=45,
        topic="Tracing",
        format="lunch_and_learn",
    ).pk


def _pairing(cast: Cast, team: Team) -> int:
    # fiona (expert) and bob (learner); abroad, zed with himself (the only one there).
    expert, learner = (cast.zed, cast.zed) if team == cast.foreign_team else (cast.fiona, cast.bob)
    made = PairingRound.objects.create(team=team, number=1)
    return Pairing.objects.create(
        round=made, team=team, expert=expert, learner=learner, area="src/", weight=1.0
    ).pk


def _fetch_pairing(user: Any, pk: object, level: str) -> object:
    if level == "view":
        return get_pairing_access(user, pk).obj
    return get_pairing_for_answer(user, pk)


# Planners and the pair see a pairing (here: everyone in the team, bob and fiona being
# the pair); only the pair answers it.
PAIR_RULE: dict[str, dict[str, object]] = {
    "view": TEAM_RULE["view"],
    "answer": {**TEAM_RULE["view"], "olga": FORBIDDEN, "alice": FORBIDDEN},
}


_GAP_LEVEL = {"view": GapAction.VIEW, "facilitate": GapAction.TRIAGE, "manage": GapAction.DECIDE}
# Notes and uploads exist only for their author (alice; zed abroad), offers for whoever
# made them (bob).
_NOBODY_ELSE = dict.fromkeys(PRINCIPALS, MISSING)
AUTHOR_ONLY = {"view": {**_NOBODY_ELSE, "alice": OK}}
MAKER_ONLY = {"view": {**_NOBODY_ELSE, "bob": OK}}


def _fetch_membership(user: Any, pk: object, level: str) -> object:
    membership = Membership.objects.filter(pk=str(pk)).first() if str(pk).isdigit() else None
    team_id = membership.team_id if membership else 0
    return get_membership_for_user(user, team_id, pk)


KINDS = [
    Kind("team", _team, lambda u, pk, lv: get_team_for_user(u, pk, TeamAction(lv)), TEAM_RULE),
    Kind("membership", _membership, _fetch_membership, {"manage": TEAM_RULE["manage"]}),
    Kind(
        "session",
        _session(Audience.TEAM),
        lambda u, pk, lv: get_session_for_user(u, pk, _SESSION_LEVEL[lv]),
        {"view": TEAM_RULE["view"], "facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind(
        "open session",
        _session(Audience.ORGANISATION),
        lambda u, pk, lv: get_session_for_user(u, pk, _SESSION_LEVEL[lv]),
        OPEN_RULE,
    ),
    Kind(
        "series",
        _series(Audience.TEAM),
        lambda u, pk, lv: get_series_for_user(u, pk, _SESSION_LEVEL[lv]),
        {"view": TEAM_RULE["view"], "facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind(
        "open series",
        _series(Audience.ORGANISATION),
        lambda u, pk, lv: get_series_for_user(u, pk, _SESSION_LEVEL[lv]),
        OPEN_RULE,
    ),
    Kind(
        "repository",
        _repository,
        lambda u, pk, lv: get_repository_for_user(u, pk, TeamAction(lv)),
        {"view": TEAM_RULE["view"], "facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind("gap", _gap, lambda u, pk, lv: get_gap_for_user(u, pk, _GAP_LEVEL[lv]), TEAM_RULE),
    Kind(
        "suggestion",
        _suggestion,
        lambda u, pk, lv: get_suggestion_for_user(u, pk),
        {"manage": TEAM_RULE["manage"]},
    ),
    Kind(
        "onboarding step",
        _step,
        lambda u, pk, lv: get_onboarding_step_for_user(u, pk, TeamAction(lv)),
        {"view": TEAM_RULE["view"], "manage": TEAM_RULE["manage"]},
    ),
    Kind(
        "action item",
        _action_item,
        _fetch_action_item,
        {"view": TEAM_RULE["view"], "facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind(
        "chat webhook",
        _webhook,
        lambda u, pk, lv: get_webhook_for_user(u, pk),
        {"manage": TEAM_RULE["manage"]},
    ),
    Kind(
        "draft plan",
        _plan(PlanStatus.DRAFT),
        _fetch_plan,
        {"view": TEAM_RULE["facilitate"], "facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind(
        "accepted plan",
        _plan(PlanStatus.ACCEPTED),
        _fetch_plan,
        {"view": TEAM_RULE["view"], "facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind(
        "plan entry",
        _entry,
        lambda u, pk, lv: get_entry_for_change(u, pk),
        {"facilitate": TEAM_RULE["facilitate"]},
    ),
    Kind("pairing", _pairing, _fetch_pairing, PAIR_RULE),
    Kind("1:1 note", _note, lambda u, pk, lv: get_note_for_user(u, pk), AUTHOR_ONLY),
    Kind("teaching offer", _offer, lambda u, pk, lv: get_own_offer(u, pk), MAKER_ONLY),
    Kind("pending import", _pending, lambda u, pk, lv: get_own_pending_import(u, pk), AUTHOR_ONLY),
]
CASES = [
    (kind, level, principal) for kind in KINDS for level in kind.rule for principal in PRINCIPALS
]


def principal_user(cast: Cast, principal: str) -> Any:
    if principal == "anonymous":
        return AnonymousUser()
    if principal == "inactive":
        User.objects.filter(pk=cast.bob.pk).update(is_active=False)
        return User.objects.get(pk=cast.bob.pk)
    return getattr(cast, principal)


def outcome(fetch: Callable[[], object]) -> object:
    try:
        fetched = fetch()
    except Http404:
        return MISSING
    except PermissionDenied:
        return FORBIDDEN
    return fetched


@pytest.mark.parametrize(
    ("kind", "level", "principal"),
    CASES,
    ids=[f"{kind.name}-{level}-{who}" for kind, level, who in CASES],
)
def test_choke_point_answers_as_the_rule_says(
    cast: Cast, kind: Kind, level: str, principal: str
) -> None:
    pk = kind.make(cast, cast.platform)
    user = principal_user(cast, principal)
    got = outcome(lambda: kind.fetch(user, pk, level))
    expected = kind.rule[level][principal]
    if expected == OK:
        assert got not in (MISSING, FORBIDDEN), f"{principal} was refused ({got})"
        assert getattr(got, "pk", None) == pk
    else:
        assert got == expected


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_another_organisations_object_is_missing_even_for_an_admin(cast: Cast, kind: Kind) -> None:
    foreign = kind.make(cast, cast.foreign_team)
    for user in (cast.olga, cast.alice):
        for level in kind.rule:
            assert outcome(lambda u=user, lv=level: kind.fetch(u, foreign, lv)) == MISSING
    # …and its own organisation's people get it.
    assert outcome(lambda: kind.fetch(cast.zed, foreign, next(iter(kind.rule)))) not in (
        MISSING,
        FORBIDDEN,
    )


BAD_IDS = ["0", "-1", "999999999", str(2**63), "9" * 40, "1 OR 1=1", "", "1.0", None, "\u0661"]


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_that_name_nothing_are_missing_for_everyone(
    cast: Cast, kind: Kind, bad: object
) -> None:
    kind.make(cast, cast.platform)
    for level in kind.rule:
        assert outcome(lambda lv=level: kind.fetch(cast.olga, bad, lv)) == MISSING
