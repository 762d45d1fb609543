"""Pairing rounds: the exact optimum (against brute force), the rules, and starvation."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.planning import Candidate, PairingRules, pair_round
from peerlearn.engines.planning.pairing import weights

AREAS = ("billing", "search", "deploy", "auth")


def _pool(rng: random.Random, size: int) -> list[Candidate]:
    people = []
    for number in range(size):
        expertise = {a: rng.choice((0, 0, 0.3, 0.9)) for a in rng.sample(AREAS, 2)}
        needs = {a: rng.choice((0, 0.5, 1.0)) for a in rng.sample(AREAS, 2)}
        people.append(
            Candidate(
                key=f"p{number}",
                team=rng.choice(("red", "blue")),
                expertise={a: s for a, s in expertise.items() if s},
                needs={a: n for a, n in needs.items() if n},
                interests=frozenset(rng.sample(AREAS, rng.randint(0, 1))),
                capacity=rng.randint(0, 2),
            )
        )
    return people


def _brute_force(people: list[Candidate], rules: PairingRules) -> float:
    """The best total weight over every assignment of learners to expert seats."""
    experts = [p for p in people if p.capacity > 0 and p.expertise]
    learners = [p for p in people if p.needs or p.interests]
    if not experts or not learners:
        return 0.0
    base, _ = weights(experts, learners, rules)
    for i, expert in enumerate(experts):
        for j, learner in enumerate(learners):
            if expert.key == learner.key or (not rules.cross_team and expert.team != learner.team):
                base[i, j] = 0.0
    seats = [i for i, e in enumerate(experts) for _ in range(e.capacity)]
    best = 0.0
    # Each learner picks a seat or none; a seat holds at most one learner.
    for choice in itertools.product(range(-1, len(seats)), repeat=len(learners)):
        used = [c for c in choice if c >= 0]
        if len(used) != len(set(used)):
            continue
        total = sum(base[seats[c], j] for j, c in enumerate(choice) if c >= 0)
        best = max(best, total)
    return best


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(1, 5), cross=st.booleans())
def test_the_matching_is_the_exact_optimum(seed: int, size: int, cross: bool) -> None:
    people = _pool(random.Random(seed), size)
    rules = PairingRules(cross_team=cross)
    result = pair_round(people, rules=rules)
    assert result.weight == pytest.approx(_brute_force(people, rules))
    taught: dict[str, int] = {}
    for pair in result.pairs:
        taught[pair.expert] = taught.get(pair.expert, 0) + 1
        assert pair.expert != pair.learner
        assert pair.weight > 0
        if not cross:
            by_key = {p.key: p for p in people}
            assert by_key[pair.expert].team == by_key[pair.learner].team
    capacity = {p.key: p.capacity for p in people}
    assert all(count <= capacity[key] for key, count in taught.items())
    learners = [pair.learner for pair in result.pairs]
    assert len(learners) == len(set(learners))


def test_the_expert_who_authors_the_area_is_paired_with_the_learner_who_needs_it() -> None:
    alice = Candidate("alice", expertise={"billing/": 0.92})
    bob = Candidate("bob", expertise={"search/": 0.8})
    chen = Candidate("chen", needs={"billing/": 1.0})
    dana = Candidate("dana", needs={"search/": 0.5}, interests=frozenset({"billing/"}))
    result = pair_round([alice, bob, chen, dana])
    assert {(p.expert, p.learner, p.area) for p in result.pairs} == {
        ("alice", "chen", "billing/"),
        ("bob", "dana", "search/"),
    }
    assert result.unmatched == ()


def test_cooldown_keeps_last_rounds_pair_apart_and_expires() -> None:
    alice = Candidate("alice", expertise={"billing/": 0.9})
    bob = Candidate("bob", expertise={"billing/": 0.4})
    chen = Candidate("chen", needs={"billing/": 1.0})
    recent = {frozenset({"alice", "chen"}): 1}
    again = pair_round([alice, bob, chen], recent=recent, rules=PairingRules(cooldown=3))
    assert [(p.expert, p.learner) for p in again.pairs] == [("bob", "chen")]
    later = pair_round([alice, bob, chen], recent={frozenset({"alice", "chen"}): 3})
    assert [(p.expert, p.learner) for p in later.pairs] == [("alice", "chen")]


def test_a_learner_who_waited_too_long_goes_first() -> None:
    alice = Candidate("alice", expertise={"billing/": 0.9})
    strong = Candidate("strong", needs={"billing/": 1.0})
    weak = Candidate("weak", needs={"billing/": 0.2})
    assert [p.learner for p in pair_round([alice, strong, weak]).pairs] == ["strong"]
    waited = Candidate("weak", needs={"billing/": 0.2}, waited=2)
    result = pair_round([alice, strong, waited], rules=PairingRules(max_wait=2))
    assert [p.learner for p in result.pairs] == ["weak"]
    assert result.unmatched == ("strong",)


def test_small_and_odd_pools() -> None:
    assert pair_round([]).pairs == ()
    lone = Candidate("lone", needs={"billing/": 1.0})
    assert pair_round([lone]).unmatched == ("lone",)
    # Someone who both knows and needs billing is never paired with themselves.
    both = Candidate("both", expertise={"billing/": 0.9}, needs={"billing/": 1.0})
    assert pair_round([both]).pairs == ()
    three = [
        Candidate("e", expertise={"billing/": 0.9}),
        Candidate("l1", needs={"billing/": 1.0}),
        Candidate("l2", needs={"billing/": 0.9}),
    ]
    result = pair_round(three)
    assert [p.learner for p in result.pairs] == ["l1"]
    assert result.unmatched == ("l2",)


def test_capacity_lets_an_expert_take_several_learners() -> None:
    people = [
        Candidate("e", expertise={"billing/": 0.9}, capacity=2),
        Candidate("l1", needs={"billing/": 1.0}),
        Candidate("l2", needs={"billing/": 0.9}),
    ]
    assert sorted(p.learner for p in pair_round(people).pairs) == ["l1", "l2"]


def test_the_same_input_gives_the_same_round() -> None:
    people = _pool(random.Random(7), 40)
    assert pair_round(people) == pair_round(list(people))
