"""What the planner reads and writes: people, slots, topics, and a proposed plan.

Plain frozen data keyed by strings (the app passes user ids as text), so the engines
never see a database row and a plan is the same for the same input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# The four session formats (engines.schedule.formats keys).
DEEP_DIVE = "deep_dive"
PAIRING = "pairing"
CODE_REVIEW = "code_review_twist"
LUNCH_AND_LEARN = "lunch_and_learn"


class TopicKind(StrEnum):
    ISLAND = "island"  # code only one person knows (the knowledge map)
    NEW_TECH = "new_tech"  # a library or tool the team just adopted
    BUG_CLUSTER = "bug_cluster"  # bugs that keep coming back in one place
    PRACTICE = "practice"  # a broad practice: testing, incident response, ...
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    name: str
    time_zone: str = "UTC"
    working_hours: tuple[int, int] = (9, 18)  # local hours a session may start in
    away: frozenset[dt.date] = frozenset()  # out-of-office days
    led: tuple[dt.date, ...] = ()  # sessions they facilitated, any order
    co_led: tuple[dt.date, ...] = ()  # sessions they co-facilitated
    newcomer: bool = False  # joined recently: co-facilitates once before leading
    facilitates: bool = True  # False: never asked to facilitate (they said so)

    @property
    def ready_to_lead(self) -> bool:
        return not self.newcomer or bool(self.led) or bool(self.co_led)


@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    starts_at: dt.datetime  # timezone-aware
    minutes: int = 60


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    title: str
    kind: TopicKind = TopicKind.OTHER
    area: str = ""  # a code area ("billing/") or a theme; "" for none
    priority: float = 1.0  # the backlog's score
    votes: int = 0
    teachers: tuple[str, ...] = ()  # who can teach it, best first; () means anyone
    # Islands: each author's share of the area (0..1); learners change it but author none.
    author_share: Mapping[str, float] = field(default_factory=dict)
    learners: tuple[str, ...] = ()
    format_hint: str = ""  # a format the gap asked for, if any


@dataclass(frozen=True, slots=True)
class PlanItem:
    slot: Slot
    topic: Topic
    format: str
    facilitator: str
    co_facilitator: str | None
    audience: tuple[str, ...]  # the pair's learners or those invited first; () = the team
    reason: str
    fixed: bool = False  # accepted earlier: re-planning keeps it as it is


@dataclass(frozen=True, slots=True)
class Unfilled:
    slot: Slot
    reason: str


@dataclass(frozen=True, slots=True)
class Keeper:
    person: str
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[PlanItem, ...]
    unfilled: tuple[Unfilled, ...]  # slots the plan could not fill, each with why
    keepers: tuple[Keeper, ...]
    left_out: tuple[Topic, ...]  # topics that did not fit in the horizon
