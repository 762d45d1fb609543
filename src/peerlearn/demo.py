"""The demo organisation that `peerlearn demo` loads: two teams, a dozen people, some history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from peerlearn.capture.demo_capture import demo_capture_load
from peerlearn.gaps.demo_backlog import demo_backlog_load
from peerlearn.knowledge.demo_repo import demo_repository_load
from peerlearn.people.models import Organisation, User
from peerlearn.people.roles import Role
from peerlearn.people.services import (
    membership_set,
    organisation_create,
    person_create,
    team_create,
)
from peerlearn.schedule.demo_sessions import demo_sessions_load

DEMO_PASSWORD = "peerlearn-demo"  # noqa: S105 — printed for the demo logins on purpose
DEMO_ORGANISATION_SLUG = "northwind"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    time_zone: str
    # (team slug, role, days since joining)
    teams: tuple[tuple[str, str, int], ...]
    is_org_admin: bool = False


DEMO_TEAMS = (
    ("platform", "Platform", "Build pipeline, deploys, the shared Python services."),
    ("mobile", "Mobile Apps", "The iOS and Android apps and their API gateway."),
)

DEMO_PEOPLE = (
    DemoPerson("admin", "Avery Admin", "Europe/London", (), is_org_admin=True),
    DemoPerson("alice", "Alice Moreau", "Europe/Paris", (("platform", Role.LEAD, 1400),)),
    DemoPerson("bob", "Bob Okafor", "Africa/Lagos", (("platform", Role.FACILITATOR, 900),)),
    DemoPerson("carol", "Carol Nguyen", "Asia/Ho_Chi_Minh", (("platform", Role.MEMBER, 610),)),
    DemoPerson("dan", "Dan Kowalski", "Europe/Warsaw", (("platform", Role.MEMBER, 420),)),
    DemoPerson("erin", "Erin Walsh", "Europe/Dublin", (("platform", Role.MEMBER, 35),)),
    DemoPerson(
        "frank",
        "Frank Müller",
        "Europe/Berlin",
        (("platform", Role.MEMBER, 200), ("mobile", Role.FACILITATOR, 500)),
    ),
    DemoPerson("grace", "Grace Hopper-Li", "America/New_York", (("mobile", Role.LEAD, 1100),)),
    DemoPerson("heidi", "Heidi Larsen", "Europe/Oslo", (("mobile", Role.FACILITATOR, 760),)),
    DemoPerson("ivan", "Ivan Petrov", "Europe/Sofia", (("mobile", Role.MEMBER, 330),)),
    DemoPerson("judy", "Judy Tanaka", "Asia/Tokyo", (("mobile", Role.MEMBER, 150),)),
    DemoPerson("oscar", "Óscar Ramírez", "America/Mexico_City", (("mobile", Role.MEMBER, 20),)),
)


def demo_logins() -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    for person in DEMO_PEOPLE[:4] + DEMO_PEOPLE[7:8]:
        if person.is_org_admin:
            logins.append((person.username, "organisation admin (manages every team)"))
        else:
            roles = ", ".join(f"{role} of {slug}" for slug, role, _ in person.teams)
            logins.append((person.username, roles))
    return logins


@transaction.atomic
def demo_load(today: dt.date | None = None) -> list[tuple[str, str]]:
    """Load the demo organisation once; later calls leave the data as the user changed it."""
    if Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).exists():
        return demo_logins()
    today = today or timezone.localdate()
    organisation = organisation_create(name="Northwind Software", slug=DEMO_ORGANISATION_SLUG)
    teams = {
        slug: team_create(organisation=organisation, name=name, slug=slug, description=text)
        for slug, name, text in DEMO_TEAMS
    }
    password_hash = make_password(DEMO_PASSWORD)
    people: dict[str, User] = {}
    for entry in DEMO_PEOPLE:
        person = people[entry.username] = person_create(
            organisation=organisation,
            username=entry.username,
            email=f"{entry.username}@northwind.example",
            display_name=entry.display_name,
            time_zone=entry.time_zone,
            is_org_admin=entry.is_org_admin,
        )
        # One hash for everyone: hashing the demo password per person cost ~3 s in all.
        # The organisation admin is not staff: Django admin is for operators only.
        person.password = password_hash
        person.save(update_fields=["password"])
        for slug, role, days in entry.teams:
            membership_set(
                team=teams[slug],
                person=person,
                role=role,
                joined_on=today - dt.timedelta(days=days),
            )
    demo_sessions_load(teams=teams, people=people)
    demo_repository_load(team=teams["platform"], today=today)
    demo_backlog_load(teams=teams, people=people)
    demo_capture_load(teams=teams, people=people)
    return demo_logins()
