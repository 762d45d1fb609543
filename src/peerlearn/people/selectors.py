"""Reusable reads for people and teams. Query counts stay constant in the number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django_tasks_db.models import DBTaskResult

from peerlearn.people.access import AnyUser, teams_visible_to
from peerlearn.people.csv_import import Directory, KnownPerson, MemberRow, team_key
from peerlearn.people.models import Membership, Team, User


@dataclass(frozen=True)
class TeamCard:
    team: Team
    member_count: int
    my_role: str | None


def dashboard_teams(user: AnyUser) -> list[TeamCard]:
    """The viewer's teams with member counts and the viewer's role, in one query."""
    my_role = Membership.objects.filter(team=OuterRef("pk"), user_id=user.pk or 0).values("role")
    teams = (
        teams_visible_to(user)
        .annotate(member_count=Count("memberships"), my_role=Subquery(my_role[:1]))
        .order_by("name")
    )
    return [TeamCard(team=t, member_count=t.member_count, my_role=t.my_role) for t in teams]


def team_members(team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


def organisation_teams_with_counts(organisation_id: int) -> QuerySet[Team]:
    return (
        Team.objects.filter(organisation_id=organisation_id)
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def person_in_organisation(organisation_id: int, identifier: str) -> User | None:
    """Find a person of the organisation by username or e-mail address."""
    identifier = identifier.strip()
    if not identifier:
        return None
    lookup = Q(email__iexact=identifier) if "@" in identifier else Q(username__iexact=identifier)
    return User.objects.filter(lookup, organisation_id=organisation_id, is_active=True).first()


# Databases cap the number of parameters in one query (SQLite at 32766, older ones at 999).
_IN_BATCH = 500


def _batches(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_BATCH):
        yield values[start : start + _IN_BATCH]


def people_by_email(organisation_id: int, emails: list[str]) -> list[User]:
    """People of the organisation with these addresses, whatever the case they were stored in."""
    found: list[User] = []
    for batch in _batches(sorted({email.lower() for email in emails})):
        found += User.objects.annotate(email_lower=Lower("email")).filter(
            organisation_id=organisation_id, email_lower__in=batch
        )
    return found


def memberships_of(person_ids: list[int]) -> list[Membership]:
    found: list[Membership] = []
    for start in range(0, len(person_ids), _IN_BATCH):
        found += Membership.objects.filter(user_id__in=person_ids[start : start + _IN_BATCH])
    return found


def import_directory(organisation_id: int, rows: list[MemberRow]) -> Directory:
    """What the import needs to know about the organisation, for the rows of one file."""
    team_ids: dict[str, int] = {}
    teams = Team.objects.filter(organisation_id=organisation_id).values_list("pk", "slug", "name")
    for pk, _slug, name in teams:
        team_ids.setdefault(team_key(name), pk)
    for pk, slug, _name in teams:
        team_ids[team_key(slug)] = pk  # the short name wins over another team's name
    emails = sorted({row.email for row in rows})
    usernames = sorted({row.username.lower() for row in rows if row.username})
    by_email: dict[str, KnownPerson] = {}
    by_username: dict[str, KnownPerson] = {}
    found = []
    for batch in _batches(emails):
        found += list(
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=batch)
            .values_list("email", "username", "organisation_id")
        )
    for batch in _batches(usernames):
        found += list(
            User.objects.annotate(username_lower=Lower("username"))
            .filter(username_lower__in=batch)
            .values_list("email", "username", "organisation_id")
        )
    for email, username, person_organisation_id in found:
        known = KnownPerson(
            email=email.lower(),
            username=username,
            in_organisation=person_organisation_id == organisation_id,
        )
        if known.email:
            by_email[known.email] = known
        by_username[username.lower()] = known
    return Directory(team_ids=team_ids, people_by_email=by_email, people_by_username=by_username)


def is_member(team: Team, person: User) -> bool:
    return Membership.objects.filter(team=team, user=person).exists()


RECENT_TASK_RESULTS = 100


@dataclass(frozen=True)
class TaskLog:
    results: list[DBTaskResult[Any, Any]]
    counts: dict[str, int]


def recent_task_results(*, status: str | None = None, limit: int = RECENT_TASK_RESULTS) -> TaskLog:
    """The newest background task results, optionally of one status, with counts per status."""
    results = DBTaskResult.objects.order_by("-enqueued_at").defer("args_kwargs", "return_value")
    if status:
        results = results.filter(status=status)
    counts = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
    return TaskLog(results=list(results[:limit]), counts=counts)
