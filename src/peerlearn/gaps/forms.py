"""Forms of the gap backlog. They shape the input; the services check it and the views
put a service's refusal on the field it names (`attach`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from peerlearn.gaps.models import GapSource, GapStatus, Importance
from peerlearn.gaps.rules import DESCRIPTION_MAX, TITLE_MAX
from peerlearn.validation import HardenedFormMixin

# Sources a person picks by hand; the others are set by the way a gap came in.
HAND_SOURCES = [
    (value, label)
    for value, label in GapSource.choices
    if value not in (GapSource.ANONYMOUS, GapSource.ONE_ON_ONE)
]
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a retrospective export
TRACKER_MAX_BYTES = 20 * 1024 * 1024  # an issue tracker export


class AttachMixin:
    def attach(self, error: ValidationError) -> None:
        form: Any = self
        if hasattr(error, "error_dict"):
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            form.add_error(None, error)


class GapForm(AttachMixin, HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, help_text="What the team needs to learn.")
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown. Where it hurt, what you tried, links.",
    )
    source = forms.ChoiceField(choices=HAND_SOURCES, initial=GapSource.OTHER)
    code_areas = forms.CharField(
        label="Code areas",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Paths in the repository, one a line (src/payments/, api/auth.py).",
    )


class GapEditForm(GapForm):
    importance = forms.TypedChoiceField(
        choices=Importance.choices,
        coerce=int,
        initial=Importance.NORMAL,
        required=False,
        empty_value=None,  # left out: unchanged
    )

    def __init__(self, *args: Any, can_triage: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["source"]
        if not can_triage:
            del self.fields["importance"]


class AnonymousAskForm(AttachMixin, HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, label="What would you like to learn?")
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown. Leave out anything that would tell who you are.",
    )


class StatusForm(AttachMixin, HardenedFormMixin, forms.Form):
    status = forms.ChoiceField(choices=GapStatus.choices)
    reason = forms.CharField(required=False, max_length=300, help_text="Needed to drop a gap.")


class MergeForm(AttachMixin, HardenedFormMixin, forms.Form):
    into = forms.IntegerField(label="Merge into gap #", min_value=1)


class OfferForm(AttachMixin, HardenedFormMixin, forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what you would show, which format suits it.",
    )


class TopicOfferForm(OfferForm):
    topic = forms.CharField(max_length=TITLE_MAX, label="A topic you want to teach")

    field_order = ["topic", "note"]


class LinkSessionForm(AttachMixin, HardenedFormMixin, forms.Form):
    session = forms.TypedChoiceField(coerce=int, label="Session")

    def __init__(self, *args: Any, sessions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = sessions  # type: ignore[attr-defined]


class ImportUploadForm(AttachMixin, HardenedFormMixin, forms.Form):
    KINDS = [
        ("csv", "CSV export of a retrospective (Parabol, EasyRetro, Retrium, a spreadsheet)"),
        ("markdown", "Markdown bullet list"),
    ]
    kind = forms.ChoiceField(choices=KINDS, widget=forms.RadioSelect, initial="csv")
    source = forms.ChoiceField(choices=HAND_SOURCES, initial=GapSource.RETROSPECTIVE)
    file = forms.FileField(required=False, help_text="At most 2 MB.")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Or paste the bullet list here.",
        max_length=MAX_UPLOAD_BYTES,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file is {upload.size:,} bytes; at most 2 MB.")
        return upload


class NoteForm(AttachMixin, HardenedFormMixin, forms.Form):
    held_on = forms.DateField(label="1:1 on", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you will ever see this note.",
    )


class NoteToGapForm(AttachMixin, HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the team with no name on it; write it so nobody can tell who said it.",
    )


class PostMortemForm(AttachMixin, HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, label="Incident")
    happened_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    what_we_did_not_know = forms.CharField(
        label="What we didn't know",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    what_would_have_helped = forms.CharField(
        label="What would have helped",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.URLField(required=False, max_length=500, label="Link to the post-mortem")


class OnboardingStepForm(AttachMixin, HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, label="New step")


class OnboardingMarkForm(AttachMixin, HardenedFormMixin, forms.Form):
    done = forms.BooleanField(required=False)
    hard = forms.BooleanField(required=False, label="This was hard")
    comment = forms.CharField(required=False, max_length=2000, label="What made it hard?")
