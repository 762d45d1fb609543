"""The backlog's documented order (engines/gaps/priority.py)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from peerlearn.engines.gaps.priority import SOURCE_WEIGHTS, PriorityInput, priority


def score(**kwargs: object) -> float:
    fields: dict[str, object] = {"votes": 0, "source": "other", "days_open": 0.0}
    fields.update(kwargs)
    return priority(PriorityInput(**fields)).score  # type: ignore[arg-type]


def test_a_new_unvoted_gap_scores_one() -> None:
    assert score() == 1.0


def test_each_vote_counts_but_less_than_the_one_before() -> None:
    scores = [score(votes=v) for v in range(6)]
    assert scores == sorted(scores)
    steps = [b - a for a, b in itertools.pairwise(scores)]
    assert steps == sorted(steps, reverse=True)


def test_waiting_adds_up_to_half_after_two_months() -> None:
    assert score(days_open=30) == 1.25
    assert score(days_open=60) == score(days_open=600) == 1.5


def test_sources_signals_and_importance_multiply() -> None:
    assert score(source="post_mortem") == 1.5
    assert score(source="post_mortem", signal_strength=1.0, importance=2) == 6.0
    assert score(importance=0) == 0.5
    assert score(source="made-up") == 1.0


def test_the_explanation_names_every_part() -> None:
    text = priority(PriorityInput(votes=2, source="onboarding", days_open=10)).explain()
    for part in ("votes", "source x1.30", "waiting", "signal", "importance"):
        assert part in text


@given(
    st.integers(-5, 10_000),
    st.sampled_from(sorted(SOURCE_WEIGHTS)),
    st.floats(-10, 10_000, allow_nan=False),
    st.floats(-1, 2, allow_nan=False),
    st.integers(-1, 3),
)
def test_scores_are_positive_and_grow_with_votes(
    votes: int, source: str, days: float, strength: float, importance: int
) -> None:
    base = PriorityInput(votes, source, days, strength, importance)
    more = PriorityInput(max(votes, 0) + 1, source, days, strength, importance)
    assert 0 < priority(base).score < priority(more).score
