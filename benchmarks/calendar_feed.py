#!/usr/bin/env python3
"""Calendar feed benchmark: one team's 5 years of weekly sessions with 200 overrides.

    .venv/bin/python benchmarks/calendar_feed.py [--runs 30] [--write]

Measures, in the same process and interleaved, (a) building the ``Series`` (which
validates every override) plus ``ical.feed`` — one master VEVENT with RRULE/EXDATE and
one VEVENT per override, written by ``ics_writer`` — against (b) the baseline:
serialising the same number of plain VEVENTs, one per occurrence with the same
properties and no recurrence, with icalendar. Targets: (a) at most 2 times (b), and at
most 100 ms, with the VTIMEZONE cache cleared before each run. Before timing, the feed
is parsed back with icalendar and checked to hold the master and every override.
``--write`` replaces the "## Calendar feed" section of docs/benchmarks.md (the rest of
the file is left as it is).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from peerlearn.engines.schedule import ical
from peerlearn.engines.schedule.formats import LUNCH_AND_LEARN, describe
from peerlearn.engines.schedule.patterns import Weekday, Weekly
from peerlearn.engines.schedule.recurrence import Override, Series, occurrences

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
HEADING = "## Calendar feed"
BERLIN = ZoneInfo("Europe/Berlin")
FIRST = dt.date(2021, 1, 6)  # a Wednesday
WEEKS = 261  # five years of Wednesdays
OVERRIDES = 200
CHANGED = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
RATIO_TARGET = 2.0
ABSOLUTE_TARGET_MS = 100.0


def overrides() -> tuple[Override, ...]:
    """200 changes spread over the five years: a third each cancelled, moved, re-staffed."""
    result = []
    for index in range(OVERRIDES):
        week = index * WEEKS // OVERRIDES
        original = dt.datetime.combine(FIRST + dt.timedelta(weeks=week), dt.time(12), BERLIN)
        if index % 3 == 0:
            result.append(Override(original, cancelled=True))
        elif index % 3 == 1:
            result.append(Override(original, start=original + dt.timedelta(days=1, hours=2)))
        else:
            result.append(Override(original, facilitator=f"person {index}"))
    return tuple(result)


SKIPPED = frozenset(FIRST + dt.timedelta(weeks=w) for w in range(3, WEEKS, 26) if w * 200 % 261)
DESCRIPTION = describe(LUNCH_AND_LEARN, 45)


def build_series() -> Series:
    return Series(
        Weekly(Weekday.WE), FIRST, dt.time(12), "Europe/Berlin", 45, count=WEEKS,
        skipped=SKIPPED - {o.original_start.date() for o in OVERRIDE_LIST},
        overrides=OVERRIDE_LIST, facilitator="fiona", location="Room 1",
    )  # fmt: skip


OVERRIDE_LIST = overrides()


def event(series: Series) -> ical.CalendarEvent:
    return ical.CalendarEvent(
        uid="series-1@peerlearn.example", summary="Lunch & Learn", schedule=series,
        sequence=7, last_modified=CHANGED, description=DESCRIPTION,
        url="https://peerlearn.example/sessions/series/1",
        organizer=ical.Person("alice@example.com", "Alice"),
    )  # fmt: skip


def recurring_feed() -> bytes:
    return ical.feed([event(build_series())], name="Platform sessions")


def plain_feed(starts: list[tuple[dt.datetime, str]]) -> bytes:
    """The baseline: one VEVENT per occurrence, same properties, no recurrence."""
    cal = icalendar.Calendar()
    for name, value in (("prodid", ical.DEFAULT_PRODID), ("version", "2.0")):
        cal.add(name, value)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Platform sessions")
    cal.add_component(icalendar.Timezone.from_tzid("Europe/Berlin"))
    for number, (start, status) in enumerate(starts):
        vevent = icalendar.Event()
        vevent.add("uid", f"occurrence-{number}@peerlearn.example")
        vevent.add("dtstamp", CHANGED)
        vevent.add("last-modified", CHANGED)
        vevent.add("sequence", 7)
        vevent.add("summary", "Lunch & Learn")
        vevent.add("status", status)
        vevent.add("description", "Facilitator: fiona\n\n" + DESCRIPTION)
        vevent.add("location", "Room 1")
        vevent.add("url", "https://peerlearn.example/sessions/series/1")
        vevent.add("organizer", icalendar.vCalAddress("mailto:alice@example.com"))
        vevent.add("dtstart", start)
        vevent.add("duration", dt.timedelta(minutes=45))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Reminder")
        alarm.add("trigger", dt.timedelta(minutes=-15))
        vevent.add_component(alarm)
        cal.add_component(vevent)
    body: bytes = cal.to_ical()
    return body


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, icalendar {icalendar.__version__}; "
        f"load average {load} (1, 5, 15 min) at the start"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    series = build_series()
    window = (dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    found = occurrences(series, *window)
    starts = [(o.start, o.status.value.upper().replace("SCHEDULED", "CONFIRMED")) for o in found]
    body = recurring_feed()
    parsed = icalendar.Calendar.from_ical(body)
    vevents = len(parsed.walk("VEVENT"))
    overridden = [e for e in parsed.walk("VEVENT") if "RECURRENCE-ID" in e]
    if vevents != len(OVERRIDE_LIST) + 1 or len(overridden) != len(OVERRIDE_LIST):
        raise SystemExit(f"the feed has {vevents} VEVENTs; expected 1 + {len(OVERRIDE_LIST)}")
    plain_bytes = plain_feed(starts)
    report_machine = machine()  # the load average before this run adds to it

    prebuilt = event(series)
    feed_ms: list[float] = []
    cold_ms: list[float] = []
    plain_ms: list[float] = []
    write_ms: list[float] = []
    for _ in range(args.runs):  # interleaved so drift hits both sides alike
        feed_ms.append(timed(recurring_feed))
        plain_ms.append(timed(lambda: plain_feed(starts)))
        ical._vtimezone.cache_clear()  # a fresh worker process: VTIMEZONE built again
        cold_ms.append(timed(recurring_feed))
        write_ms.append(timed(lambda: ical.feed([prebuilt], name="Platform sessions")))

    feed_median = statistics.median(feed_ms)
    cold_median = statistics.median(cold_ms)
    plain_median = statistics.median(plain_ms)
    ratio = feed_median / plain_median
    cold_ratio = cold_median / plain_median
    verdict = (
        "meets"
        if max(ratio, cold_ratio) <= RATIO_TARGET and cold_median <= ABSOLUTE_TARGET_MS
        else "MISSES"
    )
    lines = [
        f"Workload: {WEEKS} weekly occurrences (5 years, Europe/Berlin), {len(OVERRIDE_LIST)} "
        f"overrides (cancel / move / change facilitator), {len(series.exdate_walls)} skipped "
        f"dates; {len(found)} occurrences in the feed.",
        f"Recurring feed: {vevents} VEVENTs, {body.count(b'\r\n'):,} lines, {len(body):,} "
        f"bytes. Baseline: {len(starts)} plain VEVENTs, {plain_bytes.count(b'\r\n'):,} "
        f"lines, {len(plain_bytes):,} bytes.",
        "",
        f"| measured (median of {args.runs} runs) | ms |",
        "|---|---:|",
        f"| Series build + feed, VTIMEZONE cached | {feed_median:.1f} |",
        f"| Series build + feed, VTIMEZONE rebuilt | {cold_median:.1f} |",
        f"| of which feed only (Series built before) | {statistics.median(write_ms):.1f} |",
        f"| baseline: {len(starts)} plain VEVENTs | {plain_median:.1f} |",
        "",
        f"Ratio feed / baseline: {ratio:.2f}x (cached), {cold_ratio:.2f}x (rebuilt). "
        f"Targets ≤ {RATIO_TARGET:.0f}x and ≤ {ABSOLUTE_TARGET_MS:.0f} ms: {verdict}.",
    ]
    print("\n".join(lines))
    if args.write:
        write_section(report_machine, lines)
    return 0 if verdict == "meets" else 1


def write_section(report_machine: str, results: list[str]) -> None:
    """Replace only our section; another engineer owns the rest of the file."""
    section = "\n".join(
        [
            HEADING,
            "",
            "Command: `.venv/bin/python benchmarks/calendar_feed.py --write`",
            f"Run: {dt.date.today().isoformat()} on {report_machine}.",
            "",
            *results,
            "",
            "The feed is written by `engines/schedule/ics_writer.py` (RFC 5545 escaping, "
            "RFC 6868 parameters, 75-octet UTF-8-aware folding with string methods); "
            "icalendar only builds each VTIMEZONE, cached as text per zone and year range, "
            "which is what the rebuilt row pays for. Before it, the run recorded here took "
            "149.5 ms (cached), about 80 % of it in icalendar's `to_ical` (folding and "
            "escaping character by character). "
            "What remains is building the `Series` (dateutil expansion to validate 200 "
            "overrides) and formatting the content lines. The baseline is "
            "unchanged: the same number of plain VEVENTs serialised by icalendar.",
            "",
        ]
    )
    text = REPORT.read_text() if REPORT.exists() else ""
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text.rstrip("\n") + "\n")
    print(f"wrote the {HEADING!r} section of {REPORT}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
