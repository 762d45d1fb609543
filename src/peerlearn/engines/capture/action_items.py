"""Candidate action items in what people said and wrote: "I'll …", "we should …",
"can you …", "action item: …", "todo: …", "let's follow up …".

Phrase patterns rather than a classifier: commitments in meetings are made in a handful
of phrasings, and a pattern says why each candidate was picked (``trigger``), which
matters because a person confirms every candidate before it becomes a task. The
suggested owner is the speaker for a commitment ("I'll", "we should"), and for a
request ("Dana, can you …", "can you …, Dana?") the person addressed when their name
is one of the speakers (or an @mention), or the other person in a two-person call.
Task-list lines of the notes are left to ``action_lines``, so the two never list one
item twice; meeting chatter ("I'll share my screen", "can you hear me?") is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from peerlearn.engines.capture.sentences import Sentence, Source, tidy
from peerlearn.engines.gaps.text import tokens

MAX_ITEMS = 30
MAX_TEXT = 200
DUPLICATE = 0.7  # share of terms two candidates have in common to be one item

_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    ("action item", re.compile(r"(?i)\baction[ -]items?\b\s*[:\-\u2013]?\s*(?P<rest>.+)")),
    ("todo", re.compile(r"(?i)\b(?:todo\b:?|to-do:|to do:)\s*(?P<rest>.+)")),
    (
        "I'll",
        re.compile(
            r"(?i)\bI(?:'ll|\u2019ll| will| am going to|'m going to|\u2019m going to)\s+"
            r"(?P<rest>.+)"
        ),
    ),
    ("we should", re.compile(r"(?i)\bwe (?:should|need to|must)\s+(?!have\b)(?P<rest>.+)")),
    ("let's", re.compile(r"(?i)\blet(?:'|\u2019)?s\s+(?P<rest>follow[ -]up\b.*)")),
    ("can you", re.compile(r"(?i)\b(?:can|could|would) you(?: please)?,?\s+(?P<rest>.+)")),
]
# What people say they will do in every meeting, that nobody wants as a task.
_CHATTER = re.compile(
    r"(?i)^(?:be (?:honest|quick|brief|right back|back)|say|admit|stop sharing|"
    r"share (?:my|the|your) screen|hear|see|repeat|go ahead|get started|start|mute|unmute|"
    r"hand (?:it )?over|pass it|let you go|try (?:to be|again)|leave it there|wrap up|"
    r"move on|take it from here|jump in|do that|do it|do this)\b"
)
_WEAK_START = re.compile(r"(?i)^(?:also|just|probably|quickly|please|maybe|definitely)\s+")
_TAIL = re.compile(r"(?i)(?:,?\s+(?:please|right|then|too|ok|okay))?[\s.?!,;:]*$")
_VOCATIVE_BEFORE = re.compile(r"(?P<name>@?[\w.'\u2019-]+)\s*,\s*$")
_VOCATIVE_AFTER = re.compile(r"^\s*,?\s*(?P<name>@?[\w.'\u2019-]+)\s*,\s+(?P<rest>.+)$")
_VOCATIVE_END = re.compile(r",\s*(?P<name>@?[\w.'\u2019-]+)\s*[?.!]*\s*$")
_ASSIGNEE = re.compile(r"^(?P<name>@?[\w.'\u2019-]+)\s+(?:to|will|should)\s+(?P<rest>.+)$")
_MENTION = re.compile(r"(?<![\w@])@(?P<name>[^\W_](?:[\w.-]*[^\W_])?)")


@dataclass(frozen=True)
class ActionCandidate:
    text: str  # what to do, as said: "Write a runbook for draining the queue by Friday"
    owner: str | None  # suggested: a speaker's name or an @mention, never certain
    trigger: str  # the phrase that made it a candidate
    source: Source
    speaker: str | None
    start_ms: int | None
    line: int | None
    quote: str  # the whole sentence, for context


def action_candidates(
    sentences: Sequence[Sentence], *, speakers: Sequence[str] | None = None
) -> tuple[ActionCandidate, ...]:
    """The candidates in order of appearance, one per item (the first time it is said;
    an owner named only in a repetition is kept)."""
    names = list(speakers) if speakers is not None else _speakers(sentences)
    items: list[ActionCandidate] = []
    keys: list[frozenset[str]] = []
    for sentence in sentences:
        if sentence.kind != "text":
            continue
        candidate = _candidate(sentence, names)
        if candidate is None:
            continue
        key = frozenset(tokens(candidate.text))
        twin = next((i for i, k in enumerate(keys) if _overlap(k, key) >= DUPLICATE), None)
        if twin is None:
            if len(items) < MAX_ITEMS:
                items.append(candidate)
                keys.append(key)
        elif items[twin].owner is None and candidate.owner is not None:
            items[twin] = replace(items[twin], owner=candidate.owner)
    return tuple(items)


def _candidate(sentence: Sentence, names: list[str]) -> ActionCandidate | None:
    text = tidy(sentence.text)
    for trigger, pattern in _TRIGGERS:
        found = pattern.search(text)
        if found is None:
            continue
        rest = found["rest"]
        owner: str | None = sentence.speaker
        if trigger == "can you":
            owner, rest = _addressee(text[: found.start()], rest, names, sentence.speaker)
        elif trigger in ("action item", "todo"):
            assigned = _ASSIGNEE.match(rest)
            person = _resolve(assigned["name"], names) if assigned else None
            if assigned and person:
                owner, rest = person, assigned["rest"]
        what = _what(rest)
        if what is None:
            return None  # the first phrase decides: "I'll be honest, we should…" is chatter
        mention = _MENTION.search(what)
        if owner is None and mention is not None:
            owner = mention["name"]
        return ActionCandidate(
            what,
            owner,
            trigger,
            sentence.source,
            sentence.speaker,
            sentence.start_ms,
            sentence.line,
            text,
        )
    return None


def _what(rest: str) -> str | None:
    rest = _WEAK_START.sub("", rest.strip())
    rest = _TAIL.sub("", rest)
    if _CHATTER.match(rest) or len(tokens(rest)) < 2:
        return None
    if len(rest) > MAX_TEXT:
        rest = rest[: MAX_TEXT - 1].rsplit(" ", 1)[0] + "\u2026"
    return rest[:1].upper() + rest[1:]


def _addressee(
    before: str, rest: str, names: list[str], speaker: str | None
) -> tuple[str | None, str]:
    """Who "can you …" asks, and the request without their name."""
    for pattern, text in ((_VOCATIVE_BEFORE, before), (_VOCATIVE_END, rest)):
        found = pattern.search(text)
        if found and (person := _resolve(found["name"], names)):
            return person, rest[: found.start()] if pattern is _VOCATIVE_END else rest
    after = _VOCATIVE_AFTER.match(rest)
    if after and (person := _resolve(after["name"], names)):
        return person, after["rest"]
    others = [name for name in names if name != speaker]
    return (others[0] if len(others) == 1 and speaker is not None else None), rest


def _resolve(word: str, names: list[str]) -> str | None:
    """The speaker a word names: their full name or their first name when no one else
    shares it; an @mention names whoever it mentions."""
    if word.startswith("@"):
        return word[1:].rstrip(".") or None
    folded = word.casefold().rstrip(".")
    full = [n for n in names if n.casefold() == folded]
    first = [n for n in names if n.casefold().split()[0] == folded]
    if full:
        return full[0]
    return first[0] if len(first) == 1 else None


def _speakers(sentences: Sequence[Sentence]) -> list[str]:
    return list(dict.fromkeys(s.speaker for s in sentences if s.speaker is not None))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)


__all__ = ["ActionCandidate", "action_candidates"]
