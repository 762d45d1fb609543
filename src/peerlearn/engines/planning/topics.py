"""Which topics a plan takes, in what order, and in which format each is best taught.

Topics come from the gap backlog in priority order, but areas take turns: a topic whose
area was among the last `spacing` picks waits while another area's topic is available,
and no area takes more than `area_share` of the slots while others wait. When only one
area is left the rule gives way (a plan with a repeat beats an empty slot) and the
reason says so.

Formats follow what is being taught:
- a knowledge island: a Deep Dive by its main author, or Pairing of the author with
  the learners when they are two or fewer;
- a new library or tool: Pairing, exploring it together;
- a recurring bug cluster: Code Review with a Twist, on the fixes;
- a broad practice (or anything else): Lunch & Learn, unless the gap asked for a format.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import CODE_REVIEW, DEEP_DIVE, LUNCH_AND_LEARN, PAIRING, Topic, TopicKind

FORMATS = (DEEP_DIVE, PAIRING, CODE_REVIEW, LUNCH_AND_LEARN)
PAIR_LEARNERS = 2  # an island with at most this many learners is paired, not presented


@dataclass(frozen=True, slots=True)
class Recommendation:
    format: str
    why: str
    audience: tuple[str, ...]


def _names(keys: Sequence[str], names: Mapping[str, str]) -> str:
    shown = [names.get(k, k) for k in keys]
    if len(shown) <= 1:
        return "".join(shown)
    if len(shown) > 3:
        return f"{', '.join(shown[:3])} and {len(shown) - 3} more"
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def island_reason(topic: Topic, names: Mapping[str, str]) -> str:
    where = topic.area or topic.title
    if topic.author_share:
        author, share = max(topic.author_share.items(), key=lambda kv: (kv[1], kv[0]))
        said = f"{names.get(author, author)} authors {round(share * 100)} % of {where}"
    else:
        said = f"{where} has a single author"
    if topic.learners:
        verb = "changes" if len(topic.learners) == 1 else "change"
        said += f"; {_names(topic.learners, names)} {verb} it often but author none of it"
    return said


def recommend(topic: Topic, names: Mapping[str, str]) -> Recommendation:
    if topic.format_hint in FORMATS:
        return Recommendation(topic.format_hint, "the format the gap asked for", ())
    if topic.kind is TopicKind.ISLAND:
        why = island_reason(topic, names)
        if topic.learners and len(topic.learners) <= PAIR_LEARNERS:
            return Recommendation(PAIRING, why, topic.learners)
        return Recommendation(DEEP_DIVE, why, topic.learners)
    if topic.kind is TopicKind.NEW_TECH:
        return Recommendation(PAIRING, f"new to the team: explore {topic.title} together", ())
    if topic.kind is TopicKind.BUG_CLUSTER:
        where = f" in {topic.area}" if topic.area else ""
        return Recommendation(CODE_REVIEW, f"bugs keep coming back{where}: review the fixes", ())
    return Recommendation(LUNCH_AND_LEARN, "a broad practice, for everyone", ())


def by_priority(topics: Sequence[Topic]) -> list[Topic]:
    """Highest score first; then more votes, then the key (a stable order)."""
    return sorted(topics, key=lambda t: (-t.priority, -t.votes, t.key))


def by_votes(topics: Sequence[Topic]) -> list[Topic]:
    """Most votes first (the baseline a plan is compared with); then score, then key."""
    return sorted(topics, key=lambda t: (-t.votes, -t.priority, t.key))


class AreaRotation:
    """Picks the next topic: by priority, areas taking turns (see the module doc)."""

    def __init__(
        self,
        topics: Sequence[Topic],
        slots: int,
        *,
        spacing: int,
        area_share: float,
        most_voted: bool = False,
    ) -> None:
        self.waiting = by_votes(topics) if most_voted else by_priority(topics)
        self.recent: list[str] = []
        self.taken: Counter[str] = Counter()
        self.spacing = spacing
        self.cap = max(1, math.ceil(area_share * slots))

    def _fits(self, topic: Topic) -> bool:
        if not topic.area:
            return True
        recently = self.recent[-self.spacing :] if self.spacing > 0 else []
        return topic.area not in recently and self.taken[topic.area] < self.cap

    def candidates(self) -> list[tuple[Topic, str]]:
        """Topics in the order to try them, each with a note when it bent the rule."""
        fitting = [(t, "") for t in self.waiting if self._fits(t)]
        bending = [(t, "its area had a turn recently") for t in self.waiting if not self._fits(t)]
        return fitting + bending

    def take(self, topic: Topic) -> None:
        self.waiting.remove(topic)
        self.recent.append(topic.area)
        if topic.area:
            self.taken[topic.area] += 1

    def note_fixed(self, topic: Topic) -> None:
        """An accepted session's topic counts for the areas' turns too."""
        if topic in self.waiting:
            self.waiting.remove(topic)
        self.recent.append(topic.area)
        if topic.area:
            self.taken[topic.area] += 1
