"""Pairing rounds: experts and learners from the knowledge map, cooldown, re-match on
decline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from peerlearn.engines.planning import PairingRules
from peerlearn.gaps import services as gap_services
from peerlearn.knowledge.models import Repository
from peerlearn.planning import pairing_services as services
from peerlearn.planning.models import Pairing, PairingStatus
from tests.conftest import Cast
from tests.engines.knowledge.gitrepo import GitRepo, text
from tests.knowledge.conftest import ALICE, BOB, FIONA, recent_repo

pytestmark = pytest.mark.django_db


def two_experts(repo: GitRepo) -> GitRepo:
    """src/billing/: alice authors invoice.py, fiona tax.py; bob changes both, authors none."""
    repo.commit(ALICE, write={"src/billing/invoice.py": text(30, "inv")})
    repo.commit(FIONA, write={"src/billing/tax.py": text(15, "tax")})
    for n in range(3):
        repo.commit(ALICE, write={"src/billing/invoice.py": text(31 + n, "inv")})
        repo.commit(FIONA, write={"src/billing/tax.py": text(16 + n, "tax")})
    repo.commit(BOB, write={"src/billing/invoice.py": text(40, "inv")})
    repo.commit(BOB, write={"src/billing/tax.py": text(40, "tax")})
    return repo


@pytest.fixture
def billing(cast: Cast, roots: Path, register: Callable[..., Repository]) -> Repository:
    gap_services.gap_create(
        team=cast.platform,
        raised_by=cast.bob,
        title="Billing",
        source="other",
        code_areas=["src/billing/"],
    )
    return register(str(two_experts(recent_repo(roots / "app")).path), kind="local")


def test_a_round_pairs_an_author_with_who_needs_the_area(cast: Cast, billing: Repository) -> None:
    made = services.pairing_round_run(team=cast.platform, actor=cast.alice)
    pairs = list(made.pairings.all())
    assert len(pairs) == 1
    assert pairs[0].learner == cast.bob
    assert pairs[0].expert in (cast.alice, cast.fiona)
    assert pairs[0].area == "src/billing/"
    assert made.number == 1
    assert made.unmatched == []


def test_a_decline_re_matches_the_learner(cast: Cast, billing: Repository) -> None:
    made = services.pairing_round_run(team=cast.platform, actor=cast.alice)
    first = made.pairings.get()
    other = cast.fiona if first.expert == cast.alice else cast.alice
    services.pairing_respond(pairing=first, person=first.expert, answer="decline")
    first.refresh_from_db()
    assert first.status == PairingStatus.DECLINED
    again = made.pairings.exclude(pk=first.pk).get()
    assert (again.expert, again.learner, again.status) == (other, cast.bob, "proposed")
    # Declined by the second expert too: nobody is left, bob waits.
    services.pairing_respond(pairing=again, person=cast.bob, answer="decline")
    made.refresh_from_db()
    assert made.pairings.count() == 2
    assert made.unmatched == [cast.bob.pk]


def test_both_yes_accepts_and_only_the_two_answer(cast: Cast, billing: Repository) -> None:
    made = services.pairing_round_run(team=cast.platform, actor=cast.alice)
    pairing = made.pairings.get()
    with pytest.raises(ValidationError):
        services.pairing_respond(pairing=pairing, person=cast.charlie, answer="accept")
    services.pairing_respond(pairing=pairing, person=cast.bob, answer="accept")
    assert Pairing.objects.get().status == PairingStatus.PROPOSED
    services.pairing_respond(pairing=pairing, person=pairing.expert, answer="accept")
    assert Pairing.objects.get().status == PairingStatus.ACCEPTED


def test_the_cooldown_keeps_a_pair_apart_for_the_next_rounds(
    cast: Cast, billing: Repository
) -> None:
    rules = PairingRules(cooldown=1)
    experts = []
    for _ in range(3):
        made = services.pairing_round_run(team=cast.platform, actor=cast.alice, rules=rules)
        experts.append(made.pairings.get().expert_id)
    # With a cooldown of one round, bob meets the other expert next time.
    assert experts[0] != experts[1]
    assert experts[1] != experts[2]


def test_bad_rules_are_refused(cast: Cast, billing: Repository) -> None:
    with pytest.raises(ValidationError) as refused:
        services.pairing_round_run(team=cast.platform, actor=cast.alice, capacity=0)
    assert "capacity" in refused.value.message_dict


def test_waits_count_rounds_in_a_row() -> None:
    class Round:
        def __init__(self, unmatched: list[int]) -> None:
            self.unmatched = unmatched

    rounds = [Round([1, 2]), Round([1]), Round([1, 2])]
    assert services.waits(rounds) == {"1": 3, "2": 1}  # type: ignore[arg-type]
