"""The knowledge-spread estimate of a plan beside the most-voted baseline, per repository
(engines.planning.spread; its ASSUMPTION is shown with the figures)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from peerlearn.engines.planning import PlanItem, estimate
from peerlearn.planning.knowledge import TeamKnowledge


def spread_by_repository(
    knowledge: TeamKnowledge, items: Iterable[PlanItem]
) -> list[dict[str, Any]]:
    """One row per repository with a map: its name and the estimate's figures."""
    shown = list(items)
    return [
        {"repository": repository.name, **asdict(estimate(repository.authors_by_file, shown))}
        for repository in knowledge.repositories
    ]


def side_by_side(
    proposal: list[dict[str, Any]], baseline: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Rows of (repository, the proposal's figures, the baseline's) for the plan page."""
    stored = {row["repository"]: row for row in baseline.get("repositories", [])}
    return [
        {"repository": row["repository"], "plan": row, "baseline": stored.get(row["repository"])}
        for row in proposal
    ]
