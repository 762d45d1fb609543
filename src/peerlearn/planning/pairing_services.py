"""Every write to pairing rounds: run a round, and answer a pairing.

A round pairs experts and learners of the team by the exact matching of
engines.planning.pairing, from the team's knowledge maps (who authors an area, who
changes it without authoring it) and the areas of the gaps people voted for. Earlier
rounds give the cooldown (pairs that met recently are not paired again) and how long
each learner has waited. A decline re-matches at once: the learner, and whatever the
expert has free, go back into a matching of the round's people still without a pair,
without the pair that was declined (nor any other pair of this round).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace

from django.core.exceptions import ValidationError
from django.db import transaction

from peerlearn.audit.services import audit_record
from peerlearn.engines.planning import Candidate, PairingRules, Round, pair_round
from peerlearn.gaps.services import in_team
from peerlearn.people.models import Team, User
from peerlearn.planning.inputs import key_of, pairing_candidates
from peerlearn.planning.knowledge import team_knowledge
from peerlearn.planning.models import Pairing, PairingRound, PairingStatus

HISTORY_ROUNDS = 20  # earlier rounds read for the cooldown and the waits
CAPACITY_MAX = 5
COOLDOWN_MAX = 20
ACCEPT, DECLINE = "accept", "decline"
THIS_ROUND = -1  # "rounds ago" of pairs already made this round: never again in it


def check_rules(rules: PairingRules, capacity: int) -> None:
    errors: dict[str, list[str]] = {}
    if not 1 <= capacity <= CAPACITY_MAX:
        errors["capacity"] = [f"An expert takes 1 to {CAPACITY_MAX} learners a round."]
    if not 0 <= rules.cooldown <= COOLDOWN_MAX:
        errors["cooldown"] = [f"A cooldown of 0 to {COOLDOWN_MAX} rounds."]
    if not 0 <= rules.max_wait <= COOLDOWN_MAX:
        errors["max_wait"] = [f"0 to {COOLDOWN_MAX} rounds."]
    if errors:
        raise ValidationError(errors)


def _earlier(team: Team, before: int | None = None) -> list[PairingRound]:
    rounds = PairingRound.objects.filter(team=team)
    if before is not None:
        rounds = rounds.filter(number__lt=before)
    return list(rounds.order_by("-number").prefetch_related("pairings")[:HISTORY_ROUNDS])


def recent_pairs(rounds: Sequence[PairingRound]) -> dict[frozenset[str], int]:
    """Pair -> how many rounds ago it was made (0: the round before this one)."""
    recent: dict[frozenset[str], int] = {}
    for ago, earlier in enumerate(rounds):
        for pairing in earlier.pairings.all():
            pair = frozenset((key_of(pairing.expert_id), key_of(pairing.learner_id)))
            recent.setdefault(pair, ago)
    return recent


def waits(rounds: Sequence[PairingRound]) -> dict[str, int]:
    """Rounds in a row (the latest first) each person went without a pair as a learner."""
    waited: Counter[str] = Counter()
    still: set[str] | None = None
    for earlier in rounds:
        left = {key_of(pk) for pk in earlier.unmatched}
        still = left if still is None else still & left
        if not still:
            break
        waited.update(still)
    return dict(waited)


@transaction.atomic
def pairing_round_run(
    *, team: Team, actor: User, rules: PairingRules | None = None, capacity: int = 1
) -> PairingRound:
    rules = rules or PairingRules()
    check_rules(rules, capacity)
    if not in_team(team, actor):
        raise ValidationError(f"{actor.name} is not in {team.name}.")
    # One round at a time per team: the last round's row is locked while this one is made.
    last = PairingRound.objects.select_for_update().filter(team=team).order_by("-number").first()
    rounds = _earlier(team)
    rules = replace(rules, cross_team=True)  # one team's people: the rule has nothing to do
    candidates = pairing_candidates(
        team, team_knowledge(team), capacity=capacity, waited=waits(rounds)
    )
    result = pair_round(candidates, recent=recent_pairs(rounds), rules=rules)
    made = PairingRound.objects.create(
        team=team,
        number=(last.number if last else 0) + 1,
        created_by=actor,
        rules={**asdict(rules), "capacity": capacity},
        unmatched=[int(k) for k in result.unmatched],
    )
    _store(made, result)
    audit_record(
        actor=actor,
        organisation=team.organisation_id,
        action="pairing.round",
        target=made,
        details={"pairs": len(result.pairs), "unmatched": len(result.unmatched)},
    )
    return made


def _store(made: PairingRound, result: Round) -> list[Pairing]:
    return Pairing.objects.bulk_create(
        Pairing(
            round=made,
            team_id=made.team_id,
            expert_id=int(pair.expert),
            learner_id=int(pair.learner),
            area=pair.area[:300],
            weight=pair.weight,
        )
        for pair in result.pairs
    )


@transaction.atomic
def pairing_respond(*, pairing: Pairing, person: User, answer: str) -> Pairing:
    """The expert's or the learner's answer; both yes: accepted; either no: declined, and
    the round re-matches the people left without a pair."""
    if answer not in (ACCEPT, DECLINE):
        raise ValidationError({"answer": ["Answer accept or decline."]})
    locked = Pairing.objects.select_for_update().select_related("round").get(pk=pairing.pk)
    if person.pk not in (locked.expert_id, locked.learner_id):
        raise ValidationError("Only the two people of a pairing accept or decline it.")
    if locked.status != PairingStatus.PROPOSED:
        raise ValidationError(f"This pairing is {locked.get_status_display().lower()} already.")
    side = "expert_answer" if person.pk == locked.expert_id else "learner_answer"
    setattr(locked, side, answer)
    if answer == DECLINE:
        locked.status = PairingStatus.DECLINED
    elif locked.expert_answer == ACCEPT and locked.learner_answer == ACCEPT:
        locked.status = PairingStatus.ACCEPTED
    locked.save(update_fields=[side, "status"])
    audit_record(
        actor=person,
        organisation=locked.round.team.organisation_id,
        action=f"pairing.{answer}",
        target=locked,
    )
    if locked.status == PairingStatus.DECLINED:
        rematch(locked.round)
    return locked


def rematch(made: PairingRound) -> list[Pairing]:
    """Match the round's learners still without a pair to its experts' free capacity."""
    locked = PairingRound.objects.select_for_update().select_related("team").get(pk=made.pk)
    pairings = list(locked.pairings.all())
    live = [p for p in pairings if p.status != PairingStatus.DECLINED]
    busy = Counter(key_of(p.expert_id) for p in live)
    paired = {key_of(p.learner_id) for p in live}
    waiting = {key_of(pk) for pk in locked.unmatched}
    waiting |= {key_of(p.learner_id) for p in pairings if p.status == PairingStatus.DECLINED}
    waiting -= paired
    capacity = int(locked.rules.get("capacity", 1))
    rules = PairingRules(
        **{k: v for k, v in locked.rules.items() if k in PairingRules.__dataclass_fields__}
    )
    everyone = pairing_candidates(
        locked.team, team_knowledge(locked.team), capacity=capacity, waited={}
    )
    pool = list(_pool(everyone, busy, waiting, capacity))
    recent = recent_pairs(_earlier(locked.team, before=locked.number))
    for p in pairings:
        recent[frozenset((key_of(p.expert_id), key_of(p.learner_id)))] = THIS_ROUND
    result = pair_round(pool, recent=recent, rules=rules)
    matched = {pair.learner for pair in result.pairs}
    locked.unmatched = sorted(int(k) for k in waiting - matched)
    locked.save(update_fields=["unmatched"])
    return _store(locked, result)


def _pool(
    everyone: Iterable[Candidate], busy: Counter[str], waiting: set[str], capacity: int
) -> Iterable[Candidate]:
    for person in everyone:
        free = max(capacity - busy[person.key], 0)
        learns = person.key in waiting
        if not free and not learns:
            continue
        yield replace(
            person,
            expertise=person.expertise if free else {},
            capacity=free,
            needs=person.needs if learns else {},
            interests=person.interests if learns else frozenset(),
        )
