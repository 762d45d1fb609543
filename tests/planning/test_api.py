"""The planning endpoints: every principal on every endpoint, and the flow a script runs
(propose, change an entry, accept; run a round, decline, re-match)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerlearn.engines.planning import Pair, Round
from peerlearn.gaps import services as gap_services
from peerlearn.planning import services
from peerlearn.planning.models import Pairing, PairingRound, Plan, PlanEntry
from peerlearn.planning.pairing_services import _store
from peerlearn.schedule.models import Session
from tests.api.conftest import PRINCIPALS, client_as, json_of
from tests.conftest import Cast

from .conftest import next_monday

__all__ = ["client_as"]

pytestmark = pytest.mark.django_db

REFUSED = {"charlie": 404, "zed": 404, "anonymous": 401, "revoked": 401, "expired": 401}
VIEW = {"olga": 200, "alice": 200, "fiona": 200, "bob": 200, **REFUSED}
PLAN = {**VIEW, "bob": 403}
PAIR = {**VIEW, "olga": 403, "alice": 403}  # fiona and bob are the pair


class World:
    def __init__(self, cast: Cast) -> None:
        import datetime as dt

        for title in ("Testing habits", "Incident response"):
            gap_services.gap_create(
                team=cast.platform, raised_by=cast.bob, title=title, source="retrospective"
            )
        self.plan = services.plan_propose(
            team=cast.platform,
            actor=cast.alice,
            start=next_monday(),
            weekday=2,
            at=dt.time(11),
            count=2,
            time_zone="Europe/Berlin",
        )
        entry = self.plan.entries.first()
        assert entry is not None
        self.entry = entry
        made = PairingRound.objects.create(team=cast.platform, number=1, rules={"capacity": 1})
        pair = Pair(str(cast.fiona.pk), str(cast.bob.pk), "src/", 1.0)
        self.pairing = _store(made, Round((pair,), (), 1.0))[0]
        self.team = cast.platform.pk


Call = Callable[[World], tuple[str, str, dict[str, Any] | None]]
CASES: list[tuple[str, Call, dict[str, int], int]] = [
    ("list plans", lambda w: ("get", f"/api/teams/{w.team}/plans", None), VIEW, 200),
    ("get draft", lambda w: ("get", f"/api/plans/{w.plan.pk}", None), PLAN, 200),
    (
        "propose",
        lambda w: (
            "post",
            f"/api/teams/{w.team}/plans",
            {"start": next_monday(14).isoformat(), "at": "11:00", "count": 2},
        ),
        PLAN,
        201,
    ),
    (
        "patch entry",
        lambda w: ("patch", f"/api/plan-entries/{w.entry.pk}", {"topic": "Renamed"}),
        PLAN,
        200,
    ),
    ("accept", lambda w: ("post", f"/api/plans/{w.plan.pk}/accept", None), PLAN, 200),
    ("rotation", lambda w: ("get", f"/api/teams/{w.team}/rotation", None), PLAN, 200),
    ("rounds", lambda w: ("get", f"/api/teams/{w.team}/pairing-rounds", None), VIEW, 200),
    ("run round", lambda w: ("post", f"/api/teams/{w.team}/pairing-rounds", {}), PLAN, 201),
    (
        "accept pairing",
        lambda w: ("post", f"/api/pairings/{w.pairing.pk}/accept", None),
        PAIR,
        200,
    ),
    (
        "decline pairing",
        lambda w: ("post", f"/api/pairings/{w.pairing.pk}/decline", None),
        PAIR,
        200,
    ),
]


def snapshot() -> list[Any]:
    return [
        *Plan.objects.values_list("pk", "status"),
        *PlanEntry.objects.values_list("pk", "topic"),
        *PairingRound.objects.values_list("pk"),
        *Pairing.objects.values_list("pk", "status", "expert_answer", "learner_answer"),
        *Session.objects.values_list("pk"),
    ]


def send(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body or {}, content_type="application/json")


@pytest.mark.parametrize("who", PRINCIPALS)
@pytest.mark.parametrize(("what", "call", "rule", "ok"), CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(
    cast: Cast,
    client_as: Callable[[str], Client],
    who: str,
    what: str,
    call: Call,
    rule: dict[str, int],
    ok: int,
) -> None:
    world = World(cast)
    method, url, body = call(world)
    before = snapshot()
    response = send(client_as(who), method, url, body)
    expected = ok if rule[who] == 200 else rule[who]
    assert response.status_code == expected, (who, what, response.content[:300])
    json_of(response)
    if method != "get" and expected >= 400:
        assert snapshot() == before


def test_members_list_only_the_accepted_plan_and_their_pairings(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    world = World(cast)
    bob = client_as("bob")
    assert json_of(bob.get(f"/api/teams/{world.team}/plans")) == []
    made = PairingRound.objects.get()
    _store(made, Round((Pair(str(cast.alice.pk), str(cast.fiona.pk), "lib/", 1.0),), (), 1.0))
    rounds = json_of(bob.get(f"/api/teams/{world.team}/pairing-rounds"))
    assert [p["learner_id"] for p in rounds[0]["pairings"]] == [cast.bob.pk]
    world.plan.entries.update(change_link="https://git.example/pr/1")
    accepted = json_of(client_as("alice").post(f"/api/plans/{world.plan.pk}/accept"))
    assert len(accepted["session_ids"]) == world.plan.entries.count()
    listed = json_of(bob.get(f"/api/teams/{world.team}/plans"))
    assert [p["id"] for p in listed] == [world.plan.pk]
    detail = json_of(bob.get(f"/api/plans/{world.plan.pk}"))
    assert detail["status"] == "accepted"
    assert {s["session_id"] for s in detail["sessions"]} == set(accepted["session_ids"])


def test_refusals_say_what_is_wrong(cast: Cast, client_as: Callable[[str], Client]) -> None:
    world = World(cast)
    alice = client_as("alice")
    response = send(
        alice, "patch", f"/api/plan-entries/{world.entry.pk}", {"facilitator_id": cast.charlie.pk}
    )
    assert response.status_code == 422
    assert "not a member of Platform" in str(json_of(response))
    response = send(
        alice, "post", f"/api/teams/{world.team}/plans", {"start": "2001-01-01", "at": "11:00"}
    )
    assert response.status_code == 422
    assert "Plan from today" in str(json_of(response))
