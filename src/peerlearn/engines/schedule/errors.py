"""The one error type the schedule engines raise for bad input."""

from __future__ import annotations


class ScheduleError(ValueError):
    """Input that cannot describe a real session, series or feed.

    ``field`` names the input at fault (``"duration"``, ``"interval"``, ``"until"``…) so
    a form can attach the message to the right widget; the message itself is written
    for the person who typed the value.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
