"""Importing members from CSV: all or nothing, in a few bulk queries.

The file is checked in full (`people.csv_import`, then against the organisation) before
anything is written; then people, memberships, invitations and one audit entry are
written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.people.csv_import import (
    Directory,
    ImportProblem,
    MemberRow,
    check_against_directory,
    parse_members_csv,
    team_key,
)
from peerlearn.people.models import Membership, Organisation, User
from peerlearn.people.selectors import import_directory, memberships_of, people_by_email
from peerlearn.people.services import invitation_enqueue


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
    *,
    organisation: Organisation,
    data: bytes,
    invited_by: User | None = None,
    actor: User | None = None,
) -> ImportSummary:
    """Import members from CSV, all or nothing. Raises MembersImportRejected listing
    every problem (with row and column) when any row is wrong.

    People new to the organisation are created without a password and invited by mail;
    people already in it (same e-mail) keep their profile and get their membership of
    the named team added or updated. One audit entry lists what changed; `actor`
    defaults to `invited_by`.
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
            organisation=organisation,
            rows=parsed.rows,
            directory=directory,
            invited_by=invited_by,
            actor=actor or invited_by,
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
    actor: User | None,
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
    # One entry for the whole file (thousands of rows stay a handful of queries), naming
    # each membership as [person id, team id, role].
    audit_record(
        actor=actor,
        organisation=organisation,
        action="members.imported",
        details={
            "people_created": len(new_people),
            "memberships_added": [[m.user_id, m.team_id, m.role] for m in to_create],
            "memberships_updated": [[m.user_id, m.team_id, m.role] for m in to_update],
        },
    )
    return ImportSummary(
        people_created=len(new_people),
        memberships_added=len(to_create),
        memberships_updated=len(to_update),
    )
