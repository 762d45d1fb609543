r"""RFC 5545 content lines written with string methods: escaping, quoting, values, folding.

``icalendar`` escapes and folds character by character, which made a five-year series
feed take over 100 ms; the feed only needs a handful of value types, so they are
written here directly and checked by parsing the result back with ``icalendar``.

- TEXT (§3.3.11): backslash, semicolon, comma and newline escaped; CR LF and a lone CR
  become a newline; other control characters, which TEXT does not allow, are dropped.
- Parameter values (§3.2, RFC 6868): ``^``, DQUOTE and newline as ``^^``, ``^'`` and
  ``^n``; quoted when they hold ``:``, ``;``, ``,``, ``=``, a backslash or blanks at
  either end. So a value never carries a DQUOTE. RFC 5545 gives a backslash in a
  parameter no meaning, but some parsers (``icalendar`` among them) read ``\,`` ``\;``
  ``\:`` and ``\\`` there as escapes, so a backslash that such a parser would misread is
  doubled; any other stays single.
- URI and CAL-ADDRESS values are not escaped (a backslash is part of a URI), but control
  characters are percent-encoded so a value can never end its content line early.
- Lines are folded at 75 octets of UTF-8 (§3.1) and never inside a character, nor
  between a ``\`` or ``^`` and the character it escapes (some clients unfold badly).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

CRLF = "\r\n"
LINE_OCTETS = 75  # per physical line, CRLF excluded

# Zones that are UTC under another name: written as ``…Z``, with no VTIMEZONE.
UTC_KEYS = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"}
)

_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # HTAB is allowed everywhere
_URI_CONTROLS = re.compile("[\x00-\x1f\x7f]")
# RFC 5545 quotes a value holding : ; or , and lenient parsers (icalendar's) also strip
# blanks next to = and at either end of an unquoted value: quote those too.
_NEEDS_QUOTES = re.compile(r"[:;,=]|^\s|\s$")  # parsers strip Unicode spaces at the ends
_AMBIGUOUS_BACKSLASH = re.compile(r"\\(?=[\\,;:]|$)")  # see the module docstring
_BACKSLASH = 0x5C
_CARET = 0x5E

# The order RRULE parts are written in: FREQ first, as RFC 2445 required and some
# clients still expect; the rest as RFC 5545 §3.3.10 lists them.
_RECUR_ORDER = {
    name: index
    for index, name in enumerate(
        (
            "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR",
            "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
        )
    )
}  # fmt: skip


def text(value: str) -> str:
    """A TEXT value, escaped."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    if "\r" in escaped:
        escaped = escaped.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", escaped.replace("\n", "\\n"))


def param(value: str) -> str:
    """A parameter value: RFC 6868 caret escapes, quoted when it needs to be."""
    encoded = value.replace("^", "^^").replace('"', "^'")
    if "\r" in encoded:
        encoded = encoded.replace("\r\n", "\n").replace("\r", "\n")
    encoded = _CONTROLS.sub("", encoded.replace("\n", "^n"))
    if "\\" in encoded:
        return '"' + _AMBIGUOUS_BACKSLASH.sub(r"\\\\", encoded) + '"'
    return f'"{encoded}"' if _NEEDS_QUOTES.search(encoded) else encoded


def uri(value: str) -> str:
    """A URI or CAL-ADDRESS value, with control characters percent-encoded."""
    return _URI_CONTROLS.sub(lambda found: f"%{ord(found[0]):02X}", value)


def utc(moment: dt.datetime) -> str:
    """An aware datetime as a UTC DATE-TIME (``20240102T090000Z``), seconds truncated."""
    return _digits(moment.astimezone(dt.UTC)) + "Z"


def date_time(name: str, moment: dt.datetime) -> str:
    """A DATE-TIME property: ``NAME;TZID=Zone:local`` in an IANA zone, else ``NAME:…Z``."""
    key = _zone_key(moment)
    if key is None:
        return f"{name}:{utc(moment)}"
    return f"{name};TZID={param(key)}:{_digits(moment)}"


def date_times(name: str, moments: Iterable[dt.datetime]) -> list[str]:
    """A multi-valued DATE-TIME property (EXDATE, RDATE): one line per zone, in order."""
    by_zone: dict[str | None, list[str]] = {}
    for moment in moments:
        key = _zone_key(moment)
        by_zone.setdefault(key, []).append(_digits(moment) if key else utc(moment))
    return [
        f"{name}{'' if key is None else ';TZID=' + param(key)}:{','.join(values)}"
        for key, values in by_zone.items()
    ]


def duration(value: dt.timedelta) -> str:
    """A DURATION value (``PT45M``, ``-P1D``, ``P1DT2H``); microseconds are dropped.

    Written in days rather than weeks, since RFC 5545 cannot combine W with D, and with
    the minutes spelled out between hours and seconds, as its grammar requires.
    """
    sign = "-" if value < dt.timedelta(0) else ""
    span = abs(value)
    days, seconds = span.days, span.seconds
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    out = f"{sign}P{days}D" if days else f"{sign}P"
    if hours or minutes or seconds:
        out += "T"
        if hours:
            out += f"{hours}H"
        if minutes or (hours and seconds):
            out += f"{minutes}M"
        if seconds:
            out += f"{seconds}S"
    return out if days or hours or minutes or seconds else f"{sign}PT0S"


def recur(parts: Mapping[str, object]) -> str:
    """A RECUR value from ``{"FREQ": "WEEKLY", "UNTIL": aware datetime, …}``."""
    ordered = sorted(parts.items(), key=lambda item: _RECUR_ORDER.get(item[0], len(_RECUR_ORDER)))
    return ";".join(f"{name}={_recur_value(value)}" for name, value in ordered)


def fold(line: str) -> str:
    """One content line, folded into physical lines of at most 75 octets, CRLF-ended."""
    if len(line) <= LINE_OCTETS and line.isascii():
        return line + CRLF
    raw = line.encode()
    if len(raw) <= LINE_OCTETS:
        return line + CRLF
    pieces = []
    start, limit = 0, LINE_OCTETS
    while len(raw) - start > limit:
        cut = start + limit
        while raw[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to its lead
            cut -= 1
        cut -= _open_escape(raw, start, cut)
        pieces.append(raw[start:cut])
        start, limit = cut, LINE_OCTETS - 1  # a continuation line starts with a space
    pieces.append(raw[start:])
    return b"\r\n ".join(pieces).decode() + CRLF


class ContentWriter:
    """Collects folded content lines; ``to_bytes`` gives the UTF-8 stream."""

    def __init__(self) -> None:
        self._chunks: list[str] = []

    def begin(self, component: str) -> None:
        self._chunks.append(f"BEGIN:{component}{CRLF}")

    def end(self, component: str) -> None:
        self._chunks.append(f"END:{component}{CRLF}")

    def line(self, content: str) -> None:
        """One unfolded content line (``NAME;PARAM=…:value``), already escaped."""
        self._chunks.append(fold(content))

    def block(self, lines: str) -> None:
        """Content lines already folded and CRLF-ended, e.g. a cached VTIMEZONE."""
        if lines and not lines.endswith(CRLF):
            raise ValueError("A block of content lines ends with CRLF")
        self._chunks.append(lines)

    def to_bytes(self) -> bytes:
        return "".join(self._chunks).encode()


def _digits(moment: dt.datetime) -> str:
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def _zone_key(moment: dt.datetime) -> str | None:
    """The TZID to write ``moment`` with, or None to write it in UTC."""
    tz = moment.tzinfo
    if tz is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    if isinstance(tz, ZoneInfo) and tz.key and tz.key not in UTC_KEYS:
        return tz.key
    return None


def _recur_value(value: object) -> str:
    if isinstance(value, dt.datetime):
        return utc(value)
    if isinstance(value, dt.date):
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, list | tuple):
        return ",".join(_recur_value(item) for item in value)
    raise TypeError(f"Cannot write {value!r} in an RRULE")


def _open_escape(raw: bytes, start: int, cut: int) -> int:
    """1 if ``raw[cut - 1]`` begins a ``\\`` or ``^`` escape that ``raw[cut]`` ends.

    Escapes are two characters and never straddle ``start`` (the previous cut), so an
    odd run of escape characters just before ``cut`` means the last one is open.
    """
    mark = raw[cut - 1]
    if mark not in (_BACKSLASH, _CARET):
        return 0
    run = 1
    while cut - run - 1 >= start and raw[cut - run - 1] == mark:
        run += 1
    return run % 2
