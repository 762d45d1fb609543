"""Pairing rounds: experts and learners matched by maximum-weight bipartite matching.

The weight of expert e and learner l is what a pairing between them can spread:

    w(e, l) = sum over areas a of  expertise[e][a] x (need[l][a] + interest x [a in interests(l)])

with `expertise` an authorship share from the knowledge map (0..1) and `need` how much
the learner touches an area without authoring it (0..1). An expert with capacity c is c
rows of the matrix, so they take up to c learners; everyone may also be a learner once.
Pairs are not made when they met within `cooldown` rounds, when they are the same
person, across teams unless `cross_team`, or when they have nothing to share (weight 0).

Nobody starves: a learner who went unmatched for `max_wait` rounds or more gets a bonus
larger than every other weight together on each of their possible pairs, so the optimum
matches as many of them as can be matched at all before it looks at anything else.

The matching is exact: SciPy's `linear_sum_assignment` (a shortest augmenting path
Hungarian method) on the dense matrix; zero-weight assignments are dropped, which does
not change the optimum's weight (tests compare with brute force on small pools).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    team: str = ""
    expertise: Mapping[str, float] = field(default_factory=dict)  # area -> share authored
    needs: Mapping[str, float] = field(default_factory=dict)  # area -> how much they need it
    interests: frozenset[str] = frozenset()  # areas they said they want to learn
    capacity: int = 1  # learners they take as an expert per round; 0: never an expert
    waited: int = 0  # rounds in a row they went unmatched as a learner


@dataclass(frozen=True, slots=True)
class Pair:
    expert: str
    learner: str
    area: str  # the area that counts most in their weight
    weight: float


@dataclass(frozen=True, slots=True)
class Round:
    pairs: tuple[Pair, ...]
    unmatched: tuple[str, ...]  # learners with a need or an interest left without a pair
    weight: float  # the matching's total (bonuses for long waits not counted)


@dataclass(frozen=True, slots=True)
class PairingRules:
    cooldown: int = 3  # rounds before the same two are paired again
    cross_team: bool = True
    interest: float = 0.5  # weight of a stated interest, next to a need of 1
    max_wait: int = 2  # rounds unmatched after which a learner goes first


def _index(people: Sequence[Candidate]) -> dict[str, int]:
    areas: dict[str, int] = {}
    for person in people:
        for area in (*person.expertise, *person.needs, *person.interests):
            areas.setdefault(area, len(areas))
    return areas


def _matrix(rows: list[dict[int, float]], width: int) -> csr_matrix:
    data, cols, starts = [], [], [0]
    for row in rows:
        for col, value in row.items():
            if value > 0:
                cols.append(col)
                data.append(value)
        starts.append(len(cols))
    return csr_matrix((data, cols, starts), shape=(len(rows), width), dtype=np.float64)


def weights(
    experts: Sequence[Candidate], learners: Sequence[Candidate], rules: PairingRules
) -> tuple[np.ndarray, dict[str, int]]:
    """The expert x learner weight matrix (before exclusions), and the area index."""
    areas = _index([*experts, *learners])
    know = _matrix([{areas[a]: s for a, s in e.expertise.items()} for e in experts], len(areas))
    want_rows = []
    for learner in learners:
        row = {areas[a]: n for a, n in learner.needs.items()}
        for area in learner.interests:
            row[areas[area]] = row.get(areas[area], 0.0) + rules.interest
        want_rows.append(row)
    want = _matrix(want_rows, len(areas))
    return np.asarray((know @ want.T).todense()), areas


def pair_round(
    people: Sequence[Candidate],
    *,
    recent: Mapping[frozenset[str], int] | None = None,
    rules: PairingRules = PairingRules(),
) -> Round:
    """One round. `recent` maps a pair of keys to how many rounds ago they were paired."""
    recent = recent or {}
    experts = [p for p in people if p.capacity > 0 and p.expertise]
    learners = [p for p in people if p.needs or p.interests]
    if not experts or not learners:
        return Round((), tuple(p.key for p in learners), 0.0)
    base, _ = weights(experts, learners, rules)
    base = _exclude(base, experts, learners, recent, rules)
    bonus = float(base.sum()) + 1.0
    starving = np.array([person.waited >= rules.max_wait for person in learners])
    scored = base + np.where((base > 0) & starving[np.newaxis, :], bonus, 0.0)
    row_of = np.repeat(np.arange(len(experts)), [e.capacity for e in experts])
    rows, cols = linear_sum_assignment(scored[row_of], maximize=True)
    return _round(experts, learners, base, row_of[rows], cols, rules)


def _exclude(
    base: np.ndarray,
    experts: Sequence[Candidate],
    learners: Sequence[Candidate],
    recent: Mapping[frozenset[str], int],
    rules: PairingRules,
) -> np.ndarray:
    column = {person.key: j for j, person in enumerate(learners)}
    row = {person.key: i for i, person in enumerate(experts)}
    for key, i in row.items():
        if key in column:
            base[i, column[key]] = 0.0
    for pair, ago in recent.items():
        if ago < rules.cooldown and len(pair) == 2:
            a, b = tuple(pair)
            for expert, learner in ((a, b), (b, a)):
                if expert in row and learner in column:
                    base[row[expert], column[learner]] = 0.0
    if not rules.cross_team:
        teams_e = np.array([person.team for person in experts], dtype=object)
        teams_l = np.array([person.team for person in learners], dtype=object)
        base[teams_e[:, np.newaxis] != teams_l[np.newaxis, :]] = 0.0
    return base


def _best_area(expert: Candidate, learner: Candidate, rules: PairingRules) -> str:
    def share(area: str) -> float:
        want = learner.needs.get(area, 0.0) + (rules.interest if area in learner.interests else 0)
        return expert.expertise.get(area, 0.0) * want

    return max(sorted(expert.expertise), key=share)


def _round(
    experts: Sequence[Candidate],
    learners: Sequence[Candidate],
    base: np.ndarray,
    expert_rows: np.ndarray,
    cols: np.ndarray,
    rules: PairingRules,
) -> Round:
    pairs = []
    matched: set[int] = set()
    for i, j in zip(expert_rows.tolist(), cols.tolist(), strict=True):
        if base[i, j] <= 0:
            continue
        matched.add(j)
        expert, learner = experts[i], learners[j]
        area = _best_area(expert, learner, rules)
        pairs.append(Pair(expert.key, learner.key, area, float(base[i, j])))
    pairs.sort(key=lambda p: (p.expert, p.learner))
    unmatched = tuple(p.key for j, p in enumerate(learners) if j not in matched)
    return Round(tuple(pairs), unmatched, float(sum(p.weight for p in pairs)))
