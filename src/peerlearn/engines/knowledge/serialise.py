"""A KnowledgeMap as JSON-ready data (for `peerlearn analyze --format json` and APIs)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from .analysis import KnowledgeMap
from .statements import (
    knowledge_loss_sentence,
    literal_truck_factor_sentence,
    reference_truck_factor_sentence,
)
from .visible import visible_data


def _iso(timestamp: int) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None


def statements(knowledge: KnowledgeMap) -> dict[str, str]:
    """The one-sentence answers (statements.py), naming people by their git names."""
    names = {person.key: person.name for person in knowledge.people}
    factor = knowledge.truck_factor
    loss = knowledge.knowledge_loss
    removed = [names.get(key, key) for key in factor.removed]
    dropped = [names.get(k, k) for k in factor.removed if k not in factor.reference_people]
    return {
        "knowledge_loss": knowledge_loss_sentence(
            loss.files_without_active_author, loss.total_files
        ),
        "truck_factor": literal_truck_factor_sentence(
            removed, factor.orphaned, factor.total_files, factor.files_without_author
        ),
        "reference_truck_factor": reference_truck_factor_sentence(
            [names.get(key, key) for key in factor.reference_people], dropped
        ),
    }


def map_to_dict(knowledge: KnowledgeMap, *, files: bool = True) -> dict[str, Any]:
    # One pass over the files, not one per person: big repositories have thousands of both.
    authored: dict[str, int] = {}
    for entry in knowledge.files:
        for person in entry.authors:
            authored[person] = authored.get(person, 0) + 1
    active = set(knowledge.active_people)
    data: dict[str, Any] = {
        "tip": knowledge.tip,
        "reference_time": knowledge.reference_time.isoformat(),
        "active_since": knowledge.active_since.isoformat(),
        "commits_analysed": knowledge.commits_analysed,
        "truck_factor": asdict(knowledge.truck_factor),
        "people": [
            {
                **asdict(person),
                "first_commit_at": _iso(person.first_commit_at),
                "last_commit_at": _iso(person.last_commit_at),
                "active": person.key in active,
                "files_authored": authored.get(person.key, 0),
            }
            for person in knowledge.people
        ],
        "islands": [
            {**asdict(island), "last_change_at": _iso(island.last_change_at)}
            for island in knowledge.islands
        ],
        "directories": [
            {**asdict(d), "last_change_at": _iso(d.last_change_at)} for d in knowledge.directories
        ],
        "knowledge_loss": asdict(knowledge.knowledge_loss),
        "statements": statements(knowledge),
        "excluded_files": knowledge.excluded_files,
        "exclusion_rules": knowledge.exclusion_rules,
        "bots": list(knowledge.bots),
        "bot_rules": [asdict(bot) for bot in knowledge.bot_details],
        "left_out": [asdict(entry) for entry in knowledge.left_out],
    }
    if files:
        data["files"] = [
            {
                "path": entry.path,
                "size": entry.size,
                "changes": entry.changes,
                "last_change_at": _iso(entry.last_change_at),
                "authors": list(entry.authors),
                "main_author": entry.main_author,
                "authorships": [asdict(a) for a in entry.authorships],
            }
            for entry in knowledge.files
        ]
    # Paths and names are shown as text: undecodable bytes and control characters escaped.
    return visible_data(data)  # type: ignore[no-any-return]
