"""The quarter planner: fair turns, availability, newcomers, areas taking turns, formats
with reasons, accepted sessions kept, and clear messages when nothing fits."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.planning import (
    CODE_REVIEW,
    DEEP_DIVE,
    LUNCH_AND_LEARN,
    PAIRING,
    Person,
    PlanningError,
    PlanOptions,
    Slot,
    Topic,
    TopicKind,
    propose,
)

MONDAY = dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC)


def weekly(count: int, start: dt.datetime = MONDAY) -> list[Slot]:
    return [Slot(f"w{n}", start + dt.timedelta(weeks=n)) for n in range(count)]


def people(*names: str, **extra: object) -> list[Person]:
    return [Person(key=name.lower(), name=name, **extra) for name in names]  # type: ignore[arg-type]


def practice(key: str, priority: float = 1.0, votes: int = 0, area: str = "") -> Topic:
    return Topic(key, f"Topic {key}", TopicKind.PRACTICE, area=area, priority=priority, votes=votes)


def test_everyone_leads_once_before_anyone_leads_twice_and_never_twice_in_a_row() -> None:
    team = people("Ana", "Bo", "Cy", "Di")
    topics = [practice(f"t{n}", priority=10 - n) for n in range(8)]
    plan = propose(weekly(8), team, topics, options=PlanOptions(max_share=0.5))
    leads = [item.facilitator for item in plan.items]
    assert len(leads) == 8
    assert plan.unfilled == ()
    assert sorted(leads[:4]) == ["ana", "bo", "cy", "di"]
    assert all(a != b for a, b in itertools.pairwise(leads))
    assert [item.topic.key for item in plan.items] == [f"t{n}" for n in range(8)]


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(2, 7),
    slots=st.integers(1, 13),
    share=st.sampled_from([0.2, 0.25, 0.34, 0.5]),
    seed=st.integers(0, 1000),
    away=st.sets(st.integers(0, 12), max_size=4),
)
def test_fairness_invariants(
    size: int, slots: int, share: float, seed: int, away: set[int]
) -> None:
    horizon = weekly(slots)
    away_days = frozenset(horizon[n].starts_at.date() for n in away if n < slots)
    team = [
        Person(f"p{n}", f"P{n}", away=away_days if n == 0 else frozenset()) for n in range(size)
    ]
    topics = [practice(f"t{n}") for n in range(slots)]
    options = PlanOptions(max_share=share, seed=seed, window_days=400)
    plan = propose(horizon, team, topics, options=options)
    leads = [item.facilitator for item in plan.items]
    assert all(a != b for a, b in itertools.pairwise(leads))
    for item in plan.items:
        if item.facilitator == "p0":
            assert item.slot.starts_at.date() not in away_days
    # Over any prefix: nobody is above the cap, and nobody who was free went without a
    # turn while someone else had two more.
    counts: Counter[str] = Counter()
    for number, lead in enumerate(leads, start=1):
        counts[lead] += 1
        assert counts[lead] <= max(1, int(share * number))
    assert len(plan.items) + len(plan.unfilled) == slots
    for gap in plan.unfilled:
        assert gap.reason  # never silent
    assert propose(horizon, team, topics, options=options) == plan  # deterministic


def test_availability_time_zones_and_away_days() -> None:
    tokyo = Person("kei", "Kei", time_zone="Asia/Tokyo")  # 14:00 UTC is 23:00 there
    away = Person("ana", "Ana", away=frozenset({MONDAY.date()}))
    bo = Person("bo", "Bo")
    plan = propose(weekly(1), [tokyo, away, bo], [practice("t")])
    assert plan.items[0].facilitator == "bo"
    nobody = propose(weekly(1), [tokyo, away], [practice("t")])
    assert nobody.items == ()
    (gap,) = nobody.unfilled
    assert "Ana is away" in gap.reason
    assert "Kei works 9:00-18:00 in Asia/Tokyo" in gap.reason


def test_a_newcomer_co_facilitates_before_leading() -> None:
    team = [
        Person("ana", "Ana", led=(dt.date(2026, 11, 2),)),
        Person("bo", "Bo", led=(dt.date(2026, 12, 1),)),
        Person("new", "Nia", newcomer=True),
    ]
    topics = [practice(f"t{n}") for n in range(3)]
    plan = propose(weekly(3), team, topics, options=PlanOptions(max_share=1.0))
    first = plan.items[0]
    assert (first.facilitator, first.co_facilitator) == ("ana", "new")
    assert "Nia co-facilitates (new to the team)" in first.reason
    assert plan.items[1].facilitator == "new"  # after one co-facilitation, she leads


def test_formats_follow_the_topic_and_reasons_name_the_people() -> None:
    team = people("Alice", "Bob", "Chen", "Dana")
    island = Topic(
        "billing",
        "Billing internals",
        TopicKind.ISLAND,
        area="billing/",
        priority=5,
        teachers=("alice",),
        author_share={"alice": 0.92},
        learners=("bob", "chen"),
    )
    big_island = Topic(
        "search",
        "Search",
        TopicKind.ISLAND,
        area="search/",
        priority=4.5,
        teachers=("dana",),
        author_share={"dana": 0.7},
        learners=("alice", "bob", "chen"),
    )
    tech = Topic("htmx", "htmx", TopicKind.NEW_TECH, priority=4)
    bugs = Topic("tz", "Time-zone bugs", TopicKind.BUG_CLUSTER, area="calendar/", priority=3)
    talk = practice("tests", priority=2)
    plan = propose(
        weekly(5), team, [island, big_island, tech, bugs, talk], options=PlanOptions(max_share=0.5)
    )
    by_topic = {item.topic.key: item for item in plan.items}
    assert by_topic["billing"].format == PAIRING
    assert by_topic["billing"].facilitator == "alice"
    assert by_topic["billing"].audience == ("bob", "chen")
    assert by_topic["billing"].reason.startswith(
        "Alice authors 92 % of billing/; Bob and Chen change it often but author none of it."
    )
    assert by_topic["search"].format == DEEP_DIVE
    assert by_topic["search"].facilitator == "dana"
    assert by_topic["htmx"].format == PAIRING
    assert by_topic["tz"].format == CODE_REVIEW
    assert by_topic["tests"].format == LUNCH_AND_LEARN
    keepers = {k.person: k.reason for k in plan.keepers}
    assert "the only one who can teach Billing internals" in keepers["alice"]


def test_areas_take_turns() -> None:
    topics = [
        practice("b1", 9, area="billing/"),
        practice("b2", 8, area="billing/"),
        practice("b3", 7, area="billing/"),
        practice("s1", 2, area="search/"),
    ]
    plan = propose(weekly(3), people("Ana", "Bo", "Cy"), topics)
    assert [i.topic.key for i in plan.items] == ["b1", "s1", "b2"]
    baseline = propose(
        weekly(3), people("Ana", "Bo", "Cy"), topics, options=PlanOptions(most_voted=True)
    )
    assert [i.topic.area for i in baseline.items] == ["billing/"] * 3


def test_accepted_sessions_stay_when_replanning() -> None:
    team = people("Ana", "Bo", "Cy", "Di")
    topics = [practice(f"t{n}", priority=10 - n) for n in range(4)]
    first = propose(weekly(4), team, topics)
    kept = first.items[1]
    again = propose(weekly(4), team, [practice("new", 99), *topics], fixed=[kept])
    assert again.items[1].fixed
    assert again.items[1].topic == kept.topic
    assert again.items[1].facilitator == kept.facilitator
    assert again.items[0].topic.key == "new"
    assert kept.topic.key not in [i.topic.key for i in again.items if not i.fixed]


def test_clear_errors_when_no_plan_is_possible() -> None:
    with pytest.raises(PlanningError, match="no slots"):
        propose([], people("Ana"), [practice("t")])
    with pytest.raises(PlanningError, match="Nobody in the team may facilitate"):
        propose(weekly(1), [Person("a", "A", facilitates=False)], [practice("t")])
    plan = propose(weekly(2), people("Ana", "Bo"), [practice("only")])
    assert len(plan.items) == 1
    assert plan.unfilled[0].reason == "No topic is left in the backlog for this slot."
    lone = Topic("x", "X", teachers=("gone",))
    assert (
        "nobody who can teach it is in the team"
        in propose(weekly(1), people("Ana"), [lone]).unfilled[0].reason
    )
