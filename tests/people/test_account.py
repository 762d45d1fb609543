from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, Cast, client_for

pytestmark = pytest.mark.django_db


def test_account_page_shows_profile_and_password_forms(cast: Cast) -> None:
    body = client_for(cast.bob).get(reverse("people:account")).content.decode()
    assert 'value="bob@example.com"' in body
    assert '<option value="UTC" selected>UTC</option>' in body
    assert 'name="old_password"' in body
    assert 'for="id_display_name"' in body


def test_profile_edit_saves(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("people:account"),
        {"display_name": "Robert", "email": "Robert@Example.com", "time_zone": "Asia/Tokyo"},
        follow=True,
    )
    assert "Your profile is saved." in response.content.decode()
    cast.bob.refresh_from_db()
    assert (cast.bob.display_name, cast.bob.email, cast.bob.time_zone) == (
        "Robert",
        "robert@example.com",
        "Asia/Tokyo",
    )


def test_profile_edit_refuses_an_address_in_use(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("people:account"),
        {"display_name": "Bob", "email": "ZED@example.com", "time_zone": "UTC"},
    )
    body = response.content.decode()
    assert "This e-mail address is used by another account." in body
    assert 'aria-describedby="id_email_error"' in body
    cast.bob.refresh_from_db()
    assert cast.bob.email == "bob@example.com"


def test_profile_edit_refuses_an_unknown_time_zone(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("people:account"),
        {"display_name": "Bob", "email": "bob@example.com", "time_zone": "Mars/Olympus"},
    )
    assert "Select a valid choice." in response.content.decode()
    cast.bob.refresh_from_db()
    assert cast.bob.time_zone == "UTC"


def test_password_change_keeps_this_session_and_ends_others(cast: Cast) -> None:
    here, elsewhere = Client(), Client()
    assert here.login(username="bob", password=PASSWORD)
    assert elsewhere.login(username="bob", password=PASSWORD)
    new = "a different long passphrase 7"
    response = here.post(
        reverse("people:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password is changed." in response.content.decode()
    assert here.get(reverse("people:account")).status_code == 200
    assert elsewhere.get(reverse("people:account")).status_code == 302
    assert Client().login(username="bob", password=new)
    assert not Client().login(username="bob", password=PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(cast: Cast) -> None:
    new = "a different long passphrase 7"
    response = client_for(cast.bob).post(
        reverse("people:password_change"),
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert Client().login(username="bob", password=PASSWORD)


def test_password_change_applies_the_password_rules(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("people:password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert "This password is too short." in response.content.decode()
    assert Client().login(username="bob", password=PASSWORD)


def test_password_change_is_post_only(cast: Cast) -> None:
    assert client_for(cast.bob).get(reverse("people:password_change")).status_code == 405


def test_account_links_to_api_tokens(cast: Cast) -> None:
    body = client_for(cast.bob).get(reverse("people:account")).content.decode()
    assert f'href="{reverse("tokens:list")}"' in body


# --- revoking API tokens and calendar feeds with a password change ------------------------

NEW_PASSWORD = "a different long passphrase 7"


def change_password(client: Client, **extra: str) -> str:
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("people:password_change"), data | extra, follow=True)
    return response.content.decode()


def test_password_form_offers_revocation_ticked(cast: Cast) -> None:
    body = client_for(cast.bob).get(reverse("people:account")).content.decode()
    assert 'name="revoke_credentials"' in body
    checkbox = body.split('name="revoke_credentials"')[1].split(">")[0]
    assert "checked" in checkbox


def test_password_change_revokes_api_tokens_and_calendar_feeds(cast: Cast) -> None:
    from peerlearn.api.models import ApiToken
    from peerlearn.api.services import api_token_create
    from peerlearn.audit.models import AuditEvent
    from peerlearn.schedule.feeds import calendar_feed_create
    from tests.api.conftest import bearer_client

    _, secret = api_token_create(user=cast.bob, name="script")
    api_token_create(user=cast.bob, name="CI")
    _, alice_secret = api_token_create(user=cast.alice, name="hers")
    _, personal = calendar_feed_create(owner=cast.bob)
    _, team = calendar_feed_create(owner=cast.bob, team=cast.platform)
    _, alices_feed = calendar_feed_create(owner=cast.alice)
    assert bearer_client(secret).get("/api/me").status_code == 200

    body = change_password(client_for(cast.bob), revoke_credentials="on")

    assert "Your password is changed." in body
    assert "2 API tokens and 2 calendar feed links no longer work" in body
    assert not ApiToken.objects.filter(user=cast.bob, revoked_at__isnull=True).exists()
    assert bearer_client(secret).get("/api/me").status_code == 401
    for token in (personal, team):
        assert Client().get(reverse("schedule:feed", args=[token])).status_code == 404
    # Other people's keep working.
    assert bearer_client(alice_secret).get("/api/me").status_code == 200
    assert Client().get(reverse("schedule:feed", args=[alices_feed])).status_code == 200
    event = AuditEvent.objects.get(action="account.credentials_revoked")
    assert (event.actor, event.target_id, event.organisation_id) == (
        cast.bob,
        cast.bob.pk,
        cast.org.pk,
    )
    assert event.details == {"api_tokens": 2, "calendar_feeds": 2}


def test_password_change_unticked_keeps_tokens_and_feeds(cast: Cast) -> None:
    from peerlearn.api.services import api_token_create
    from peerlearn.schedule.feeds import calendar_feed_create
    from tests.api.conftest import bearer_client

    _, secret = api_token_create(user=cast.bob, name="script")
    _, personal = calendar_feed_create(owner=cast.bob)
    body = change_password(client_for(cast.bob))  # an unticked box is not sent
    assert "Your password is changed." in body
    assert bearer_client(secret).get("/api/me").status_code == 200
    assert Client().get(reverse("schedule:feed", args=[personal])).status_code == 200
