"""Forms of session capture: they shape the input, the services check it."""

from __future__ import annotations

from django import forms

from peerlearn.capture.rules import ACTION_TEXT_MAX, EVIDENCE_NOTE_MAX, NOTES_MAX
from peerlearn.gaps.forms import AttachMixin
from peerlearn.people.models import Team, User
from peerlearn.validation import HardenedFormMixin

TRANSCRIPT_MAX_BYTES = 20 * 1024 * 1024


class NotesForm(AttachMixin, HardenedFormMixin, forms.Form):
    body = forms.CharField(
        required=False,
        max_length=NOTES_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "notes-editor"}),
        label="Notes",
        help_text=(
            "Markdown: tables, task lists, footnotes, code blocks, ```mermaid diagrams. "
            "A line like “- [ ] @alice write the runbook (due 2026-12-10)” becomes an "
            "action item."
        ),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def _owner_field(team: Team) -> forms.ModelChoiceField[User]:
    people = User.objects.filter(memberships__team=team).order_by("display_name", "username")
    return forms.ModelChoiceField(queryset=people, required=False, empty_label="nobody yet")


class ActionItemForm(AttachMixin, HardenedFormMixin, forms.Form):
    text = forms.CharField(max_length=ACTION_TEXT_MAX, label="What is to be done")
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(team)
        self.order_fields(["text", "owner", "due"])


class CloseItemForm(AttachMixin, HardenedFormMixin, forms.Form):
    status = forms.ChoiceField(choices=[("done", "Done"), ("dropped", "Dropped")])
    evidence_url = forms.CharField(
        required=False, max_length=500, label="Evidence (link)",
        help_text="A merged change, a page, a document.",
    )  # fmt: skip
    evidence_note = forms.CharField(required=False, max_length=EVIDENCE_NOTE_MAX, label="Note")


class RecordingLinkForm(AttachMixin, HardenedFormMixin, forms.Form):
    url = forms.CharField(max_length=500, label="Link to the recording")


class TranscriptForm(AttachMixin, HardenedFormMixin, forms.Form):
    file = forms.FileField(label="Transcript (.vtt, .srt or .sbv)")

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > TRANSCRIPT_MAX_BYTES:
            raise forms.ValidationError(
                f"At most {TRANSCRIPT_MAX_BYTES // (1024 * 1024)} MB ({upload.size:,} bytes given)."
            )
        return upload
