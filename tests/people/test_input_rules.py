"""People's forms and services refuse control characters in one-line text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerlearn.people.forms import (
    AddExistingMemberForm,
    MembershipForm,
    NewPersonForm,
    ProfileForm,
    TeamForm,
)
from peerlearn.people.models import Organisation, Team, User
from peerlearn.people.services import (
    member_add_new_person,
    organisation_create,
    person_create,
    person_update_profile,
    team_create,
    team_update,
)
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

HOSTILE = ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\u202eb", "a\x85b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_profile_form_refuses_control_characters_in_the_name(value: str) -> None:
    form = ProfileForm({"display_name": value, "email": "b@example.com", "time_zone": "UTC"})
    assert not form.is_valid()
    assert "display_name" in form.errors


@pytest.mark.parametrize("value", HOSTILE)
def test_team_form_refuses_control_characters_in_the_name(value: str) -> None:
    form = TeamForm({"name": value, "description": "fine\nwith lines"})
    assert not form.is_valid()
    assert list(form.errors) == ["name"]


def test_team_form_keeps_line_breaks_in_the_description_but_not_nul() -> None:
    assert TeamForm({"name": "T", "description": "one\ntwo\tthree"}).is_valid()
    assert "description" in TeamForm({"name": "T", "description": "a\x00b"}).errors


def test_new_person_form_refuses_a_control_character_in_the_name() -> None:
    form = NewPersonForm(
        {
            "new-display_name": "Sam\u202e",
            "new-email": "sam@example.com",
            "new-username": "sam",
            "new-time_zone": "UTC",
            "new-role": "member",
            "new-joined_on": "2025-03-03",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["display_name"]


def test_every_people_form_is_hardened() -> None:
    from peerlearn.people.forms import AccountPasswordChangeForm, MembersCsvForm
    from peerlearn.validation import HardenedFormMixin

    for form in (
        ProfileForm,
        TeamForm,
        MembershipForm,
        AddExistingMemberForm,
        NewPersonForm,
        MembersCsvForm,
        AccountPasswordChangeForm,
    ):
        assert issubclass(form, HardenedFormMixin), form.__name__


def test_membership_form_refuses_a_date_outside_the_range() -> None:
    form = MembershipForm({"role": "member", "joined_on": "1901-01-01"})
    assert not form.is_valid()
    assert "between 1970-01-01 and 2100-12-31" in str(form.errors["joined_on"])


def test_team_page_shows_the_refusal_and_stores_nothing(cast: Cast) -> None:
    response = client_for(cast.olga).post(
        reverse("people:team_new"), {"name": "Evil\u202eTeam", "description": ""}
    )
    assert "text-direction override" in response.content.decode()
    assert not Team.objects.filter(name__startswith="Evil").exists()


@pytest.mark.parametrize("value", HOSTILE)
def test_services_refuse_control_characters_in_names(cast: Cast, value: str) -> None:
    with pytest.raises(ValidationError, match="one line"):
        organisation_create(name=value)
    with pytest.raises(ValidationError, match="one line"):
        team_create(organisation=cast.org, name=value)
    with pytest.raises(ValidationError, match="one line"):
        team_update(team=cast.platform, name=value, description="")
    with pytest.raises(ValidationError, match="one line"):
        person_create(
            organisation=cast.org, username="newbie", email="n@example.com", display_name=value
        )
    with pytest.raises(ValidationError, match="one line"):
        person_update_profile(
            person=cast.bob, display_name=value, email="bob@example.com", time_zone="UTC"
        )
    with pytest.raises(ValidationError, match="one line"):
        member_add_new_person(
            team=cast.platform, username="newbie", email="n@example.com", display_name=value
        )
    assert not Organisation.objects.exclude(pk__in=[cast.org.pk, cast.other_org.pk]).exists()
    assert not User.objects.filter(username="newbie").exists()
    cast.bob.refresh_from_db()
    assert cast.bob.display_name == "Bob"
    cast.platform.refresh_from_db()
    assert cast.platform.name == "Platform"


def test_services_refuse_nul_in_a_team_description(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="NUL"):
        team_create(organisation=cast.org, name="Docs", description="a\x00b")
    with pytest.raises(ValidationError, match="NUL"):
        team_update(team=cast.platform, name="Platform", description="a\x00b")
