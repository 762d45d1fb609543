"""Every write to people, teams and memberships goes through these functions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from peerlearn.people.models import Membership, Organisation, Team, User
from peerlearn.people.roles import Role


@transaction.atomic
def organisation_create(*, name: str, slug: str | None = None) -> Organisation:
    organisation = Organisation(name=name, slug=slug or slugify(name)[:80])
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def person_create(
    *,
    organisation: Organisation,
    username: str,
    email: str,
    display_name: str = "",
    time_zone: str = "UTC",
    password: str | None = None,
    is_org_admin: bool = False,
) -> User:
    person = User(
        organisation=organisation,
        username=username,
        email=email.strip().lower(),
        display_name=display_name,
        time_zone=time_zone,
        is_org_admin=is_org_admin,
    )
    if password is None:
        person.set_unusable_password()
    else:
        person.set_password(password)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update_profile(*, person: User, display_name: str, email: str, time_zone: str) -> User:
    person.display_name = display_name
    person.email = email.strip().lower()
    person.time_zone = time_zone
    person.full_clean()
    person.save(update_fields=["display_name", "email", "time_zone"])
    return person


@transaction.atomic
def team_create(
    *, organisation: Organisation, name: str, slug: str | None = None, description: str = ""
) -> Team:
    team = Team(
        organisation=organisation,
        name=name,
        slug=slug or slugify(name)[:80],
        description=description,
    )
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_update(*, team: Team, name: str, description: str) -> Team:
    team.name = name
    team.description = description
    team.full_clean()
    team.save(update_fields=["name", "description"])
    return team


@transaction.atomic
def membership_set(
    *,
    team: Team,
    person: User,
    role: str = Role.MEMBER,
    joined_on: dt.date | None = None,
) -> Membership:
    """Add the person to the team, or change their role and joining date there."""
    if person.organisation_id != team.organisation_id:
        raise ValidationError("A person can only join teams of their own organisation.")
    if role not in Role.values:
        raise ValidationError(f"{role!r} is not a role; use one of {', '.join(Role.values)}.")
    membership, _ = Membership.objects.select_for_update().get_or_create(
        team=team, user=person, defaults={"role": role}
    )
    membership.role = role
    if joined_on is not None:
        membership.joined_on = joined_on
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()
