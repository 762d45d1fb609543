"""Every write to people, teams and memberships goes through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from peerlearn.people.csv_import import (
    Directory,
    ImportProblem,
    MemberRow,
    check_against_directory,
    parse_members_csv,
    team_key,
)
from peerlearn.people.models import Membership, Organisation, Team, User
from peerlearn.people.roles import Role
from peerlearn.people.selectors import import_directory, memberships_of, people_by_email
from peerlearn.validation import check_multi_line, check_single_line


@transaction.atomic
def organisation_create(*, name: str, slug: str | None = None) -> Organisation:
    check_single_line(name, field="name")
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
    check_single_line(display_name, field="display_name")
    person = User(
        organisation=organisation,
        username=username,
        email=email.strip().lower(),
        display_name=display_name,
        time_zone=time_zone,
        is_org_admin=is_org_admin,
    )
    _check_email_free(email=person.email)
    if password is None:
        person.set_unusable_password()
    else:
        person.set_password(password)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update_profile(*, person: User, display_name: str, email: str, time_zone: str) -> User:
    check_single_line(display_name, field="display_name")
    person.display_name = display_name
    person.email = email.strip().lower()
    person.time_zone = time_zone
    _check_email_free(email=person.email, pk=person.pk)
    person.full_clean()
    person.save(update_fields=["display_name", "email", "time_zone"])
    return person


@transaction.atomic
def person_set_password(*, person: User, password: str) -> User:
    """Set a password already checked by the password validators (the form does that)."""
    person.set_password(password)
    person.save(update_fields=["password"])
    return person


def invitation_enqueue(*, person: User, invited_by: User | None = None) -> None:
    """Queue the invitation mail once the surrounding transaction has committed.

    After commit, so the worker finds the person, and a rolled-back import sends nothing.
    """
    from peerlearn.people.tasks import send_invitation  # tasks import this module

    transaction.on_commit(
        partial(
            send_invitation.enqueue,
            person_id=person.pk,
            invited_by_id=invited_by.pk if invited_by else None,
        )
    )


def _check_team_name_free(
    *, organisation: Organisation, name: str, slug: str | None = None, pk: int | None = None
) -> None:
    # Teams are found by name or short name (slug) in CSV imports, so both stay unique.
    others = Team.objects.filter(organisation=organisation)
    if pk is not None:
        others = others.exclude(pk=pk)
    taken = others.filter(name__iexact=name.strip()).exists()
    if not taken and slug:
        taken = others.filter(slug=slug).exists()
    if taken:
        raise ValidationError({"name": f"A team called “{name.strip()}” exists already."})


def _check_team_text(*, name: str, description: str) -> None:
    check_single_line(name, field="name")
    check_multi_line(description, field="description")


def _check_email_free(*, email: str, pk: int | None = None) -> None:
    # The database constraint would say so too, but not in words a person can act on.
    others = User.objects.filter(email__iexact=email)
    if pk is not None:
        others = others.exclude(pk=pk)
    if email and others.exists():
        raise ValidationError({"email": "This e-mail address is used by another account."})


@transaction.atomic
def team_create(
    *, organisation: Organisation, name: str, slug: str | None = None, description: str = ""
) -> Team:
    _check_team_text(name=name, description=description)
    team = Team(
        organisation=organisation,
        name=name.strip(),
        slug=slug or slugify(name)[:80],
        description=description,
    )
    if not team.slug:
        raise ValidationError({"name": "The name needs at least one letter or digit."})
    _check_team_name_free(organisation=organisation, name=name, slug=team.slug)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_update(*, team: Team, name: str, description: str) -> Team:
    # The slug stays: it is the team's stable short name, used in imports and links.
    _check_team_text(name=name, description=description)
    _check_team_name_free(organisation=team.organisation, name=name, pk=team.pk)
    team.name = name.strip()
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
def member_add_new_person(
    *,
    team: Team,
    username: str,
    email: str,
    display_name: str = "",
    time_zone: str = "UTC",
    role: str = Role.MEMBER,
    joined_on: dt.date | None = None,
    invited_by: User | None = None,
) -> Membership:
    """Create a person without a password, add them to the team and invite them by mail."""
    person = person_create(
        organisation=team.organisation,
        username=username,
        email=email,
        display_name=display_name,
        time_zone=time_zone,
    )
    membership = membership_set(team=team, person=person, role=role, joined_on=joined_on)
    invitation_enqueue(person=person, invited_by=invited_by)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()


@dataclass(frozen=True)
class ImportSummary:
    people_created: int
    memberships_added: int
    memberships_updated: int


class MembersImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


def members_import_csv(
    *, organisation: Organisation, data: bytes, invited_by: User | None = None
) -> ImportSummary:
    """Import members from CSV, all or nothing. Raises MembersImportRejected listing
    every problem (with row and column) when any row is wrong.

    People new to the organisation are created without a password and invited by mail;
    people already in it (same e-mail) keep their profile and get their membership of
    the named team added or updated.
    """
    parsed = parse_members_csv(data)
    if parsed.problems:
        raise MembersImportRejected(parsed.problems)
    directory = import_directory(organisation.pk, parsed.rows)
    problems = check_against_directory(parsed.rows, directory)
    if problems:
        raise MembersImportRejected(problems)
    try:
        return _members_import_rows(
            organisation=organisation, rows=parsed.rows, directory=directory, invited_by=invited_by
        )
    except IntegrityError:
        # Someone took a username or address between the check and the write.
        raise MembersImportRejected(
            [
                ImportProblem(
                    "The organisation changed while importing; nothing was imported. Try again."
                )
            ]
        ) from None


@transaction.atomic
def _members_import_rows(
    *,
    organisation: Organisation,
    rows: list[MemberRow],
    directory: Directory,
    invited_by: User | None,
) -> ImportSummary:
    """Write rows already checked in full, in a few bulk queries (thousands of rows
    one by one through person_create and membership_set take minutes)."""
    people = {
        person.email.lower(): person
        for person in people_by_email(organisation.pk, [row.email for row in rows])
    }
    new_people: dict[str, User] = {}
    for row in rows:
        if row.email in people or row.email in new_people:
            continue
        person = User(
            organisation=organisation,
            username=row.username,
            email=row.email,
            display_name=row.display_name,
            time_zone=row.time_zone or "UTC",
        )
        person.set_unusable_password()
        new_people[row.email] = person
    User.objects.bulk_create(new_people.values(), batch_size=500)
    people.update(new_people)

    wanted: dict[tuple[int, int], MemberRow] = {
        (people[row.email].pk, directory.team_ids[team_key(row.team)]): row for row in rows
    }
    existing = {
        (membership.user_id, membership.team_id): membership
        for membership in memberships_of(
            [person.pk for person in people.values() if person.email not in new_people]
        )
    }
    to_update: list[Membership] = []
    to_create: list[Membership] = []
    for (person_id, team_id), row in wanted.items():
        membership = existing.get((person_id, team_id))
        if membership is None:
            to_create.append(
                Membership(
                    user_id=person_id,
                    team_id=team_id,
                    role=row.role,
                    joined_on=row.joined_on or timezone.localdate(),
                )
            )
        else:
            membership.role = row.role
            membership.joined_on = row.joined_on or membership.joined_on
            to_update.append(membership)
    Membership.objects.bulk_create(to_create, batch_size=500)
    Membership.objects.bulk_update(to_update, ["role", "joined_on"], batch_size=500)
    for person in new_people.values():
        invitation_enqueue(person=person, invited_by=invited_by)
    return ImportSummary(
        people_created=len(new_people),
        memberships_added=len(to_create),
        memberships_updated=len(to_update),
    )
