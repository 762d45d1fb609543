"""Every write to people, teams and memberships goes through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
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
from peerlearn.people.selectors import import_directory


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
    except _RowFailed as failure:
        # Something changed between the check and the write (another admin at work).
        raise MembersImportRejected([failure.problem]) from None


class _RowFailed(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        self.problem = problem


@transaction.atomic
def _members_import_rows(
    *,
    organisation: Organisation,
    rows: list[MemberRow],
    directory: Directory,
    invited_by: User | None,
) -> ImportSummary:
    teams = Team.objects.in_bulk(set(directory.team_ids.values()))
    people = {
        person.email: person
        for person in User.objects.filter(
            organisation=organisation,
            email__in=[r.email for r in rows if r.email in directory.people_by_email],
        )
    }
    existing = set(
        Membership.objects.filter(user__in=people.values(), team__in=teams.values()).values_list(
            "user_id", "team_id"
        )
    )
    created = added = updated = 0
    for row in rows:
        team = teams[directory.team_ids[team_key(row.team)]]
        try:
            person = people.get(row.email)
            if person is None:
                person = person_create(
                    organisation=organisation,
                    username=row.username,
                    email=row.email,
                    display_name=row.display_name,
                    time_zone=row.time_zone or "UTC",
                )
                people[row.email] = person
                created += 1
                invitation_enqueue(person=person, invited_by=invited_by)
            if (person.pk, team.pk) in existing:
                updated += 1
            else:
                added += 1
            membership_set(team=team, person=person, role=row.role, joined_on=row.joined_on)
        except ValidationError as error:
            raise _RowFailed(ImportProblem("; ".join(error.messages), row=row.row)) from error
    return ImportSummary(
        people_created=created, memberships_added=added, memberships_updated=updated
    )
