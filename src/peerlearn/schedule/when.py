"""How a session's time reads, on pages and in e-mails alike: the one formatter.

A moment is shown in the reader's own zone (their profile's time zone); when the
session's zone is another one, the session's local time is given beside it:
"Wednesday 4 March 2026, 06:30 (12:30 in Europe/Paris)". Pages use it through
``schedule/_when.html``; e-mails format for each recipient, so a worker never shows
its own (UTC) clock with the session's zone name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import dateformat

from peerlearn.engines.schedule import timezones
from peerlearn.engines.schedule.errors import ScheduleError

LONG = "l j F Y, H:i"  # Wednesday 4 March 2026, 06:30
SHORT = "D j M, H:i"  # Wed 4 Mar, 06:30


@dataclass(frozen=True)
class When:
    text: str  # the moment in the reader's zone
    reader_zone: str
    zone: str  # the session's zone
    zone_time: str  # "12:30": the session's local time, only when the zones differ

    @property
    def beside(self) -> str:
        return f"{self.zone_time} in {self.zone}" if self.zone_time else ""

    @property
    def plain(self) -> str:
        """One line of text, as the pages show it."""
        return f"{self.text} ({self.beside})" if self.beside else self.text

    @property
    def named(self) -> str:
        """As ``plain``, naming the reader's zone too: an e-mail is read without the
        page's context of whose clock it is."""
        own = f"{self.text} {self.reader_zone}"
        return f"{own} ({self.beside})" if self.beside else own


def zone_or_utc(name: str) -> ZoneInfo:
    """The zone called ``name``, or UTC when no such zone exists (a row saved before
    zones were checked): the row is still shown, and its page reached to fix it."""
    return _zone(name) or ZoneInfo("UTC")


def _zone(name: str) -> ZoneInfo | None:
    try:
        return timezones.zone(name) if name else None
    except ScheduleError:
        return None


def when(moment: dt.datetime, *, reader_zone: str, zone: str, format: str = LONG) -> When:
    """``moment`` (aware) for a reader in ``reader_zone``, of a session in ``zone``.
    An unknown reader's zone reads as UTC; an unknown session zone is named, not used."""
    reader = _zone(reader_zone)
    if reader is None:
        reader, reader_zone = ZoneInfo("UTC"), "UTC"
    local = moment.astimezone(reader)
    zone_time = ""
    session_zone = _zone(zone)
    if session_zone is not None and zone != reader_zone:
        zone_time = dateformat.format(moment.astimezone(session_zone), "H:i")
    return When(
        text=dateformat.format(local, format),
        reader_zone=reader_zone,
        zone=zone,
        zone_time=zone_time,
    )


def day_word(moment: dt.datetime, *, reader_zone: str, now: dt.datetime) -> str:
    """ "today", "tomorrow" or "on Thursday 5 March", by the reader's calendar at ``now``."""
    tz = ZoneInfo(reader_zone)
    days = (moment.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return "on " + dateformat.format(moment.astimezone(tz), "l j F")
