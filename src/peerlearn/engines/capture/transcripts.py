"""Transcript files from Zoom, Microsoft Teams and Google Meet, read into timed cues.

``parse_transcript`` takes the uploaded bytes and returns every cue or raises
``TranscriptError`` saying what is wrong and on which line: nothing half-read. The
syntaxes (WebVTT, SRT, SBV) are read by ``transcript_formats``; this module decodes
the bytes, caps the sizes, and turns each cue's text into a speaker and plain text:

- Teams marks speakers with voice spans, ``<v Alice Smith>text</v>``; a cue holding
  several voices becomes one cue per voice, with the same times.
- Zoom and most caption files prefix the text, ``Alice Smith: text``. A prefix is a
  speaker only when the file keeps the habit (half its cues have one) or the same name
  starts two cues or more; so "Note: the cache is cold" in a caption file with no
  speakers is left as text.
- Inline markup (``<c>``, ``<i>``, ``<b>``, ``<font>``, karaoke timestamps
  ``<00:01:02.000>``, SSA overrides ``{\\an8}``) is removed and entities decoded; the
  words are kept.

``speaker_turns`` merges consecutive cues of one speaker into turns, the unit the
takeaway extraction reads.
"""

from __future__ import annotations

import codecs
import html
import re
from collections import Counter
from dataclasses import dataclass

from peerlearn.engines.capture.transcript_formats import (
    READERS,
    RawCue,
    TranscriptError,
    detect,
)

MAX_BYTES = 20 * 1024 * 1024  # a 10-hour meeting with word-level cues is about 8 MB
MAX_CUES = 50_000
MAX_CUE_CHARS = 10_000
FORMAT_NAMES = {"vtt": "WebVTT", "srt": "SRT", "sbv": "SBV"}


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Transcript:
    format: str  # "vtt", "srt" or "sbv"
    cues: tuple[Cue, ...]

    @property
    def speakers(self) -> tuple[str, ...]:
        """Everyone who speaks, in the order they first do."""
        return tuple(dict.fromkeys(c.speaker for c in self.cues if c.speaker is not None))

    @property
    def duration_ms(self) -> int:
        return max((cue.end_ms for cue in self.cues), default=0)


@dataclass(frozen=True)
class Turn:
    """Consecutive cues of one speaker."""

    speaker: str | None
    cues: tuple[Cue, ...]

    @property
    def start_ms(self) -> int:
        return self.cues[0].start_ms

    @property
    def end_ms(self) -> int:
        return self.cues[-1].end_ms

    @property
    def text(self) -> str:
        return " ".join(cue.text for cue in self.cues)


def parse_transcript(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = MAX_BYTES,
    max_cues: int = MAX_CUES,
    max_cue_chars: int = MAX_CUE_CHARS,
) -> Transcript:
    """Every cue of a WebVTT, SRT or SBV file, or ``TranscriptError``."""
    if len(data) > max_bytes:
        raise TranscriptError(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; transcripts up to "
            f"{max_bytes / 1024 / 1024:.0f} MB are read"
        )
    text = decode(data)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TranscriptError(
            "holds a NUL character: not a text file (or UTF-16 without a byte-order mark; "
            "save it as UTF-8)",
            line=line,
        )
    # Line ends as an editor counts them: CRLF, LF, or a lone CR (old Mac files).
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kind = detect(lines, filename)
    pieces: list[tuple[RawCue, str | None, str]] = []
    for raw in READERS[kind](lines):
        for speaker, words in _voices(raw):
            if len(words) > max_cue_chars:
                raise TranscriptError(
                    f"the cue's text is {len(words):,} characters long; at most "
                    f"{max_cue_chars:,} are read per cue",
                    line=raw.line,
                )
            if words:
                pieces.append((raw, speaker, words))
        if len(pieces) > max_cues:
            raise TranscriptError(
                f"more than {max_cues:,} cues: not a meeting transcript (split the file)",
                line=raw.line,
            )
    if not pieces:
        raise TranscriptError(f"the {FORMAT_NAMES[kind]} file holds no cues with text")
    return Transcript(kind, _with_prefixed_speakers(pieces))


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM, or UTF-16 with a BOM (Windows "Unicode" files).
    Anything else is refused naming the first bad byte, its offset and its line."""
    if not data.strip():
        raise TranscriptError("the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise TranscriptError(
                f"not valid UTF-16 at byte offset {error.start}: {error.reason}"
            ) from None
    else:
        body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            offset = error.start + (len(data) - len(body))
            raise TranscriptError(
                f"not UTF-8: byte 0x{data[offset]:02X} at byte offset {offset} "
                "(save the transcript as UTF-8)",
                line=data.count(b"\n", 0, offset) + 1,
            ) from None
    if not text.strip():
        raise TranscriptError("the file is empty")
    return text


def speaker_turns(transcript: Transcript, *, max_gap_ms: int | None = None) -> tuple[Turn, ...]:
    """Consecutive cues of one speaker as one turn; a silence longer than ``max_gap_ms``
    (when given) starts a new turn even for the same speaker."""
    turns: list[Turn] = []
    current: list[Cue] = []
    for cue in transcript.cues:
        if current and (
            cue.speaker != current[-1].speaker
            or (max_gap_ms is not None and cue.start_ms - current[-1].end_ms > max_gap_ms)
        ):
            turns.append(Turn(current[0].speaker, tuple(current)))
            current = []
        current.append(cue)
    if current:
        turns.append(Turn(current[0].speaker, tuple(current)))
    return tuple(turns)


_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>|</v>")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>|<\d[\d:.]*>|\{\\[^{}]{0,100}\}")
# "Alice Smith: text" (">> ALICE: text" and "- Bob: text" once the change marks are
# gone): up to five words of letters, digits, dots, apostrophes, hyphens.
_PREFIX = re.compile(
    r"^(?P<name>[^\W\d_][^\W_]*(?:[ .'\u2019-]{1,2}[^\W_]+){0,4}\.?)[ \t]*:[ \t]+"
    r"(?P<rest>\S.*)$",
    re.DOTALL,
)
_NOT_NAMES = frozenset(
    {
        *("note", "notes", "step", "example", "update", "question", "answer", "warning"),
        *("tip", "todo", "to-do", "agenda", "summary", "fyi", "ps", "re", "action"),
        *("decision", "next steps", "reminder", "important", "caution", "translation"),
        *("music", "applause", "link", "chat", "q", "a"),
    }
)


_CHANGE_MARK = re.compile(r"^(?:>>|-)[ \t]+")  # caption marks for "someone else speaks"


def _clean(text: str) -> str:
    # Most cue text has no markup: the patterns only run when their first character is there.
    if "<" in text or "{" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    words = " ".join(text.split())
    return _CHANGE_MARK.sub("", words) if words[:1] in ">-" else words


def _voices(raw: RawCue) -> list[tuple[str | None, str]]:
    """``(voice, text)`` pieces of one cue: one piece unless Teams-style voice spans
    give it several speakers."""
    text = "\n".join(raw.text_lines)
    if "<v" not in text:
        return [(None, _clean(text))]
    pieces: list[tuple[str | None, str]] = []
    voice: str | None = None
    at = 0
    for found in _VOICE.finditer(text):
        pieces.append((voice, text[at : found.start()]))
        # Text after a closing </v> is nobody's until the next voice opens.
        voice = None if found.group(0) == "</v>" else (_clean(found.group(1) or "") or None)
        at = found.end()
    pieces.append((voice, text[at:]))
    merged: list[tuple[str | None, str]] = []
    for speaker, piece in pieces:
        words = _clean(piece)
        if not words:
            continue
        if merged and merged[-1][0] == speaker:
            merged[-1] = (speaker, f"{merged[-1][1]} {words}")
        else:
            merged.append((speaker, words))
    return merged or [(None, "")]


def _prefix(text: str) -> tuple[str, str] | None:
    found = _PREFIX.match(text)
    if found is None:
        return None
    name = found.group("name")
    words = name.casefold().rstrip(".").split()
    if " ".join(words) in _NOT_NAMES or words[0] in _NOT_NAMES or any(w.isdigit() for w in words):
        return None  # "Step 2: …", "Note: …", "Action items: …" are not people
    return found.group("name"), found.group("rest")


def _with_prefixed_speakers(pieces: list[tuple[RawCue, str | None, str]]) -> tuple[Cue, ...]:
    unvoiced = [words for _, speaker, words in pieces if speaker is None]
    prefixes = [p for p in map(_prefix, unvoiced) if p is not None]
    counts = Counter(name for name, _ in prefixes)
    habit = len(prefixes) * 2 >= len(unvoiced)
    cues = []
    for raw, speaker, words in pieces:
        if speaker is None:
            prefix = _prefix(words)
            if prefix is not None and (habit or counts[prefix[0]] >= 2):
                speaker, words = prefix
        cues.append(Cue(raw.start_ms, raw.end_ms, speaker, words))
    return tuple(cues)


__all__ = ["Cue", "Transcript", "TranscriptError", "Turn", "parse_transcript", "speaker_turns"]
