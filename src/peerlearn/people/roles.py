"""Team roles and what each may do. The one table every permission check reads."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    FACILITATOR = "facilitator", "Facilitator"
    LEAD = "lead", "Lead"


class TeamAction(StrEnum):
    VIEW = "view"
    FACILITATE = "facilitate"  # plan and run sessions
    MANAGE = "manage"  # edit the team and its members


_ALLOWED: dict[TeamAction, frozenset[str]] = {
    TeamAction.VIEW: frozenset({Role.MEMBER, Role.FACILITATOR, Role.LEAD}),
    TeamAction.FACILITATE: frozenset({Role.FACILITATOR, Role.LEAD}),
    TeamAction.MANAGE: frozenset({Role.LEAD}),
}


def role_allows(role: str, action: TeamAction) -> bool:
    return role in _ALLOWED[action]
