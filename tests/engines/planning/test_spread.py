"""The knowledge-spread estimate: who becomes an author, and the truck factor after."""

from __future__ import annotations

import datetime as dt

from peerlearn.engines.planning import (
    DEEP_DIVE,
    LUNCH_AND_LEARN,
    PAIRING,
    PlanItem,
    Slot,
    Topic,
    TopicKind,
    estimate,
)

SLOT = Slot("w0", dt.datetime(2027, 1, 4, 14, tzinfo=dt.UTC))
FILES = {
    "billing/a.py": {"alice"},
    "billing/b.py": {"alice"},
    "billing/c.py": {"erin"},
    "billingx/d.py": {"alice"},  # another area that only starts with the same letters
    "search/e.py": {"dana"},
    "search/f.py": {"dana", "bob"},
}


def item(area: str, fmt: str, lead: str, audience: tuple[str, ...]) -> PlanItem:
    topic = Topic(area, area, TopicKind.ISLAND, area=area)
    return PlanItem(SLOT, topic, fmt, lead, None, audience, "")


def test_pairing_makes_the_learner_an_author_of_the_leads_files_in_the_area() -> None:
    spread = estimate(FILES, [item("billing/", PAIRING, "alice", ("bob",))])
    assert spread.files_gaining_second_author == 2  # a.py, b.py; not c.py, not billingx/
    assert spread.areas_gaining_second_author == 1
    assert spread.files == 6


def test_talks_are_not_counted_and_deep_dives_are() -> None:
    talk = estimate(FILES, [item("billing/", LUNCH_AND_LEARN, "alice", ("bob", "chen"))])
    assert talk.files_gaining_second_author == 0
    dive = estimate(FILES, [item("search/", DEEP_DIVE, "dana", ("alice", "chen"))])
    assert dive.files_gaining_second_author == 1  # e.py; f.py had two authors already


def test_the_truck_factor_rises_when_islands_gain_authors() -> None:
    files = {f"billing/{n}.py": {"alice"} for n in range(6)} | {"ui/x.js": {"bob"}}
    before = estimate(files, [])
    after = estimate(files, [item("billing/", PAIRING, "alice", ("bob",))])
    assert (before.truck_factor_before, before.truck_factor_after) == (1, 1)
    assert after.truck_factor_after == 2 > after.truck_factor_before
