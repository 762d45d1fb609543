"""The fixed cast every test uses (after healthchecks' alice/bob/charlie):

- alice: lead of team "Platform" (can manage it)
- bob: member of "Platform"
- fiona: facilitator of "Platform"
- charlie: member of "Mobile" only — an outsider to Platform
- olga: admin of the organisation, in no team
- zed: in another organisation entirely
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest
from django.test import Client

from peerlearn.people.models import Organisation, Team, User
from peerlearn.people.roles import Role
from peerlearn.people.services import (
    membership_set,
    organisation_create,
    person_create,
    team_create,
)

PASSWORD = "correct horse battery staple"


@dataclass
class Cast:
    org: Organisation
    other_org: Organisation
    platform: Team
    mobile: Team
    foreign_team: Team
    alice: User
    bob: User
    fiona: User
    charlie: User
    olga: User
    zed: User


def _person(org: Organisation, username: str, **extra: object) -> User:
    return person_create(
        organisation=org,
        username=username,
        email=f"{username}@example.com",
        display_name=username.title(),
        password=PASSWORD,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def cast(db: None) -> Cast:
    org = organisation_create(name="Example Co")
    other_org = organisation_create(name="Other Co")
    platform = team_create(organisation=org, name="Platform")
    mobile = team_create(organisation=org, name="Mobile")
    foreign_team = team_create(organisation=other_org, name="Foreign")
    alice = _person(org, "alice")
    bob = _person(org, "bob")
    fiona = _person(org, "fiona")
    charlie = _person(org, "charlie")
    olga = _person(org, "olga", is_org_admin=True)
    zed = _person(other_org, "zed")
    joined = dt.date(2025, 1, 6)
    membership_set(team=platform, person=alice, role=Role.LEAD, joined_on=joined)
    membership_set(team=platform, person=bob, role=Role.MEMBER, joined_on=joined)
    membership_set(team=platform, person=fiona, role=Role.FACILITATOR, joined_on=joined)
    membership_set(team=mobile, person=charlie, role=Role.MEMBER, joined_on=joined)
    membership_set(team=foreign_team, person=zed, role=Role.LEAD, joined_on=joined)
    return Cast(
        org, other_org, platform, mobile, foreign_team, alice, bob, fiona, charlie, olga, zed
    )


def uses_database(item: pytest.Item) -> bool:
    """Whether a test reaches the database (a django_db mark or a database fixture)."""
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "django_db_setup" in fixtures


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The PostgreSQL pass of scripts/test sets this: a test that never touches the
    # database was run already on SQLite and would only run the same code again.
    if os.environ.get("PEERLEARN_TESTS_DATABASE_ONLY") != "1":
        return
    kept = [item for item in items if uses_database(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = kept


def pytest_report_header() -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"peerlearn database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST', '')}"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
