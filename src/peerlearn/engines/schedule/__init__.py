"""Session formats, recurring series and their iCalendar feeds — pure Python, no Django.

The Django ``sessions`` app keeps rows; these engines turn them into facts:

- ``formats``: the four formats (durations, roles, agenda template, checklist) and
  their validation (``validate_duration`` → "Lunch & Learn lasts 30-60 minutes; 75 is
  outside it").
- ``patterns`` + ``recurrence``: a ``Series`` (weekly, sprint cycle, nth weekday of
  the month, in an IANA zone, with skips and per-occurrence overrides) validated on
  construction, and ``occurrences(series, start, end)`` / ``upcoming(series, after, n)``.
- ``ical``: ``feed``, ``invitation``, ``cancellation`` (RFC 5545 bytes) and ``etag``,
  written by ``ics_writer`` (escaping, parameter quoting, value formats, line folding).

Every bad input raises ``ScheduleError`` (a ``ValueError``) with a message for people
and a ``field`` for forms.
"""

from peerlearn.engines.schedule.errors import ScheduleError
from peerlearn.engines.schedule.formats import FORMATS, SessionFormat, get_format
from peerlearn.engines.schedule.patterns import MonthlyNthWeekday, SprintCycle, Weekday, Weekly
from peerlearn.engines.schedule.recurrence import (
    Occurrence,
    Override,
    Series,
    Status,
    occurrences,
    upcoming,
)

__all__ = [
    "FORMATS",
    "MonthlyNthWeekday",
    "Occurrence",
    "Override",
    "ScheduleError",
    "Series",
    "SessionFormat",
    "SprintCycle",
    "Status",
    "Weekday",
    "Weekly",
    "get_format",
    "occurrences",
    "upcoming",
]
