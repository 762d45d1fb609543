"""Every write to people, teams and memberships goes through these functions."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from peerlearn.audit.services import audit_record
from peerlearn.people.models import Membership, Organisation, Team, User
from peerlearn.people.roles import Role
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
    actor: User | None = None,
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
    if is_org_admin:
        org_admin_change_record(person=person, granted=True, actor=actor)
    return person


def org_admin_change_record(*, person: User, granted: bool, actor: User | None) -> None:
    """Audit a grant or withdrawal of organisation admin rights (already saved)."""
    audit_record(
        actor=actor,
        organisation=person.organisation_id,
        action="person.org_admin_granted" if granted else "person.org_admin_revoked",
        target=person,
    )


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
    actor: User | None = None,
) -> Membership:
    """Add the person to the team, or change their role and joining date there."""
    if person.organisation_id != team.organisation_id:
        raise ValidationError("A person can only join teams of their own organisation.")
    if role not in Role.values:
        raise ValidationError(f"{role!r} is not a role; use one of {', '.join(Role.values)}.")
    membership, created = Membership.objects.select_for_update().get_or_create(
        team=team, user=person, defaults={"role": role}
    )
    before = (membership.role, membership.joined_on)
    membership.team, membership.user = team, person  # known already: clean() reads them
    membership.role = role
    if joined_on is not None:
        membership.joined_on = joined_on
    membership.full_clean()
    membership.save()
    _membership_change_record(membership=membership, created=created, before=before, actor=actor)
    return membership


def _membership_change_record(
    *, membership: Membership, created: bool, before: tuple[str, dt.date], actor: User | None
) -> None:
    details: dict[str, object] = {"person": membership.user_id, "team": membership.team_id}
    if created:
        action = "membership.added"
        details |= {"role": membership.role, "joined_on": membership.joined_on.isoformat()}
    else:
        old_role, old_joined_on = before
        if old_role != membership.role:
            details["role"] = [old_role, membership.role]
        if old_joined_on != membership.joined_on:
            details["joined_on"] = [old_joined_on.isoformat(), membership.joined_on.isoformat()]
        if "role" in details:
            action = "membership.role_changed"
        elif "joined_on" in details:
            action = "membership.joined_on_changed"
        else:
            return  # saved as it was: nothing happened
    audit_record(
        actor=actor,
        organisation=membership.team.organisation_id,
        action=action,
        target=membership,
        details=details,
    )


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
    actor: User | None = None,
) -> Membership:
    """Create a person without a password, add them to the team and invite them by mail.

    `actor` (who did it, for the audit log) defaults to `invited_by`.
    """
    actor = actor or invited_by
    person = person_create(
        organisation=team.organisation,
        username=username,
        email=email,
        display_name=display_name,
        time_zone=time_zone,
        actor=actor,
    )
    membership = membership_set(
        team=team, person=person, role=role, joined_on=joined_on, actor=actor
    )
    invitation_enqueue(person=person, invited_by=invited_by)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None = None) -> None:
    audit_record(
        actor=actor,
        organisation=membership.team.organisation_id,
        action="membership.removed",
        target=membership,
        details={
            "person": membership.user_id,
            "team": membership.team_id,
            "role": membership.role,
        },
    )
    membership.delete()
