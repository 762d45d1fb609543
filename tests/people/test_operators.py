"""Operators (superusers, no organisation) run Django admin; organisation admins do not.

An organisation admin who could open Django admin could list every organisation's
people and set another organisation's user's password. These tests make organisation
admins the ways an installation does (`createadmin`, the demo) and knock on the door.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from peerlearn.demo import demo_load
from peerlearn.people.access import is_operator
from peerlearn.people.admin_accounts import admin_create, operator_create
from peerlearn.people.models import Membership, User
from peerlearn.people.services import membership_set
from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db

OPERATOR_PASSWORD = "operator passphrase 2026"


def operator() -> User:
    return operator_create(username="root", email="root@example.com", password=OPERATOR_PASSWORD)


def test_createadmin_makes_an_organisation_admin_who_is_no_operator(cast: Cast) -> None:
    person = admin_create(
        username="ada", email="ada@example.com", password=PASSWORD, organisation_name="Example Co"
    )
    assert person.organisation == cast.org
    assert person.is_org_admin
    assert (person.is_staff, person.is_superuser) == (False, False)
    assert not is_operator(person)


def test_demo_admin_is_an_organisation_admin_who_is_no_operator() -> None:
    demo_load()
    admin = User.objects.get(username="admin")
    assert admin.is_org_admin
    assert (admin.is_staff, admin.is_superuser) == (False, False)
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()


def test_organisation_admin_is_refused_at_django_admin(cast: Cast) -> None:
    ada = admin_create(
        username="ada", email="ada@example.com", password=PASSWORD, organisation_name="Example Co"
    )
    client = client_for(ada)
    for url in (
        reverse("admin:index"),
        reverse("admin:people_user_changelist"),
        reverse("admin:people_user_change", args=[cast.zed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "zed" not in response.content.decode()


def test_organisation_admin_cannot_set_another_organisations_password(cast: Cast) -> None:
    ada = admin_create(
        username="ada", email="ada@example.com", password=PASSWORD, organisation_name="Example Co"
    )
    url = reverse("admin:auth_user_password_change", args=[cast.zed.pk])
    client = client_for(ada)
    assert client.get(url).status_code == 403
    taken = "taken over 12345"
    response = client.post(url, {"password1": taken, "password2": taken, "usable_password": "true"})
    assert response.status_code == 403
    cast.zed.refresh_from_db()
    assert cast.zed.check_password(PASSWORD)
    assert not cast.zed.check_password(taken)


def test_staff_who_are_not_superusers_are_refused_at_django_admin(cast: Cast) -> None:
    staff = User.objects.create_user(username="sam", email="sam@example.com", is_staff=True)
    assert client_for(staff).get(reverse("admin:index")).status_code == 403


def test_operator_uses_django_admin_for_every_organisation(cast: Cast) -> None:
    root = operator()
    assert root.organisation is None
    assert (root.is_staff, root.is_superuser) == (True, True)
    assert is_operator(root)
    body = client_for(root).get(reverse("admin:people_user_changelist")).content.decode()
    assert "zed" in body
    assert "alice" in body


def test_a_superuser_with_an_organisation_is_no_operator(cast: Cast) -> None:
    # What databases from before the data migration held; the check does not trust it.
    User.objects.filter(pk=cast.olga.pk).update(is_staff=True, is_superuser=True)
    olga = User.objects.get(pk=cast.olga.pk)
    assert not is_operator(olga)
    assert client_for(olga).get(reverse("admin:index")).status_code == 403


def test_django_admin_signs_in_through_the_apps_login_page() -> None:
    response = Client().get(reverse("admin:login") + "?next=/admin/people/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/people/user/"
    anonymous = Client().get(reverse("admin:index"), follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/accounts/login/")


def test_admin_login_form_does_not_sign_anyone_in(cast: Cast) -> None:
    operator()
    client = Client()
    client.post(reverse("admin:login"), {"username": "root", "password": OPERATOR_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_admin_refuses_to_make_an_organisation_member_an_operator(cast: Cast) -> None:
    olga = cast.olga
    olga.is_superuser = True
    with pytest.raises(ValidationError) as raised:
        olga.full_clean()
    assert "organisation" in str(raised.value)


def test_admin_refuses_a_membership_in_another_organisations_team(cast: Cast) -> None:
    client = client_for(operator())
    url = reverse("admin:people_team_change", args=[cast.platform.pk])
    existing = list(Membership.objects.filter(team=cast.platform).order_by("pk"))
    data: dict[str, object] = {
        "organisation": cast.org.pk,
        "name": "Platform",
        "slug": "platform",
        "description": "",
        "created_at_0": "2025-01-01",
        "created_at_1": "10:00:00",
        "memberships-TOTAL_FORMS": len(existing) + 1,
        "memberships-INITIAL_FORMS": len(existing),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for index, membership in enumerate(existing):
        data |= {
            f"memberships-{index}-id": membership.pk,
            f"memberships-{index}-team": cast.platform.pk,
            f"memberships-{index}-user": membership.user_id,
            f"memberships-{index}-role": membership.role,
            f"memberships-{index}-joined_on": membership.joined_on.isoformat(),
        }
    new = len(existing)
    data |= {
        f"memberships-{new}-team": cast.platform.pk,
        f"memberships-{new}-user": cast.zed.pk,
        f"memberships-{new}-role": "member",
        f"memberships-{new}-joined_on": "2025-02-03",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "can only join teams of their own organisation" in response.content.decode()
    assert not Membership.objects.filter(team=cast.platform, user=cast.zed).exists()


def test_admin_refuses_to_move_a_team_with_its_members_to_another_organisation(
    cast: Cast,
) -> None:
    client = client_for(operator())
    url = reverse("admin:people_team_change", args=[cast.mobile.pk])
    charlie = Membership.objects.get(team=cast.mobile, user=cast.charlie)
    data = {
        "organisation": cast.other_org.pk,
        "name": "Mobile",
        "slug": "mobile",
        "description": "",
        "created_at_0": "2025-01-01",
        "created_at_1": "10:00:00",
        "memberships-TOTAL_FORMS": 1,
        "memberships-INITIAL_FORMS": 1,
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
        "memberships-0-id": charlie.pk,
        "memberships-0-team": cast.mobile.pk,
        "memberships-0-user": cast.charlie.pk,
        "memberships-0-role": charlie.role,
        "memberships-0-joined_on": charlie.joined_on.isoformat(),
    }
    response = client.post(url, data)
    assert "can only join teams of their own organisation" in response.content.decode()
    cast.mobile.refresh_from_db()
    assert cast.mobile.organisation == cast.org


def test_admin_refuses_to_move_a_person_in_teams_to_another_organisation(cast: Cast) -> None:
    client = client_for(operator())
    url = reverse("admin:people_user_change", args=[cast.charlie.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data |= {
        "organisation": cast.other_org.pk,
        "date_joined_0": cast.charlie.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": cast.charlie.date_joined.strftime("%H:%M:%S"),
        "is_active": "on",
    }
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert "is in teams of" in response.content.decode()
    cast.charlie.refresh_from_db()
    assert cast.charlie.organisation == cast.org


def test_services_refuse_a_membership_in_another_organisations_team(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="own organisation"):
        membership_set(team=cast.platform, person=cast.zed)
    with pytest.raises(ValidationError, match="own organisation"):
        Membership(team=cast.platform, user=cast.zed).full_clean()
    assert not Membership.objects.filter(user=cast.zed, team=cast.platform).exists()


def test_data_migration_takes_operator_rights_from_organisation_members(cast: Cast) -> None:
    User.objects.filter(pk=cast.olga.pk).update(is_staff=True, is_superuser=True)
    root = operator()
    migration = importlib.import_module(
        "peerlearn.people.migrations.0005_organisation_people_are_not_operators"
    )
    migration.take_operator_rights_from_organisation_people(apps, None)
    cast.olga.refresh_from_db()
    root.refresh_from_db()
    assert (cast.olga.is_staff, cast.olga.is_superuser, cast.olga.is_org_admin) == (
        False,
        False,
        True,
    )
    assert (root.is_staff, root.is_superuser) == (True, True)


def test_operator_without_organisation_sees_an_empty_dashboard() -> None:
    operator()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "root", "password": OPERATOR_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
