"""Who did that? Changes to memberships, organisation admins and API tokens are in the
audit log with their actor, whichever way they were made (pages, API, CLI, admin)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerlearn.api.models import ApiToken
from peerlearn.audit.models import AuditEvent
from peerlearn.people.admin_accounts import admin_create, operator_create
from peerlearn.people.models import Membership, User
from peerlearn.people.services import membership_set
from tests.api.conftest import bearer_client, token_for
from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db


_since = {"pk": 0}


@pytest.fixture(autouse=True)
def _only_what_the_test_does(cast: Cast) -> None:
    # The cast itself is made through the services, which record it too.
    _since["pk"] = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def events(action: str | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(pk__gt=_since["pk"]).order_by("pk")
    return list(found if action is None else found.filter(action=action))


def only(action: str) -> AuditEvent:
    found = events(action)
    assert len(found) == 1, [str(event) for event in events()]
    return found[0]


def test_role_change_on_the_members_page_is_recorded(cast: Cast) -> None:
    membership = Membership.objects.get(team=cast.platform, user=cast.bob)
    client_for(cast.alice).post(
        reverse("people:membership_update", args=[cast.platform.pk, membership.pk]),
        {f"m{membership.pk}-role": "facilitator", f"m{membership.pk}-joined_on": "2025-01-06"},
    )
    event = only("membership.role_changed")
    assert (event.actor, event.actor_name, event.organisation_id) == (
        cast.alice,
        "Alice",
        cast.org.pk,
    )
    assert (event.target_type, event.target_id) == ("people.membership", membership.pk)
    assert event.details == {"person": cast.bob.pk, "team": cast.platform.pk,
                             "role": ["member", "facilitator"]}  # fmt: skip


def test_saving_a_membership_unchanged_records_nothing(cast: Cast) -> None:
    membership_set(team=cast.platform, person=cast.bob, role="member", actor=cast.alice)
    assert events() == []


def test_joining_date_change_is_recorded(cast: Cast) -> None:
    import datetime as dt

    membership_set(
        team=cast.platform, person=cast.bob, joined_on=dt.date(2024, 5, 6), actor=cast.olga
    )
    event = only("membership.joined_on_changed")
    assert event.actor == cast.olga
    assert event.details["joined_on"] == ["2025-01-06", "2024-05-06"]


def test_adding_and_removing_members_on_the_pages_is_recorded(cast: Cast) -> None:
    client = client_for(cast.alice)
    client.post(
        reverse("people:member_add_existing", args=[cast.platform.pk]),
        {"existing-person": "charlie", "existing-role": "member",
         "existing-joined_on": "2025-02-03"},
    )  # fmt: skip
    added = only("membership.added")
    assert added.actor == cast.alice
    assert added.details == {"person": cast.charlie.pk, "team": cast.platform.pk,
                             "role": "member", "joined_on": "2025-02-03"}  # fmt: skip

    membership = Membership.objects.get(team=cast.platform, user=cast.charlie)
    client.post(reverse("people:membership_remove", args=[cast.platform.pk, membership.pk]))
    removed = only("membership.removed")
    assert (removed.actor, removed.target_id) == (cast.alice, membership.pk)
    assert removed.target_name == "Charlie in Platform (member)"
    assert removed.details == {"person": cast.charlie.pk, "team": cast.platform.pk,
                               "role": "member"}  # fmt: skip


def test_adding_a_new_person_is_recorded(cast: Cast) -> None:
    client_for(cast.alice).post(
        reverse("people:member_add_new", args=[cast.platform.pk]),
        {"new-display_name": "Sam", "new-email": "sam@example.com", "new-username": "sam",
         "new-time_zone": "UTC", "new-role": "lead", "new-joined_on": "2025-03-03"},
    )  # fmt: skip
    sam = User.objects.get(username="sam")
    event = only("membership.added")
    assert event.actor == cast.alice
    assert event.details["person"] == sam.pk
    assert event.details["role"] == "lead"


def test_a_csv_import_is_recorded_with_what_it_changed(cast: Cast) -> None:
    content = (
        "username,email,display_name,team,role,joined_on,time_zone\n"
        "ada,ada@example.com,Ada,Platform,lead,2024-03-04,\n"
        ",bob@example.com,,Platform,facilitator,,\n"
    )
    client_for(cast.olga).post(
        reverse("people:members_import"),
        {"file": SimpleUploadedFile("m.csv", content.encode(), content_type="text/csv")},
    )
    ada = User.objects.get(username="ada")
    event = only("members.imported")
    assert (event.actor, event.organisation_id) == (cast.olga, cast.org.pk)
    assert event.details == {
        "people_created": 1,
        "memberships_added": [[ada.pk, cast.platform.pk, "lead"]],
        "memberships_updated": [[cast.bob.pk, cast.platform.pk, "facilitator"]],
    }


def test_member_writes_through_the_api_are_recorded(cast: Cast) -> None:
    client = bearer_client(token_for(cast.alice))
    url = f"/api/teams/{cast.platform.pk}/members/{cast.charlie.pk}"
    client.put(url, data={"role": "member"}, content_type="application/json")
    assert only("membership.added").actor == cast.alice
    client.delete(url)
    assert only("membership.removed").actor == cast.alice


def test_organisation_admin_grants_are_recorded(cast: Cast) -> None:
    ada = admin_create(
        username="ada", email="ada@example.com", password=PASSWORD, organisation_name="Example Co"
    )
    granted = only("person.org_admin_granted")
    assert (granted.actor, granted.target_id, granted.organisation_id) == (
        None,
        ada.pk,
        cast.org.pk,
    )


def test_organisation_admin_grants_in_django_admin_are_recorded(cast: Cast) -> None:
    root = operator_create(username="root", email="root@example.com", password="op pass 2026!")
    client = client_for(root)
    url = reverse("admin:people_user_change", args=[cast.bob.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data |= {
        "date_joined_0": cast.bob.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": cast.bob.date_joined.strftime("%H:%M:%S"),
        "is_active": "on",
        "is_org_admin": "on",
    }
    data.pop("date_joined", None)
    data.pop("last_login", None)
    assert client.post(url, data).status_code == 302
    event = only("person.org_admin_granted")
    assert (event.actor, event.target_id) == (root, cast.bob.pk)

    data.pop("is_org_admin")
    client.post(url, data)
    assert only("person.org_admin_revoked").actor == root


def test_api_token_creation_and_revocation_are_recorded(cast: Cast) -> None:
    client = client_for(cast.bob)
    client.post(reverse("tokens:list"), {"name": "Laptop", "expires_in": "30"})
    token = ApiToken.objects.get(user=cast.bob)
    created = only("api_token.created")
    assert (created.actor, created.target_id, created.organisation_id) == (
        cast.bob,
        token.pk,
        cast.org.pk,
    )
    assert created.target_name == f"Laptop (pl_{token.prefix}_…)"
    client.post(reverse("tokens:revoke", args=[token.pk]))
    client.post(reverse("tokens:revoke", args=[token.pk]))  # twice: one revocation
    assert only("api_token.revoked").actor == cast.bob


def test_password_change_revocation_records_each_token(cast: Cast) -> None:
    token_for(cast.bob, "one")
    token_for(cast.bob, "two")
    new = "a different long passphrase 7"
    client_for(cast.bob).post(
        reverse("people:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new,
         "revoke_credentials": "on"},
    )  # fmt: skip
    assert [event.actor for event in events("api_token.revoked")] == [cast.bob, cast.bob]
    assert only("account.credentials_revoked").details["api_tokens"] == 2
