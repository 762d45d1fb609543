"""Gap fixtures: gaps of the cast's Platform team made through the services."""

from __future__ import annotations

from typing import Any

from peerlearn.gaps import services
from peerlearn.gaps.models import Gap
from peerlearn.people.models import Team, User
from tests.browser.conftest import browser_type_launch_args, console
from tests.knowledge.conftest import register, roots, source

# Fixtures of other folders: the knowledge map's (for signals) and the browser's.
__all__ = ["browser_type_launch_args", "console", "make_gap", "register", "roots", "source"]


def make_gap(team: Team, *, by: User | None = None, **overrides: Any) -> Gap:
    fields: dict[str, Any] = {"title": "How our deploy pipeline works", "description": ""}
    fields.update(overrides)
    return services.gap_create(team=team, raised_by=by, **fields)
