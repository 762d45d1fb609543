"""A quarter's proposal for one team: for each slot a topic, a format, a lead (and a
newcomer beside them), who it is for, and one line saying why.

Slots are filled in time order. Accepted sessions (`fixed`) stay exactly as they are
and count for the rotation and the areas' turns. For each other slot the topics are
tried in the order of `topics.AreaRotation`; the first whose teachers include someone
`rotation.Rotation` can pick is placed. A slot nothing fits is returned in `unfilled`
with what stood in the way, never left out silently; topics past the horizon are in
`left_out`. `most_voted=True` gives the baseline the knowledge-spread estimate compares
with: topics by votes alone, no turns for areas, the same fair rotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .errors import PlanningError
from .model import Person, Plan, PlanItem, Slot, Topic, Unfilled
from .rotation import Rotation
from .topics import AreaRotation, recommend


@dataclass(frozen=True, slots=True)
class PlanOptions:
    max_share: float = 0.25  # of the sessions in the window one person may lead
    window_days: int = 91  # the rolling window fairness is counted over
    area_spacing: int = 1  # an area waits this many slots before its next topic
    area_share: float = 0.34  # of the slots one area may take while others wait
    seed: int = 0
    most_voted: bool = False


def _check(slots: Sequence[Slot], people: Sequence[Person]) -> None:
    if not slots:
        raise PlanningError("There are no slots to plan: choose a start, a weekday and a count.")
    if not any(p.facilitates for p in people):
        raise PlanningError(
            "Nobody in the team may facilitate: everyone has opted out, or the team is empty."
        )
    naive = [s.key for s in slots if s.starts_at.utcoffset() is None]
    if naive:
        raise PlanningError(f"Slots need a time zone: {', '.join(naive[:3])}.")


def propose(
    slots: Sequence[Slot],
    people: Sequence[Person],
    topics: Sequence[Topic],
    *,
    fixed: Sequence[PlanItem] = (),
    options: PlanOptions = PlanOptions(),
) -> Plan:
    _check(slots, people)
    names = {p.key: p.name for p in people}
    everyone = [p.key for p in sorted(people, key=lambda p: p.key)]
    pinned = {item.slot.key: item for item in fixed}
    pinned_topics = {item.topic.key for item in fixed}
    rotation = Rotation(
        people, max_share=options.max_share, window_days=options.window_days, seed=options.seed
    )
    areas = AreaRotation(
        [t for t in topics if t.key not in pinned_topics],
        len(slots),
        spacing=0 if options.most_voted else options.area_spacing,
        area_share=1.0 if options.most_voted else options.area_share,
        most_voted=options.most_voted,
    )
    items: list[PlanItem] = []
    unfilled: list[Unfilled] = []
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.key)):
        if slot.key in pinned:
            item = pinned[slot.key]
            rotation.record(slot, item.facilitator, item.co_facilitator)
            areas.note_fixed(item.topic)
            items.append(replace(item, slot=slot, fixed=True))
            continue
        placed, blocked = _place(slot, areas, rotation, names, everyone)
        if placed is not None:
            items.append(placed)
        else:
            unfilled.append(Unfilled(slot, blocked))
    last = max(s.starts_at for s in slots).date()
    keepers = rotation.keepers(last, topics, names)
    return Plan(tuple(items), tuple(unfilled), tuple(keepers), tuple(areas.waiting))


def _place(
    slot: Slot,
    areas: AreaRotation,
    rotation: Rotation,
    names: dict[str, str],
    everyone: list[str],
) -> tuple[PlanItem | None, str]:
    blocked: list[str] = []
    for topic, bent in areas.candidates():
        teachers = [t for t in topic.teachers if t in names] or ([] if topic.teachers else everyone)
        if not teachers:
            blocked.append(f"{topic.title}: nobody who can teach it is in the team")
            continue
        lead, note = rotation.choose_lead(slot, teachers)
        if lead is None:
            blocked.append(f"{topic.title}: {note}")
            continue
        co = rotation.choose_co(slot, lead)
        rotation.record(slot, lead, co)
        areas.take(topic)
        advice = recommend(topic, names)
        reason = f"{advice.why[0].upper()}{advice.why[1:]}. {names[lead]} leads ({note})"
        if topic.teachers:
            reason += f", one of {len(teachers)} who can teach it" if len(teachers) > 1 else ""
        if co is not None:
            reason += f"; {names[co]} co-facilitates (new to the team)"
        if bent:
            reason += f"; taken although {bent}: nothing else fitted"
        audience = tuple(k for k in advice.audience if k != lead and k != co)
        item = PlanItem(slot, topic, advice.format, lead, co, audience, reason + ".")
        return item, ""
    if not blocked:
        return None, "No topic is left in the backlog for this slot."
    shown = "; ".join(blocked[:3])
    more = f" (and {len(blocked) - 3} more topics)" if len(blocked) > 3 else ""
    return None, f"Nothing fits: {shown}{more}."
