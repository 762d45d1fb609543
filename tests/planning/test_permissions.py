"""Every planning view by every kind of visitor. Outsiders get 404, members lacking the
right 403, anonymous the login page; refused writes change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from peerlearn.engines.planning import Pair, Round
from peerlearn.gaps import services as gap_services
from peerlearn.planning import services
from peerlearn.planning.models import Pairing, PairingRound, Plan, PlanEntry
from peerlearn.planning.pairing_services import _store
from peerlearn.schedule.models import Session
from tests.conftest import Cast, client_for

from .conftest import next_monday

pytestmark = pytest.mark.django_db

REFUSED = {"charlie": 404, "zed": 404, "anonymous": 302}
VIEW = {"olga": 200, "alice": 200, "fiona": 200, "bob": 200, **REFUSED}
PLAN = {"olga": 200, "alice": 200, "fiona": 200, "bob": 403, **REFUSED}
# A pairing of bob (learner) with fiona (expert): only those two answer it; a lead or
# admin sees it but may not answer for them; another member is told it does not exist.
IN_PAIR = {"olga": 403, "alice": 403, "fiona": 200, "bob": 200, **REFUSED}


class World:
    def __init__(self, cast: Cast) -> None:
        import datetime as dt

        self.cast = cast
        for title in ("Testing habits", "Incident response"):
            gap_services.gap_create(
                team=cast.platform, raised_by=cast.bob, title=title, source="retrospective"
            )
        self.draft = services.plan_propose(
            team=cast.platform,
            actor=cast.alice,
            start=next_monday(),
            weekday=2,
            at=dt.time(11),
            count=2,
            time_zone="Europe/Berlin",
        )
        self.entry = self.draft.entries.first()
        assert self.entry is not None
        made = PairingRound.objects.create(team=cast.platform, number=1, rules={"capacity": 1})
        pair = Pair(str(cast.fiona.pk), str(cast.bob.pk), "src/", 1.0)
        self.pairing = _store(made, Round((pair,), (), 1.0))[0]

    def arg(self, what: str) -> int:
        return {
            "team": self.cast.platform.pk,
            "plan": self.draft.pk,
            "entry": self.entry.pk if self.entry else 0,
            "pairing": self.pairing.pk,
        }[what]


Data = Callable[[World], dict[str, Any]]


def _propose(w: World) -> dict[str, Any]:
    return {
        "start": next_monday(14).isoformat(),
        "weekday": "2",
        "at": "11:00",
        "time_zone": "Europe/Berlin",
        "count": "2",
        "minutes": "60",
        "max_share": "50",
    }


def _entry(w: World) -> dict[str, Any]:
    return {
        "topic": "Changed topic",
        "format": "lunch_and_learn",
        "facilitator": w.cast.fiona.pk,
        "date": next_monday(21).isoformat(),
        "start_time": "12:00",
        "minutes": "45",
    }


CASES: list[tuple[str, tuple[str, ...], str, Data, dict[str, int]]] = [
    ("home", ("team",), "get", lambda w: {}, VIEW),
    ("propose", ("team",), "get", lambda w: {}, PLAN),
    ("propose", ("team",), "post", _propose, PLAN),
    ("plan", ("plan",), "get", lambda w: {}, PLAN),  # a draft: planners only
    ("accept", ("plan",), "post", lambda w: {}, PLAN),
    ("entry_edit", ("entry",), "get", lambda w: {}, PLAN),
    ("entry_edit", ("entry",), "post", _entry, PLAN),
    ("rotation", ("team",), "get", lambda w: {}, PLAN),
    ("pairing", ("team",), "get", lambda w: {}, VIEW),
    (
        "pairing_run",
        ("team",),
        "post",
        lambda w: {"capacity": 1, "cooldown": 3, "max_wait": 2},
        PLAN,
    ),
    ("answer", ("pairing",), "post", lambda w: {"answer": "accept"}, IN_PAIR),
]


def snapshot() -> list[Any]:
    return [
        *Plan.objects.values_list("pk", "status"),
        *PlanEntry.objects.values_list("pk", "topic", "facilitator", "session"),
        *PairingRound.objects.values_list("pk"),
        *Pairing.objects.values_list("pk", "status", "expert_answer", "learner_answer"),
        *Session.objects.values_list("pk"),
    ]


@pytest.mark.parametrize("who", ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous"])
@pytest.mark.parametrize(
    ("name", "args", "method", "data", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_permission_matrix(
    cast: Cast,
    who: str,
    name: str,
    args: tuple[str, ...],
    method: str,
    data: Data,
    expected: dict[str, int],
) -> None:
    world = World(cast)
    user = None if who == "anonymous" else getattr(cast, who)
    url = reverse(f"planning:{name}", args=[world.arg(a) for a in args])
    before = snapshot()
    client = client_for(user)
    response = client.get(url, data(world)) if method == "get" else client.post(url, data(world))
    status = expected[who]
    if status == 200 and method == "post":
        assert response.status_code in (200, 302), (who, name)
        assert snapshot() != before, (who, name, "an allowed write changed nothing")
        return
    assert response.status_code == status, (who, name, method)
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if method == "post":
        assert snapshot() == before  # refused: nothing changed


def test_members_see_the_accepted_plan_and_only_their_own_pairings(cast: Cast) -> None:
    world = World(cast)
    services.plan_accept(plan=world.draft, actor=cast.alice)
    bob = client_for(cast.bob)
    page = bob.get(reverse("planning:plan", args=[world.draft.pk]))
    assert page.status_code == 200
    assert "Accept: schedule" not in page.content.decode()
    made = PairingRound.objects.get()
    pair = Pair(str(cast.alice.pk), str(cast.fiona.pk), "lib/", 1.0)
    theirs = _store(made, Round((pair,), (), 1.0))[0]
    pairing = bob.get(reverse("planning:pairing", args=[cast.platform.pk])).content.decode()
    assert "Your pairings" in pairing
    assert "Fiona" in pairing
    assert "lib/" not in pairing  # alice and fiona's pair is not bob's business
    answer = reverse("planning:answer", args=[theirs.pk])
    assert bob.post(answer, {"answer": "decline"}).status_code == 404
    assert Pairing.objects.get(pk=theirs.pk).status == "proposed"
