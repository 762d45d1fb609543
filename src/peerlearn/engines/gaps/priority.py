"""The backlog's order: one documented score per gap, and why it is what it is.

    score = votes x source x waiting x signal x importance

- votes: 1 + 2·ln(1 + votes). Each vote counts, the tenth less than the first, so a
  popular gap rises without burying everything that is new.
- source: how costly not knowing tends to be. Post-mortems 1.5 (it already hurt),
  recurring bugs 1.4, onboarding 1.3, codebase islands 1.2, retrospectives, 1:1s,
  anonymous asks and others 1.0, new technologies 0.9 (often not urgent yet).
- waiting: 1 + 0.5·min(days open / 60, 1). A gap nobody took up rises slowly, up to
  half again after two months, so old asks are not forgotten.
- signal: 1 + strength (0..1) for gaps accepted from an automatic signal.
- importance: a lead's low (0.5), normal (1) or high (2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SOURCE_WEIGHTS: dict[str, float] = {
    "post_mortem": 1.5,
    "recurring_bugs": 1.4,
    "onboarding": 1.3,
    "codebase": 1.2,
    "retrospective": 1.0,
    "one_on_one": 1.0,
    "anonymous": 1.0,
    "other": 1.0,
    "new_technology": 0.9,
}
IMPORTANCE_WEIGHTS: dict[int, float] = {0: 0.5, 1: 1.0, 2: 2.0}
WAITING_DAYS = 60


@dataclass(frozen=True)
class PriorityInput:
    votes: int
    source: str
    days_open: float
    signal_strength: float = 0.0
    importance: int = 1


@dataclass(frozen=True)
class Priority:
    score: float
    votes: float
    source: float
    waiting: float
    signal: float
    importance: float

    def explain(self) -> str:
        return (
            f"votes x{self.votes:.2f}, source x{self.source:.2f}, waiting x{self.waiting:.2f}, "
            f"signal x{self.signal:.2f}, importance x{self.importance:.2f}"
        )


def priority(item: PriorityInput) -> Priority:
    votes = 1 + 2 * math.log1p(max(item.votes, 0))
    source = SOURCE_WEIGHTS.get(item.source, 1.0)
    waiting = 1 + 0.5 * min(max(item.days_open, 0.0) / WAITING_DAYS, 1.0)
    signal = 1 + min(max(item.signal_strength, 0.0), 1.0)
    importance = IMPORTANCE_WEIGHTS.get(item.importance, 1.0)
    return Priority(
        score=round(votes * source * waiting * signal * importance, 4),
        votes=votes,
        source=source,
        waiting=waiting,
        signal=signal,
        importance=importance,
    )
