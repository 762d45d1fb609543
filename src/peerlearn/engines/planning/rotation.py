"""Who facilitates: fair turns over a rolling window, and the knowledge keepers.

For each slot, in time order, the lead is chosen among the people who may teach its
topic (everyone, for a topic without named teachers) and who are free: not away that
day, the slot inside their working hours in their own time zone, not the lead of the
session just before (nobody leads twice in a row), and not above the share cap (over
the `window_days` before the slot, nobody leads more than `max_share` of the sessions,
with a floor of one). Among those, the one with the fewest leads in the window goes
first, then the one whose last lead is oldest (never comes first), so everyone
eligible gets a turn before anyone gets a second; a seeded shuffle breaks the ties.

Newcomers (joined recently, never led or co-led) co-facilitate once, beside an
experienced lead, before they are asked to lead; each slot offers at most one such
seat, to the newcomer who has waited longest.

Knowledge keepers are flagged, not forbidden: people whose share of the sessions in
the window is above the cap (from history: the plan itself never passes it), and
people who are the only one able to teach a topic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import Keeper, Person, Slot, Topic

_UTC = dt.UTC


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _UTC


class Rotation:
    def __init__(
        self,
        people: Sequence[Person],
        *,
        max_share: float,
        window_days: int,
        seed: int,
    ) -> None:
        if not 0 < max_share <= 1:
            raise ValueError("max_share must be above 0 and at most 1")
        self.people = {p.key: p for p in people}
        self.max_share = max_share
        self.window = dt.timedelta(days=window_days)
        self.seed = seed
        # Every session led, as (day, lead): history first, the plan's as it is built.
        self.leads: list[tuple[dt.date, str]] = sorted(
            (day, p.key) for p in people for day in p.led
        )
        self.co_leads: dict[str, int] = {p.key: len(p.co_led) for p in people}
        self.ready = {p.key for p in people if p.ready_to_lead}
        self.previous_lead: str | None = self.leads[-1][1] if self.leads else None

    # -- who is free ------------------------------------------------------------------
    def unavailable(self, key: str, slot: Slot) -> str | None:
        """Why `key` cannot take `slot` at all (None: they can)."""
        person = self.people.get(key)
        if person is None:
            return "is not in the team"
        if not person.facilitates:
            return "does not facilitate"
        local = slot.starts_at.astimezone(_zone(person.time_zone))
        if local.date() in person.away:
            return "is away"
        start, end = person.working_hours
        local_end = local + dt.timedelta(minutes=slot.minutes)
        ends_in_hours = local_end.date() == local.date() and (
            local_end.hour < end or (local_end.hour == end and local_end.minute == 0)
        )
        if not (start <= local.hour and ends_in_hours):
            return f"works {start}:00-{end}:00 in {person.time_zone}"
        return None

    def _window_counts(self, day: dt.date) -> tuple[dict[str, int], int]:
        since = day - self.window
        counts: dict[str, int] = defaultdict(int)
        total = 0
        for led_on, key in self.leads:
            if since < led_on <= day:
                counts[key] += 1
                total += 1
        return counts, total

    def _cap(self, total_with_this: int) -> int:
        return max(1, math.floor(self.max_share * total_with_this))

    def _last_led(self, key: str) -> dt.date:
        days = [day for day, lead in self.leads if lead == key]
        return max(days) if days else dt.date.min

    def _tie_break(self, slot: Slot, key: str) -> str:
        return hashlib.sha256(f"{self.seed}\0{slot.key}\0{key}".encode()).hexdigest()

    # -- choosing -----------------------------------------------------------------------
    def choose_lead(self, slot: Slot, candidates: Iterable[str]) -> tuple[str | None, str]:
        """The lead for `slot` among `candidates`, and a note: why them, or why nobody."""
        day = slot.starts_at.date()
        counts, total = self._window_counts(day)
        cap = self._cap(total + 1)
        free: list[str] = []
        refusals: list[str] = []
        for key in dict.fromkeys(candidates):
            name = self.people[key].name if key in self.people else key
            why = self.unavailable(key, slot)
            if why is None and key not in self.ready:
                why = "co-facilitates first (new to the team)"
            if why is None and key == self.previous_lead:
                why = "led the session before"
            if why is None and counts[key] + 1 > cap:
                why = f"has led {counts[key]} of the last {total} sessions (cap {cap})"
            if why is None:
                free.append(key)
            else:
                refusals.append(f"{name} {why}")
        if not free:
            return None, "; ".join(refusals) if refusals else "nobody may teach it"
        best = min(free, key=lambda k: (counts[k], self._last_led(k), self._tie_break(slot, k)))
        turns = counts[best]
        note = "first turn in the window" if turns == 0 else f"{turns} earlier in the window"
        return best, note

    def choose_co(self, slot: Slot, lead: str) -> str | None:
        """A newcomer to co-facilitate beside `lead`, if one is waiting and free."""
        waiting = [
            key
            for key, person in self.people.items()
            if key != lead
            and person.facilitates
            and key not in self.ready
            and self.unavailable(key, slot) is None
        ]
        if not waiting:
            return None
        return min(waiting, key=lambda k: (self.co_leads[k], self._tie_break(slot, k)))

    def record(self, slot: Slot, lead: str, co: str | None) -> None:
        self.leads.append((slot.starts_at.date(), lead))
        self.leads.sort()
        self.previous_lead = lead
        if co is not None:
            self.co_leads[co] = self.co_leads.get(co, 0) + 1
            self.ready.add(co)  # one co-facilitation, then they may lead

    # -- knowledge keepers ------------------------------------------------------------
    def keepers(
        self, until: dt.date, topics: Sequence[Topic], names: Mapping[str, str]
    ) -> list[Keeper]:
        counts, total = self._window_counts(until)
        found: dict[str, list[str]] = defaultdict(list)
        cap = self._cap(total)
        for key, count in sorted(counts.items()):
            if total and count > cap:
                found[key].append(
                    f"led {count} of the last {total} sessions "
                    f"({round(100 * count / total)} %, above {round(100 * self.max_share)} %)"
                )
        for topic in topics:
            teachers = [t for t in topic.teachers if t in self.people]
            if len(teachers) == 1:
                found[teachers[0]].append(f"the only one who can teach {topic.title}")
        return [
            Keeper(key, f"{names.get(key, key)}: " + "; ".join(reasons))
            for key, reasons in sorted(found.items())
        ]
