"""Session notes (Markdown) and transcript turns cut into sentences that remember where
they come from: the notes' line, or the speaker and the time they were said.

Markdown is read with markdown-it-py (already the product's Markdown parser) so that
what a reader sees is what is summarised: emphasis, links and inline code keep their
words, code blocks, HTML and tables are left out, and headings and task-list lines are
marked (they are titles and assignments, not takeaways). Sentences end at ``.``, ``!``,
``?`` or ``…`` followed by a space, except after common abbreviations and initials;
captions that are never punctuated are cut every ``MAX_WORDS`` words so one sentence
cannot swallow a monologue.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from peerlearn.engines.capture.transcripts import Turn

Source = Literal["notes", "transcript"]
MAX_WORDS = 40

_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "approx", "fig", "cf"}
    | {"inc", "ltd", "jr", "sr", "st", "al", "resp"}
)
_TASK = re.compile(r"^\[[ xX]\]\s")
_FILLER_WORDS = re.compile(r"(?i)\b(?:u+m+|u+h+|e+r+m+|h+m+|mhm|uh-huh)\b[,.]?\s*")
_LEADING_FILLER = re.compile(
    r"(?i)^(?:(?:so|okay|ok|yeah|yes|well|right|alright|and|but|like|basically|anyway)"
    r"(?:[,.]\s*|\s+))+"
)
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Sentence:
    text: str
    source: Source
    speaker: str | None = None
    start_ms: int | None = None  # transcript: when the cue holding its first word starts
    line: int | None = None  # notes: 1-based line of its first word
    kind: Literal["text", "heading", "task"] = "text"


def split_sentences(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, sentence)`` of each sentence of ``text``, stripped."""
    start = 0
    for found in _END.finditer(text):
        end = found.end()
        before = text[start : found.start() + 1].rstrip(".")
        last_word = before.rsplit(maxsplit=1)[-1].casefold() if before.strip() else ""
        if last_word.lstrip("(") in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        yield from _capped(start, text[start:end])
        start = end
    if text[start:].strip():
        yield from _capped(start, text[start:])


def _capped(offset: int, sentence: str) -> Iterator[tuple[int, str]]:
    lead = len(sentence) - len(sentence.lstrip())
    sentence = sentence.strip()
    words = list(re.finditer(r"\S+", sentence))
    if len(words) <= MAX_WORDS:
        if sentence:
            yield offset + lead, sentence
        return
    for first in range(0, len(words), MAX_WORDS):
        chunk = words[first : first + MAX_WORDS]
        yield offset + lead + chunk[0].start(), sentence[chunk[0].start() : chunk[-1].end()]


def tidy(sentence: str) -> str:
    """Spoken fillers ("um", "uh") and leading discourse markers ("So, okay, …") out,
    the first letter up: the sentence as one would quote it."""
    text = _FILLER_WORDS.sub("", sentence)
    text = _LEADING_FILLER.sub("", text).strip()
    return text[:1].upper() + text[1:] if text else text


def transcript_sentences(turns: Iterable[Turn]) -> list[Sentence]:
    sentences: list[Sentence] = []
    for turn in turns:
        offsets: list[int] = []
        parts: list[str] = []
        at = 0
        for cue in turn.cues:
            offsets.append(at)
            parts.append(cue.text)
            at += len(cue.text) + 1
        text = " ".join(parts)
        for offset, sentence in split_sentences(text):
            cue = turn.cues[bisect.bisect_right(offsets, offset) - 1]
            sentences.append(
                Sentence(sentence, "transcript", speaker=turn.speaker, start_ms=cue.start_ms)
            )
    return sentences


def note_sentences(markdown: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    tokens = _MARKDOWN.parse(markdown)
    in_table = False
    for index, token in enumerate(tokens):
        if token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
        if token.type != "inline" or in_table or token.map is None:
            continue
        heading = index > 0 and tokens[index - 1].type == "heading_open"
        text, breaks = _inline_text(token.children or [])
        first_line = token.map[0] + 1
        task = bool(_TASK.match(text))
        if task:
            text = text[4:]
        kind: Literal["text", "heading", "task"] = (
            "heading" if heading else "task" if task else "text"
        )
        for offset, sentence in split_sentences(text):
            line = first_line + bisect.bisect_right(breaks, offset + (4 if task else 0))
            sentences.append(Sentence(sentence, "notes", line=line, kind=kind))
    return sentences


def _inline_text(children: list[Token]) -> tuple[str, list[int]]:
    """The visible words of an inline token and the offsets of its line breaks."""
    parts: list[str] = []
    breaks: list[int] = []
    length = 0
    for child in children:  # an image's alt text is its children: not prose, left out
        if child.type in ("softbreak", "hardbreak"):
            breaks.append(length)
            piece = " "
        elif child.type in ("text", "code_inline"):
            piece = child.content
        else:
            continue
        parts.append(piece)
        length += len(piece)
    return "".join(parts), breaks
