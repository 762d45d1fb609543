from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from peerlearn.people.csv_import import MAX_FILE_BYTES, too_large_message
from peerlearn.people.models import Membership, User
from peerlearn.people.roles import Role
from peerlearn.people.selectors import person_in_organisation
from peerlearn.people.time_zones import time_zone_choices
from peerlearn.validation import HardenedFormMixin, single_line_validator

TIME_ZONE_CHOICES = time_zone_choices()


class PlainSelect(forms.Select):
    """A flat select rendered in Python. Django's template per option makes the ~600
    time zones cost ~40 ms a page; this takes about a millisecond."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, mark_safe(" selected") if str(choice) in selected else "", label)
                for choice, label in self.choices
            ),
        )
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final_attrs, options)


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ProfileForm(HardenedFormMixin, forms.Form):
    display_name = forms.CharField(
        max_length=200, required=False, help_text="How your name is shown to your teams."
    )
    email = forms.EmailField(label="E-mail address")
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        widget=PlainSelect,
        help_text="Session times are shown in this time zone.",
    )


class AccountPasswordChangeForm(HardenedFormMixin, PasswordChangeForm):
    revoke_credentials = forms.BooleanField(
        label="Also revoke my API tokens and calendar feed links",
        required=False,
        initial=True,
        help_text="They work without your password: if someone else may have known it, "
        "they may have made them. You can make new ones afterwards.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The current password is whatever it is; refusing characters in it would only
        # stop its owner from replacing it.
        old = self.fields["old_password"]
        old.validators = [v for v in old.validators if v is not single_line_validator]


class TeamForm(HardenedFormMixin, forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the team works on; shown on its page.",
    )


class MembershipForm(HardenedFormMixin, forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)
    joined_on = forms.DateField(
        label="Joined the team on",
        widget=DateInput(),
        help_text="Onboarding time is measured from this date.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "joined_on" not in self.initial:
            self.initial["joined_on"] = timezone.localdate()


class MembershipRowForm(MembershipForm):
    """The role and date of one row of the members table, edited in place."""

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"m{membership.pk}")
        kwargs.setdefault("initial", {"role": membership.role, "joined_on": membership.joined_on})
        super().__init__(*args, **kwargs)
        # The inputs sit in other table cells than their <form>; `form=` ties them to it.
        for field in self.fields.values():
            field.widget.attrs["form"] = row_form_id(membership)
            field.help_text = ""


def row_form_id(membership: Membership) -> str:
    return f"membership-{membership.pk}-form"


class AddExistingMemberForm(MembershipForm):
    person = forms.CharField(
        label="Username or e-mail address",
        max_length=254,
        help_text="Someone who already has an account in your organisation.",
    )
    field_order = ["person", "role", "joined_on"]

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "existing")
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id

    def clean_person(self) -> User:
        identifier = self.cleaned_data["person"]
        person = person_in_organisation(self.organisation_id, identifier)
        if person is None:
            raise ValidationError(
                "Nobody in your organisation has this username or e-mail address. "
                "Use “Add a new person” below to create their account."
            )
        return person


class NewPersonForm(MembershipForm):
    display_name = forms.CharField(label="Name", max_length=200)
    email = forms.EmailField(
        label="E-mail address", help_text="The invitation to choose a password goes here."
    )
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="For signing in: letters, digits and @ . + - _ only.",
    )
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, widget=PlainSelect, initial="UTC")
    field_order = ["display_name", "email", "username", "time_zone", "role", "joined_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class MembersCsvForm(HardenedFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, at most 2 MB, with the columns described above.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "empty": "The file is empty.",
            "required": "Choose a CSV file to import.",
        },
    )

    def clean_file(self) -> bytes:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # Checked before reading, so an oversized upload is not pulled into memory.
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise ValidationError(too_large_message(upload.size))
        data = b"".join(upload.chunks())
        if len(data) > MAX_FILE_BYTES:
            raise ValidationError(too_large_message(len(data)))
        return data
