"""A synthetic two-hour meeting for the capture benchmarks, and their report section.

The meeting is a Teams-style WebVTT file (GUID cue ids, ``<v Name>`` voice spans, NOTE
blocks): six engineers, about 1,500 cues and 20,000 words, generated with a fixed seed
from sentences as people say them in a technical review (topics that recur, chatter,
fillers, commitments and requests), so the takeaway extraction meets what it meets in
a real transcript: a long tail of rare words, many short replies, a few recurring
subjects.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import re
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
SEED = 20261203
TWO_HOURS_MS = 2 * 60 * 60 * 1000
CUES = 1500

SPEAKERS = ["Alice Johnson", "Bob Smith", "Carol Nguyen", "Dev Patel", "Eve Martin", "Femi Ade"]
SUBJECTS = [
    "the billing service", "the search cluster", "our Kafka consumers", "the login flow",
    "the nightly batch jobs", "the staging environment", "the feature flag service",
    "the mobile API gateway", "the reporting database", "the deploy pipeline",
    "the notification workers", "the payment retries", "the cache layer", "the CDN config",
]  # fmt: skip
VERBS = [
    "depends on", "keeps breaking because of", "got much faster after", "needs",
    "was rebuilt around", "still struggles with", "should move to", "times out without",
    "falls over under", "was never tested against", "quietly relies on", "is blocked by",
]  # fmt: skip
OBJECTS = [
    "connection pooling", "a regional failover", "schema migrations", "rate limiting",
    "idempotency keys", "the retry budget", "exponential backoff", "consumer lag alerts",
    "read replicas", "blue green deployments", "the secrets rotation", "load shedding",
    "structured logging", "the dead letter queue", "canary releases", "query timeouts",
]  # fmt: skip
TAILS = [
    "since the last incident", "during peak traffic", "on Monday mornings",
    "when the queue fills up", "in the EU region", "for the largest customers",
    "after the upgrade", "according to the dashboards", "as far as we can tell",
    "which surprised everyone", "and nobody documented it", "at least in staging",
]  # fmt: skip
CHATTER = [
    "Okay.", "Yeah.", "Yes, thanks.", "Right.", "Makes sense.", "Can you see my screen?",
    "Sorry, you were on mute.", "Um, okay, so.", "Got it, thanks.", "Sure.",
    "Can you hear me now?", "Yeah, yeah, exactly.", "Good point.", "Mhm.",
]  # fmt: skip
OPENERS = ["", "", "", "So ", "Um, ", "I think ", "Honestly, ", "Okay so ", "Yeah, "]


def _claim(rng: random.Random) -> str:
    sentence = (
        f"{rng.choice(OPENERS)}{rng.choice(SUBJECTS)} {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}."
    )
    return sentence[0].upper() + sentence[1:]


def _commitment(rng: random.Random, speaker: str) -> str:
    other = rng.choice([s for s in SPEAKERS if s != speaker]).split()[0]
    return rng.choice(
        [
            f"I'll write up how {rng.choice(SUBJECTS)} handles {rng.choice(OBJECTS)}.",
            f"We should add {rng.choice(OBJECTS)} to {rng.choice(SUBJECTS)}.",
            f"{other}, can you check {rng.choice(OBJECTS)} for {rng.choice(SUBJECTS)}?",
            f"Let's follow up on {rng.choice(OBJECTS)} next week.",
            f"Action item: {other} to review {rng.choice(OBJECTS)}.",
        ]
    )


def meeting_vtt() -> bytes:
    """About 20,000 words in about 1,500 cues over two hours."""
    rng = random.Random(SEED)
    ids = {name: uuid.UUID(int=rng.getrandbits(128)) for name in SPEAKERS}
    lines = ["WEBVTT", "", 'NOTE duration:"02:00:00.0000000"', "", "NOTE language:en-us", ""]
    step = TWO_HOURS_MS // CUES
    speaker = SPEAKERS[0]
    for number in range(CUES):
        if rng.random() < 0.35:
            speaker = rng.choice(SPEAKERS)
        roll = rng.random()
        if roll < 0.12:
            text = rng.choice(CHATTER)
        elif roll < 0.16:
            text = _commitment(rng, speaker)
        else:
            text = " ".join(_claim(rng) for _ in range(rng.choice([1, 1, 1, 2])))
        words = text.split()
        if len(words) > 12:  # Teams breaks long cues over two lines
            text = " ".join(words[:12]) + "\n" + " ".join(words[12:])
        start = number * step + rng.randint(0, 200)
        end = start + step - rng.randint(50, 300)
        lines += [
            f"{ids[speaker]}/{number}-0",
            f"{_stamp(start)} --> {_stamp(end)}",
            f"<v {speaker}>{text}</v>",
            "",
        ]
    return "\n".join(lines).encode()


def _stamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average "
        f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} (1, 5, 15 min) at the start"
    )


def write_section(heading: str, command: str, where: str, results: list[str], why: str) -> None:
    """Replace only our section; other scripts own the rest of the file."""
    section = "\n".join(
        [
            heading,
            "",
            f"Command: `{command}`",
            f"Run: {dt.date.today().isoformat()} on {where}.",
            "",
            *results,
            "",
            why,
            "",
        ]
    )
    text = REPORT.read_text() if REPORT.exists() else ""
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    REPORT.write_text(text.rstrip("\n") + "\n")
