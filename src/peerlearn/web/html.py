"""Helpers for the rows of long lists that pages write in Python instead of templates.

Django's template engine costs several microseconds per variable, filter and tag, and
`reverse()` some twenty per call; a list of a hundred rows of ten values each then costs
more than the rest of the request. Pages whose lists are that long (the knowledge map,
a series' occurrences, a team's sessions, the members table) write those rows with
these helpers and keep everything else in their template. Every value that does not
come from the code itself passes through `e` (Django's own escaping: `html.escape`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import reverse
from django.utils import dateformat


def e(value: object) -> str:
    """Escaped text, as `{{ value }}` shows it."""
    return escape(str(value))


def q(value: str) -> str:
    """A query-string value, as `{{ value|urlencode }}` writes it into an attribute."""
    return escape(quote(value, safe="/"))


def zone_of(name: str | None) -> dt.tzinfo:
    """The viewer's zone, as base.html's `{% timezone user.time_zone|default:"UTC" %}`."""
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, ZoneInfoNotFoundError):
        return dt.UTC


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July"),
    *("August", "September", "October", "November", "December"),
)
# Django's date formats the pages use, in plain Python (dateformat.format costs ~30 µs).
_FORMATS: dict[str, Callable[[dt.datetime], str]] = {
    "c": lambda m: m.isoformat(),
    "H:i": lambda m: f"{m:%H:%M}",
    "Y-m-d": lambda m: f"{m:%Y-%m-%d}",
    "j M": lambda m: f"{m.day} {_MONTHS[m.month - 1][:3]}",
    "l j F": lambda m: f"{_DAYS[m.weekday()]} {m.day} {_MONTHS[m.month - 1]}",
    "l j F Y, H:i": lambda m: (
        f"{_DAYS[m.weekday()]} {m.day} {_MONTHS[m.month - 1]} {m.year}, {m:%H:%M}"
    ),
    "D j M, H:i": lambda m: (
        f"{_DAYS[m.weekday()][:3]} {m.day} {_MONTHS[m.month - 1][:3]}, {m:%H:%M}"
    ),
    "D j M Y, H:i": lambda m: (
        f"{_DAYS[m.weekday()][:3]} {m.day} {_MONTHS[m.month - 1][:3]} {m.year}, {m:%H:%M}"
    ),
}


def format_local(local: dt.datetime, fmt: str) -> str:
    """`dateformat.format(local, fmt)`, in plain Python for the formats pages use."""
    plain = _FORMATS.get(fmt)
    return plain(local) if plain is not None else str(dateformat.format(local, fmt))


def date(moment: dt.datetime, fmt: str, zone: dt.tzinfo) -> str:
    """`{{ moment|date:fmt }}` under `{% timezone zone %}` (escaped)."""
    return escape(format_local(moment.astimezone(zone), fmt))


def when(moment: dt.datetime, fmt: str, *, viewer_zone: str, zone: str = "") -> str:
    """What schedule/_when.html writes, through the one formatter (schedule.when): the
    moment in the viewer's zone, and the session's local time beside it when it differs."""
    from peerlearn.schedule.when import when as when_of  # the formatter, not a page's part

    shown = when_of(moment, reader_zone=viewer_zone or "UTC", zone=zone, format=fmt)
    text = f'<time datetime="{date(moment, "c", zone_of(viewer_zone))}">{e(shown.text)}</time>'
    if shown.beside:
        text += f' <span class="muted">({e(shown.beside)})</span>'
    return text


class Urls:
    """`reverse()` once per URL name, then filled in per row. Arguments are ints or
    URL-safe keys (occurrence keys: digits, T and Z)."""

    _MARKERS = ("8604917", "7310563", "6239871")

    def __init__(self, name: str, *kinds: type) -> None:
        markers = [
            int(m) if kind is int else f"k{m}"
            for m, kind in zip(self._MARKERS, kinds, strict=False)
        ]
        rest = reverse(name, args=markers)
        self._parts: list[str] = []
        for marker in map(str, markers):
            if rest.count(marker) != 1:
                raise ValueError(f"cannot fill in the URL {name}: {rest}")
            before, rest = rest.split(marker)
            self._parts.append(before)
        self._parts.append(rest)

    def __call__(self, *args: object) -> str:
        if len(args) != len(self._parts) - 1:
            raise TypeError(f"{len(self._parts) - 1} arguments expected, not {len(args)}")
        pieces = [self._parts[0]]
        for value, part in zip(args, self._parts[1:], strict=True):
            pieces += [str(value), part]
        return "".join(pieces)
