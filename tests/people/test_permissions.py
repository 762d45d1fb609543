"""Who may do what on the people and management pages, and that a refusal changes nothing.

Rule (people/access.py): anonymous → sign-in page; outsider to the team (charlie, in
another team; zed, in another organisation) → 404; a member without the right → 403.
Organisation-wide pages need an organisation admin: everyone else signed in gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from peerlearn.people.models import Membership, Team, User
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

ACTORS = ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous"]

# Expected status per actor for the two kinds of page.
TEAM_MANAGE_GET = {"olga": 200, "alice": 200, "fiona": 403, "bob": 403, "charlie": 404, "zed": 404}
TEAM_MANAGE_POST = {"olga": 302, "alice": 302, "fiona": 403, "bob": 403, "charlie": 404, "zed": 404}
ORG_ADMIN_GET = {"olga": 200, "alice": 403, "fiona": 403, "bob": 403, "charlie": 403, "zed": 403}
ORG_ADMIN_POST = {**ORG_ADMIN_GET, "olga": 302}
ANY_SIGNED_IN_GET = dict.fromkeys(ACTORS[:-1], 200)
ANY_SIGNED_IN_POST = dict.fromkeys(ACTORS[:-1], 302)


def bob_membership(cast: Cast) -> Membership:
    return Membership.objects.get(team=cast.platform, user=cast.bob)


def csv_upload(cast: Cast) -> dict[str, Any]:
    content = b"username,email,display_name,team,role,joined_on,time_zone\n"
    content += b"ivan,ivan@example.com,Ivan,Platform,member,2024-01-01,UTC\n"
    return {"file": SimpleUploadedFile("m.csv", content, content_type="text/csv")}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[Cast], str]
    expected: dict[str, int]
    data: Callable[[Cast], dict[str, Any]] = lambda cast: {}


def platform(name: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(name, args=[cast.platform.pk])


def bobs(name: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(name, args=[cast.platform.pk, bob_membership(cast).pk])


CASES = [
    Case("manage root", "get", lambda c: reverse("people:manage"), {**ORG_ADMIN_GET, "olga": 302}),
    Case("manage teams", "get", lambda c: reverse("people:manage_teams"), ORG_ADMIN_GET),
    Case("new team form", "get", lambda c: reverse("people:team_new"), ORG_ADMIN_GET),
    Case(
        "create team",
        "post",
        lambda c: reverse("people:team_new"),
        ORG_ADMIN_POST,
        lambda c: {"name": "Skunkworks", "description": ""},
    ),
    Case("import form", "get", lambda c: reverse("people:members_import"), ORG_ADMIN_GET),
    Case("import", "post", lambda c: reverse("people:members_import"), ORG_ADMIN_POST, csv_upload),
    # The task log is for installation admins (staff) only; see test_task_results.py.
    Case(
        "task log", "get", lambda c: reverse("people:task_results"), dict.fromkeys(ACTORS[:-1], 403)
    ),
    Case("members page", "get", platform("people:team_members"), TEAM_MANAGE_GET),
    Case("edit team form", "get", platform("people:team_edit"), TEAM_MANAGE_GET),
    Case(
        "edit team",
        "post",
        platform("people:team_edit"),
        TEAM_MANAGE_POST,
        lambda c: {"name": "Renamed", "description": "changed"},
    ),
    Case(
        "add existing member",
        "post",
        platform("people:member_add_existing"),
        TEAM_MANAGE_POST,
        lambda c: {
            "existing-person": "charlie",
            "existing-role": "lead",
            "existing-joined_on": "2024-01-01",
        },
    ),
    Case(
        "add new person",
        "post",
        platform("people:member_add_new"),
        TEAM_MANAGE_POST,
        lambda c: {
            "new-display_name": "Ivan",
            "new-email": "ivan@example.com",
            "new-username": "ivan",
            "new-time_zone": "UTC",
            "new-role": "member",
            "new-joined_on": "2024-01-01",
        },
    ),
    Case(
        "change role",
        "post",
        bobs("people:membership_update"),
        TEAM_MANAGE_POST,
        lambda c: {
            f"m{bob_membership(c).pk}-role": "lead",
            f"m{bob_membership(c).pk}-joined_on": "2020-01-01",
        },
    ),
    Case("remove confirmation", "get", bobs("people:membership_remove"), TEAM_MANAGE_GET),
    Case("remove member", "post", bobs("people:membership_remove"), TEAM_MANAGE_POST),
    Case("resend invitation", "post", bobs("people:invitation_resend"), TEAM_MANAGE_POST),
    Case("account", "get", lambda c: reverse("people:account"), ANY_SIGNED_IN_GET),
    Case(
        "edit profile",
        "post",
        lambda c: reverse("people:account"),
        ANY_SIGNED_IN_POST,
        lambda c: {"display_name": "Changed", "email": "changed@example.com", "time_zone": "UTC"},
    ),
]


def state() -> dict[str, list[tuple[Any, ...]]]:
    """Everything a people page could write, to compare before and after a refusal."""
    return {
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name", "description")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("team_id", "user_id", "role", "joined_on")
        ),
        "people": list(
            User.objects.order_by("pk").values_list("username", "email", "display_name", "password")
        ),
    }


def client_as(cast: Cast, actor: str) -> Client:
    return client_for(None if actor == "anonymous" else getattr(cast, actor))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(cast: Cast, case: Case, actor: str) -> None:
    url = case.url(cast)
    data = case.data(cast)
    before = state()
    client = client_as(cast, actor)
    response = client.get(url) if case.method == "get" else client.post(url, data)

    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == case.expected[actor], response.content.decode()[:500]

    refused = actor == "anonymous" or response.status_code in (403, 404)
    if refused or case.method == "get":
        assert state() == before
        assert mail.outbox == []
    if refused and response.status_code == 404:
        # An outsider learns nothing about the team.
        assert "Platform" not in response.content.decode()


def test_post_only_pages_refuse_get(cast: Cast) -> None:
    client = client_for(cast.alice)
    for url in (
        reverse("people:member_add_existing", args=[cast.platform.pk]),
        reverse("people:member_add_new", args=[cast.platform.pk]),
        reverse("people:membership_update", args=[cast.platform.pk, bob_membership(cast).pk]),
        reverse("people:invitation_resend", args=[cast.platform.pk, bob_membership(cast).pk]),
        reverse("people:password_change"),
    ):
        assert client.get(url).status_code == 405, url


def test_org_admin_cannot_reach_another_organisations_team(cast: Cast) -> None:
    before = state()
    client = client_for(cast.olga)
    assert (
        client.get(reverse("people:team_members", args=[cast.foreign_team.pk])).status_code == 404
    )
    response = client.post(
        reverse("people:team_edit", args=[cast.foreign_team.pk]), {"name": "Taken over"}
    )
    assert response.status_code == 404
    assert state() == before


def test_lead_of_another_organisations_team_manages_only_that_team(cast: Cast) -> None:
    client = client_for(cast.zed)
    assert (
        client.get(reverse("people:team_members", args=[cast.foreign_team.pk])).status_code == 200
    )
    # Adding someone from the other organisation by name finds nobody.
    response = client.post(
        reverse("people:member_add_existing", args=[cast.foreign_team.pk]),
        {"existing-person": "bob", "existing-role": "member", "existing-joined_on": "2024-01-01"},
    )
    assert "Nobody in your organisation" in response.content.decode()
    assert not Membership.objects.filter(team=cast.foreign_team, user=cast.bob).exists()


def test_membership_ids_of_other_teams_are_not_found(cast: Cast) -> None:
    charlie = Membership.objects.get(team=cast.mobile, user=cast.charlie)
    client = client_for(cast.alice)
    before = state()
    for name in ("people:membership_remove", "people:invitation_resend"):
        url = reverse(name, args=[cast.platform.pk, charlie.pk])
        assert client.post(url).status_code == 404
    assert (
        client.get(reverse("people:membership_remove", args=[cast.platform.pk, 99999])).status_code
        == 404
    )
    assert state() == before


def test_task_log_is_open_to_operators_but_not_to_team_leads(cast: Cast) -> None:
    assert client_for(cast.alice).get(reverse("people:task_results")).status_code == 403
    operator = User.objects.create_superuser(username="op", email="op@example.com")
    assert client_for(operator).get(reverse("people:task_results")).status_code == 200
