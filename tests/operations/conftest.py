"""Fixtures of the operations tests: the audit log's cast of viewers; the browser setup
is the browser tests' own (Debian's Chromium)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from peerlearn.audit.models import AuditEvent
from peerlearn.people.admin_accounts import operator_create
from peerlearn.people.models import User
from peerlearn.people.services import person_create
from tests.browser.conftest import browser_type_launch_args, console  # noqa: F401
from tests.conftest import PASSWORD, Cast
from tests.operations.private_postgres import private_postgres  # noqa: F401


@dataclass
class AuditCast:
    cast: Cast
    other_admin: User  # admin of the other organisation
    operator: User
    own: list[AuditEvent]  # entries of the cast's organisation
    foreign: list[AuditEvent]  # entries of the other organisation


def event(
    cast_org: object, action: str, *, actor: User | None, days_ago: int, name: str
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=cast_org,
        at=timezone.now() - dt.timedelta(days=days_ago),
        actor=actor,
        actor_name=actor.name if actor else "",
        action=action,
        target_type="people.team",
        target_name=name,
        details={"role": ["member", "lead"]},
    )


@pytest.fixture
def audit(cast: Cast) -> AuditCast:
    other_admin = person_create(
        organisation=cast.other_org,
        username="oscar",
        email="oscar@example.com",
        display_name="Oscar",
        password=PASSWORD,
        is_org_admin=True,
    )
    operator = operator_create(
        username="root", email="root@example.com", password="operator-9f3k-long-pass"
    )
    AuditEvent.objects.all()  # the cast's own entries stay; ours are named to be found
    own = [
        event(cast.org, "membership.role_changed", actor=cast.olga, days_ago=1, name="Own-role"),
        event(cast.org, "repository.create", actor=cast.alice, days_ago=10, name="Own-repo"),
        event(cast.org, "session.cancel", actor=None, days_ago=40, name="Own-cancel"),
    ]
    foreign = [
        event(cast.other_org, "repository.create", actor=cast.zed, days_ago=2, name="Foreign-repo"),
    ]
    return AuditCast(cast, other_admin, operator, own, foreign)
