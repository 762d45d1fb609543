"""Planning: who teaches what and when, fairly, and who pairs with whom.

Pure Python (and SciPy for the matching), no Django: the planning app turns teams,
gaps and knowledge maps into these inputs and stores what a lead accepts.

- `planner.propose(slots, people, topics, fixed=..., options=...)` -> `Plan`
- `rotation.Rotation`: fair turns and knowledge keepers
- `topics`: topic order with areas taking turns, the format each topic is best taught in
- `pairing.pair_round(candidates, recent=..., rules=...)` -> `Round`
- `spread.estimate(authors_by_file, plan.items)` -> `Spread`
"""

from __future__ import annotations

from .errors import PlanningError
from .model import (
    CODE_REVIEW,
    DEEP_DIVE,
    LUNCH_AND_LEARN,
    PAIRING,
    Keeper,
    Person,
    Plan,
    PlanItem,
    Slot,
    Topic,
    TopicKind,
    Unfilled,
)
from .pairing import Candidate, Pair, PairingRules, Round, pair_round
from .planner import PlanOptions, propose
from .spread import ASSUMPTION, Spread, estimate

__all__ = [
    "ASSUMPTION",
    "CODE_REVIEW",
    "DEEP_DIVE",
    "LUNCH_AND_LEARN",
    "PAIRING",
    "Candidate",
    "Keeper",
    "Pair",
    "PairingRules",
    "Person",
    "Plan",
    "PlanItem",
    "PlanOptions",
    "PlanningError",
    "Round",
    "Slot",
    "Spread",
    "Topic",
    "TopicKind",
    "Unfilled",
    "estimate",
    "pair_round",
    "propose",
]
