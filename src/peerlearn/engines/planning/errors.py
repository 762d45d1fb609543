"""The one error the planning engines raise: a message a lead can act on."""

from __future__ import annotations


class PlanningError(ValueError):
    """The input cannot give a plan at all (no slots, nobody who may facilitate, ...)."""
