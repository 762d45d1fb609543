"""The three recurring slots a team can choose, each mapped to one RFC 5545 RRULE.

Each pattern knows two things: the first date on or after a start date that it meets
on (which becomes DTSTART, because RFC 5545 leaves a DTSTART outside the rule
undefined), and the RRULE parts that repeat it. Everything else — time of day, zone,
end, skips — belongs to the series. ``in_step_on_or_after`` jumps from one meeting to
the first one on or after a later day in constant time, so a series whose first date
is centuries before the engine's range starts at the range, in step with its rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal, TypedDict

from dateutil import rrule

from peerlearn.engines.schedule.bounds import LATEST_DAY, RANGE_TEXT
from peerlearn.engines.schedule.errors import ScheduleError


class Weekday(IntEnum):
    MO = 0
    TU = 1
    WE = 2
    TH = 3
    FR = 4
    SA = 5
    SU = 6

    @property
    def label(self) -> str:
        return dt.date(2024, 1, 1 + self.value).strftime("%A")  # 2024-01-01 is a Monday


class RRuleKwargs(TypedDict):
    """The keyword arguments of ``dateutil.rrule.rrule`` that a pattern sets."""

    freq: Literal[1, 2]  # rrule.MONTHLY, rrule.WEEKLY
    interval: int
    byweekday: int | rrule.weekday


_ORDINALS = {
    **{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"},
    **{-2: "2nd to last", -3: "3rd to last", -4: "4th to last", -5: "5th to last"},
}


@dataclass(frozen=True, slots=True)
class Weekly:
    """Every ``every_weeks`` weeks on ``weekday``, counted from the first meeting."""

    weekday: Weekday
    every_weeks: int = 1

    def check(self) -> None:
        _positive(self.every_weeks, "every_weeks", "The number of weeks between sessions")

    def first_on_or_after(self, day: dt.date) -> dt.date:
        return day + dt.timedelta(days=(self.weekday - day.weekday()) % 7)

    def in_step_on_or_after(self, first: dt.date, day: dt.date) -> dt.date:
        """The first meeting on or after ``day`` of the rule whose first meeting is ``first``."""
        return _step_days(first, day, 7 * self.every_weeks)

    def rrule_kwargs(self) -> RRuleKwargs:
        return {"freq": rrule.WEEKLY, "interval": self.every_weeks, "byweekday": self.weekday}

    def ical_parts(self) -> dict[str, object]:
        return {"FREQ": "WEEKLY", "INTERVAL": self.every_weeks, "BYDAY": self.weekday.name}

    def describe(self) -> str:
        if self.every_weeks == 1:
            return f"every {self.weekday.label}"
        return f"every {self.every_weeks} weeks on {self.weekday.label}"


@dataclass(frozen=True, slots=True)
class SprintCycle:
    """Once per sprint, ``day_offset`` days into it, counted from a known sprint start.

    Anchoring to the sprint start (not to the series start) keeps the slot in step
    with the sprints even when a series is created mid-sprint.
    """

    sprint_start: dt.date
    sprint_weeks: int
    day_offset: int = 0  # 0: the sprint's first day

    def check(self) -> None:
        _positive(self.sprint_weeks, "sprint_weeks", "A sprint's length in weeks")
        if self.sprint_start > LATEST_DAY:
            raise ScheduleError(
                f"A sprint start must lie {RANGE_TEXT}; {self.sprint_start} is outside it",
                field="sprint_start",
            )
        cycle = 7 * self.sprint_weeks
        if not 0 <= self.day_offset < cycle:
            raise ScheduleError(
                f"The day within a {self.sprint_weeks}-week sprint must be 0 to {cycle - 1}; "
                f"{self.day_offset} is outside it",
                field="day_offset",
            )

    def first_on_or_after(self, day: dt.date) -> dt.date:
        cycle = 7 * self.sprint_weeks
        anchor = self.sprint_start + dt.timedelta(days=self.day_offset)
        behind = (day - anchor).days
        cycles = max(0, -(-behind // cycle))  # ceiling division, never before the anchor
        return anchor + dt.timedelta(days=cycles * cycle)

    def in_step_on_or_after(self, first: dt.date, day: dt.date) -> dt.date:
        return _step_days(first, day, 7 * self.sprint_weeks)

    def rrule_kwargs(self) -> RRuleKwargs:
        weekday = (self.sprint_start + dt.timedelta(days=self.day_offset)).weekday()
        return {"freq": rrule.WEEKLY, "interval": self.sprint_weeks, "byweekday": weekday}

    def ical_parts(self) -> dict[str, object]:
        weekday = Weekday((self.sprint_start + dt.timedelta(days=self.day_offset)).weekday())
        return {"FREQ": "WEEKLY", "INTERVAL": self.sprint_weeks, "BYDAY": weekday.name}

    def describe(self) -> str:
        return f"every {self.sprint_weeks}-week sprint, day {self.day_offset + 1}"


@dataclass(frozen=True, slots=True)
class MonthlyNthWeekday:
    """The ``nth`` ``weekday`` of every ``every_months`` months; ``nth=-1`` is the last.

    A 5th weekday is allowed: months without one simply have no session, which is
    what RFC 5545 (``BYDAY=5WE``) and every calendar client do.
    """

    weekday: Weekday
    nth: int
    every_months: int = 1

    def check(self) -> None:
        if self.nth == 0 or not -5 <= self.nth <= 5:
            raise ScheduleError(
                f"A month has at most 5 of each weekday: use 1 to 5, or -1 for the last "
                f"(-2 for the second to last…); {self.nth} is impossible",
                field="nth",
            )
        _positive(self.every_months, "every_months", "The number of months between sessions")

    def first_on_or_after(self, day: dt.date) -> dt.date:
        start = dt.datetime.combine(day, dt.time())
        rule = rrule.rrule(dtstart=start, count=1, **self.rrule_kwargs())
        first: dt.datetime = rule[0]
        return first.date()

    def in_step_on_or_after(self, first: dt.date, day: dt.date) -> dt.date:
        # Months are counted from ``first``'s month, as the RRULE's INTERVAL counts them.
        start = first.year * 12 + first.month - 1
        behind = day.year * 12 + day.month - 1 - start
        month = start + max(0, -(-behind // self.every_months)) * self.every_months
        anchor = dt.datetime(month // 12, month % 12 + 1, 1)
        rule = rrule.rrule(dtstart=anchor, **self.rrule_kwargs())
        found: dt.datetime | None = rule.after(dt.datetime.combine(day, dt.time()), inc=True)
        return dt.date.max if found is None else found.date()

    def rrule_kwargs(self) -> RRuleKwargs:
        return {
            "freq": rrule.MONTHLY,
            "interval": self.every_months,
            "byweekday": rrule.weekdays[self.weekday](self.nth),
        }

    def ical_parts(self) -> dict[str, object]:
        return {"FREQ": "MONTHLY", "INTERVAL": self.every_months, "BYDAY": self.ical_byday()}

    def ical_byday(self) -> str:
        return f"{self.nth}{self.weekday.name}"

    def describe(self) -> str:
        ordinal = _ORDINALS[self.nth]
        months = "month" if self.every_months == 1 else f"{self.every_months} months"
        return f"the {ordinal} {self.weekday.label} of every {months}"


Pattern = Weekly | SprintCycle | MonthlyNthWeekday


def _step_days(first: dt.date, day: dt.date, period: int) -> dt.date:
    periods = max(0, -(-(day - first).days // period))  # ceiling division
    return first + dt.timedelta(days=periods * period)


def _positive(value: int, field: str, what: str) -> None:
    if value < 1:
        raise ScheduleError(f"{what} must be at least 1; {value} is not", field=field)
