from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from peerlearn.people.models import Membership, User
from peerlearn.people.roles import Role
from peerlearn.people.services import membership_set, person_create
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def members_url(cast: Cast) -> str:
    return reverse("people:team_members", args=[cast.platform.pk])


def membership_of(cast: Cast, person: User) -> Membership:
    return Membership.objects.get(team=cast.platform, user=person)


def test_members_page_lists_members_with_editable_rows(cast: Cast) -> None:
    response = client_for(cast.alice).get(members_url(cast))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("Alice", "Bob", "Fiona"):
        assert name in body
    assert "Charlie" not in body
    bob = membership_of(cast, cast.bob)
    assert f'id="membership-{bob.pk}"' in body
    # Each input is labelled and tied to its row's form.
    assert f'for="id_m{bob.pk}-role"' in body
    assert f'form="membership-{bob.pk}-form"' in body
    assert 'value="2025-01-06"' in body


def test_add_existing_person_by_username(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        reverse("people:member_add_existing", args=[cast.platform.pk]),
        {
            "existing-person": "charlie",
            "existing-role": "facilitator",
            "existing-joined_on": "2024-05-06",
        },
        follow=True,
    )
    assert "Charlie is now in Platform." in response.content.decode()
    membership = membership_of(cast, cast.charlie)
    assert membership.role == Role.FACILITATOR
    assert membership.joined_on == dt.date(2024, 5, 6)


def test_add_existing_refuses_a_person_of_another_organisation(cast: Cast) -> None:
    response = client_for(cast.olga).post(
        reverse("people:member_add_existing", args=[cast.platform.pk]),
        {
            "existing-person": "zed@example.com",
            "existing-role": "member",
            "existing-joined_on": "2024-05-06",
        },
    )
    body = response.content.decode()
    assert "Nobody in your organisation has this username or e-mail address" in body
    assert 'aria-invalid="true"' in body
    assert not Membership.objects.filter(team=cast.platform, user=cast.zed).exists()


def test_add_existing_refuses_someone_already_in_the_team(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        reverse("people:member_add_existing", args=[cast.platform.pk]),
        {"existing-person": "bob", "existing-role": "lead", "existing-joined_on": "2024-05-06"},
    )
    assert "Bob is in Platform already" in response.content.decode()
    assert membership_of(cast, cast.bob).role == Role.MEMBER


def new_person_data(**overrides: str) -> dict[str, str]:
    data = {
        "new-display_name": "Nadia Newcomer",
        "new-email": "Nadia@Example.com",
        "new-username": "nadia",
        "new-time_zone": "Europe/Berlin",
        "new-role": "member",
        "new-joined_on": "2025-02-03",
    }
    data.update(overrides)
    return data


def test_add_new_person_creates_account_and_sends_invitation(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = client_for(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:member_add_new", args=[cast.platform.pk]), new_person_data()
        )
    assert response.status_code == 302
    nadia = User.objects.get(username="nadia")
    assert nadia.email == "nadia@example.com"
    assert nadia.organisation == cast.org
    assert nadia.time_zone == "Europe/Berlin"
    assert not nadia.has_usable_password()
    assert membership_of(cast, nadia).joined_on == dt.date(2025, 2, 3)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.com"]
    assert "Alice has added you" in message.body
    assert "Your username is: nadia" in message.body

    # The link lets Nadia choose a password; she is signed in, and can sign in again later.
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert link is not None
    anonymous = client_for(None)
    form_page = anonymous.get(link.group(1), follow=True)
    assert "Welcome to peerlearn" in form_page.content.decode()
    done = anonymous.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("web:dashboard")
    assert "Your password is set" in done.content.decode()
    assert client_for(None).login(username="nadia", password="a long new passphrase 42")
    # The link works once.
    again = client_for(None).get(link.group(1), follow=True)
    assert "This invitation link no longer works" in again.content.decode()


def test_add_new_person_page_shows_it_pending_and_can_resend(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = client_for(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:member_add_new", args=[cast.platform.pk]), new_person_data())
    body = client.get(members_url(cast)).content.decode()
    assert "invited" in body
    nadia = membership_of(cast, User.objects.get(username="nadia"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:invitation_resend", args=[cast.platform.pk, nadia.pk]), follow=True
        )
    assert "A new invitation is on its way to nadia@example.com" in response.content.decode()
    assert len(mail.outbox) == 2


def test_resend_is_refused_once_a_password_is_set(cast: Cast) -> None:
    bob = membership_of(cast, cast.bob)
    response = client_for(cast.alice).post(
        reverse("people:invitation_resend", args=[cast.platform.pk, bob.pk]), follow=True
    )
    assert "Bob has chosen a password already" in response.content.decode()
    assert mail.outbox == []


def test_add_new_person_with_a_taken_email_says_so_and_writes_nothing(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.alice).post(
            reverse("people:member_add_new", args=[cast.platform.pk]),
            new_person_data(**{"new-email": "ZED@example.com"}),
        )
    body = response.content.decode()
    assert "This e-mail address is used by another account." in body
    assert 'id="id_new-email_error"' in body  # linked to the field by aria-describedby
    assert not User.objects.filter(username="nadia").exists()
    assert mail.outbox == []


def test_add_new_person_with_a_taken_username_says_so(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        reverse("people:member_add_new", args=[cast.platform.pk]),
        new_person_data(**{"new-username": "bob"}),
    )
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(email="nadia@example.com").count() == 0


def test_htmx_update_returns_the_row_and_a_status(cast: Cast) -> None:
    bob = membership_of(cast, cast.bob)
    prefix = f"m{bob.pk}"
    response = client_for(cast.alice).post(
        reverse("people:membership_update", args=[cast.platform.pk, bob.pk]),
        {f"{prefix}-role": "facilitator", f"{prefix}-joined_on": "2024-02-29"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="membership-{bob.pk}">')
    assert "<html" not in body
    assert 'hx-swap-oob="true"' in body
    assert "Saved: Bob is facilitator, joined on 2024-02-29." in body
    bob.refresh_from_db()
    assert (bob.role, bob.joined_on) == (Role.FACILITATOR, dt.date(2024, 2, 29))


def test_htmx_update_with_a_bad_date_shows_the_error_in_the_row(cast: Cast) -> None:
    bob = membership_of(cast, cast.bob)
    prefix = f"m{bob.pk}"
    response = client_for(cast.alice).post(
        reverse("people:membership_update", args=[cast.platform.pk, bob.pk]),
        {f"{prefix}-role": "lead", f"{prefix}-joined_on": "2024-02-30"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Enter a valid date." in body
    assert f'id="id_{prefix}-joined_on_error"' in body
    bob.refresh_from_db()
    assert bob.role == Role.MEMBER


def test_update_without_htmx_redirects_back_with_a_message(cast: Cast) -> None:
    bob = membership_of(cast, cast.bob)
    prefix = f"m{bob.pk}"
    response = client_for(cast.alice).post(
        reverse("people:membership_update", args=[cast.platform.pk, bob.pk]),
        {f"{prefix}-role": "lead", f"{prefix}-joined_on": "2024-01-01"},
        follow=True,
    )
    assert "Saved: Bob is lead, joined on 2024-01-01." in response.content.decode()
    bob.refresh_from_db()
    assert bob.role == Role.LEAD


def test_lead_who_steps_down_is_sent_to_the_team_page(cast: Cast) -> None:
    alice = membership_of(cast, cast.alice)
    prefix = f"m{alice.pk}"
    response = client_for(cast.alice).post(
        reverse("people:membership_update", args=[cast.platform.pk, alice.pk]),
        {f"{prefix}-role": "member", f"{prefix}-joined_on": "2025-01-06"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("web:team", args=[cast.platform.pk])
    alice.refresh_from_db()
    assert alice.role == Role.MEMBER


def test_membership_of_another_team_is_not_found_through_this_team(cast: Cast) -> None:
    charlie = Membership.objects.get(team=cast.mobile, user=cast.charlie)
    prefix = f"m{charlie.pk}"
    response = client_for(cast.alice).post(
        reverse("people:membership_update", args=[cast.platform.pk, charlie.pk]),
        {f"{prefix}-role": "lead", f"{prefix}-joined_on": "2024-01-01"},
    )
    assert response.status_code == 404
    charlie.refresh_from_db()
    assert charlie.role == Role.MEMBER


def test_remove_asks_for_confirmation_then_removes(cast: Cast) -> None:
    bob = membership_of(cast, cast.bob)
    url = reverse("people:membership_remove", args=[cast.platform.pk, bob.pk])
    client = client_for(cast.alice)
    confirm = client.get(url)
    assert "Remove Bob from Platform?" in confirm.content.decode()
    assert Membership.objects.filter(pk=bob.pk).exists()
    response = client.post(url, follow=True)
    assert "Bob is no longer in Platform." in response.content.decode()
    assert not Membership.objects.filter(pk=bob.pk).exists()
    assert User.objects.filter(pk=cast.bob.pk).exists()


def test_members_page_escapes_hostile_names(cast: Cast) -> None:
    person = person_create(
        organisation=cast.org,
        username="mallory",
        email="mallory@example.com",
        display_name="<script>alert(1)</script>",
    )
    membership_set(team=cast.platform, person=person)
    body = client_for(cast.alice).get(members_url(cast)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("extra_members", [0, 25])
def test_members_page_queries_are_constant_in_member_count(
    cast: Cast, extra_members: int, django_assert_num_queries: Any
) -> None:
    for number in range(extra_members):
        person = person_create(
            organisation=cast.org, username=f"p{number}", email=f"p{number}@example.com"
        )
        membership_set(team=cast.platform, person=person)
    client = client_for(cast.alice)
    client.get(members_url(cast))
    # session with person, team with alice's role, the members with their accounts
    with django_assert_num_queries(4):
        response = client.get(members_url(cast))
    assert response.content.decode().count('<tr id="membership-') == 3 + extra_members
