"""The three caption syntaxes a transcript arrives in, read into timed blocks of text.

Each reader is a small hand-written loop over blank-line separated blocks rather than a
general caption library: meeting tools write a narrow, predictable subset of each
format, and a hand-written loop can say exactly which line is wrong and why (the
person uploading the file can fix it), which the libraries do not. Cue text is
returned as written; ``transcripts`` turns it into speakers and plain text.

- WebVTT (Zoom, Teams): a ``WEBVTT`` line, then blocks; a block is a NOTE, STYLE or
  REGION block (skipped) or a cue: an optional id line, ``start --> end [settings]``
  and text lines. Times are ``[HH:]MM:SS.mmm``.
- SRT (Google Meet caption add-ons, YouTube, most editors): a cue number,
  ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` and text lines. A dot before the milliseconds and a
  missing cue number are tolerated: both are common in files people have edited.
- SBV (YouTube's own export): ``H:MM:SS.mmm,H:MM:SS.mmm`` and text lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


class TranscriptError(ValueError):
    """The file was refused; ``line`` (1-based) says where, when one line is to blame."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class RawCue:
    line: int  # the line of the cue's timing
    start_ms: int
    end_ms: int
    text_lines: tuple[str, ...]


_VTT_TIME = re.compile(r"^(?:(\d+):)?([0-9]{2}):([0-9]{2})\.([0-9]{3})$")
_SRT_TIME = re.compile(r"^(\d+):([0-9]{2}):([0-9]{2})[,.]([0-9]{3})$")
_SBV_TIME = re.compile(r"^(\d+):([0-9]{2}):([0-9]{2})\.([0-9]{3})$")
_SBV_TIMING = re.compile(r"^\s*\d+:\d{2}:\d{2}\.\d{3},\d+:\d{2}:\d{2}\.\d{3}\s*$")
_TIMES = {"vtt": _VTT_TIME, "srt": _SRT_TIME, "sbv": _SBV_TIME}
_SHAPES = {
    "vtt": "[HH:]MM:SS.mmm",
    "srt": "HH:MM:SS,mmm",
    "sbv": "H:MM:SS.mmm",
}
_HOURS_LIMIT = 1000  # a longer "meeting" is a broken file, not a transcript


def blocks(lines: list[str], start: int = 0) -> Iterator[tuple[int, list[str]]]:
    """``(line number of the first line, lines)`` of each run of non-blank lines."""
    current: list[str] = []
    first = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if line.strip():
            if not current:
                first = index + 1
            current.append(line)
        elif current:
            yield first, current
            current = []
    if current:
        yield first, current


def timestamp(text: str, kind: str, line: int) -> int:
    """Milliseconds of one timestamp in the syntax of ``kind``."""
    found = _TIMES[kind].match(text)
    if found is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise TranscriptError(f"not a timestamp: {shown!r} (expected {_SHAPES[kind]})", line=line)
    hours = int(found.group(1) or 0)
    minutes, seconds, millis = int(found.group(2)), int(found.group(3)), int(found.group(4))
    if minutes > 59 or seconds > 59:
        raise TranscriptError(
            f"not a timestamp: {text!r} (minutes and seconds go up to 59)", line=line
        )
    if hours >= _HOURS_LIMIT:
        raise TranscriptError(f"not a plausible timestamp: {text!r}", line=line)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def timing(text: str, kind: str, line: int) -> tuple[int, int]:
    """``(start_ms, end_ms)`` of a timing line; what follows the end time (WebVTT cue
    settings, SRT box coordinates) is ignored."""
    if kind == "sbv":
        start_text, _, end_text = text.strip().partition(",")
    else:
        start_text, arrow, rest = text.partition("-->")
        if not arrow:
            raise TranscriptError("expected a cue timing 'start --> end'", line=line)
        end_text = rest.split(maxsplit=1)[0] if rest.strip() else ""
    start = timestamp(start_text.strip(), kind, line)
    end = timestamp(end_text.strip(), kind, line)
    if end < start:
        raise TranscriptError(
            f"the cue ends ({end_text.strip()}) before it starts ({start_text.strip()})",
            line=line,
        )
    return start, end


def _check_text(text_lines: list[str], first_line: int) -> tuple[str, ...]:
    for offset, text in enumerate(text_lines):
        if "-->" in text:
            raise TranscriptError(
                "a cue's text cannot hold '-->' (is a blank line missing before it?)",
                line=first_line + offset,
            )
    return tuple(text_lines)


def _is_block(first: str, keyword: str) -> bool:
    return first == keyword or (first.startswith(keyword) and first[len(keyword)] in " \t")


def read_vtt(lines: list[str]) -> Iterator[RawCue]:
    header = lines[0]
    if not (header.startswith("WEBVTT") and (len(header) == 6 or header[6] in " \t")):
        raise TranscriptError("a WebVTT file starts with the line 'WEBVTT'", line=1)
    # The header runs to the first blank line (it may carry metadata lines).
    end_of_header = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    for index in range(1, end_of_header):
        if "-->" in lines[index]:
            raise TranscriptError(
                "a blank line must separate the 'WEBVTT' header from the first cue",
                line=index + 1,
            )
    for number, block in blocks(lines, end_of_header):
        first = block[0].strip()
        if _is_block(first, "NOTE") or _is_block(first, "STYLE") or _is_block(first, "REGION"):
            continue
        if "-->" in block[0]:
            timing_at = 0
        elif len(block) > 1 and "-->" in block[1]:
            timing_at = 1  # the first line is the cue's id (a number, a GUID, …)
        else:
            raise TranscriptError(
                f"expected a cue timing 'start --> end', found {_shown(block[0])}",
                line=number + (1 if len(block) > 1 else 0),
            )
        line = number + timing_at
        start, end = timing(block[timing_at], "vtt", line)
        yield RawCue(line, start, end, _check_text(block[timing_at + 1 :], line + 1))


def read_srt(lines: list[str]) -> Iterator[RawCue]:
    for number, block in blocks(lines):
        if block[0].strip().isdigit():
            if len(block) == 1:
                raise TranscriptError("the cue number has no timing line after it", line=number)
            timing_at = 1
        elif "-->" in block[0]:
            timing_at = 0
        else:
            raise TranscriptError(
                f"expected a cue number or a 'start --> end' timing, found {_shown(block[0])}",
                line=number,
            )
        line = number + timing_at
        if "-->" not in block[timing_at]:
            raise TranscriptError(
                f"expected a cue timing 'start --> end', found {_shown(block[timing_at])}",
                line=line,
            )
        start, end = timing(block[timing_at], "srt", line)
        yield RawCue(line, start, end, _check_text(block[timing_at + 1 :], line + 1))


def read_sbv(lines: list[str]) -> Iterator[RawCue]:
    for number, block in blocks(lines):
        if "," not in block[0]:
            raise TranscriptError(
                f"expected a cue timing 'start,end', found {_shown(block[0])}", line=number
            )
        start, end = timing(block[0], "sbv", number)
        yield RawCue(number, start, end, tuple(block[1:]))


def detect(lines: list[str], filename: str) -> str:
    """``vtt``, ``srt`` or ``sbv`` from the content (an extension can lie: files are
    renamed); the extension only picks the error message for a file that is none."""
    first_index = next(i for i, line in enumerate(lines) if line.strip())
    first = lines[first_index].strip()
    following = next((line.strip() for line in lines[first_index + 1 :] if line.strip()), "")
    suffix = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if first.startswith("WEBVTT"):
        return "vtt"
    if (first.isdigit() and "-->" in following) or "-->" in first:
        if suffix == "vtt":
            raise TranscriptError(
                "a WebVTT file starts with the line 'WEBVTT' (this looks like SRT)",
                line=first_index + 1,
            )
        return "srt"
    if _SBV_TIMING.match(first):
        return "sbv"
    expected = {
        "vtt": "a WebVTT file starts with the line 'WEBVTT'",
        "srt": "an SRT file starts with a cue number and a 'start --> end' timing",
        "sbv": "an SBV file starts with a timing 'H:MM:SS.mmm,H:MM:SS.mmm'",
    }.get(suffix)
    if expected:
        raise TranscriptError(f"{expected}, found {_shown(first)}", line=first_index + 1)
    raise TranscriptError(
        "not a transcript: expected WebVTT (.vtt, starting 'WEBVTT'), SRT (.srt, numbered "
        "cues timed 'start --> end') or SBV (.sbv)",
        line=first_index + 1,
    )


READERS = {"vtt": read_vtt, "srt": read_srt, "sbv": read_sbv}


def _shown(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 60 else text[:60] + "…")
