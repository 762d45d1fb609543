"""The publish form: what the facilitator confirms of the proposal, as editable text."""

from __future__ import annotations

from django import forms

from peerlearn.gaps.forms import AttachMixin
from peerlearn.kb.rules import SUMMARY_MAX, TITLE_MAX
from peerlearn.validation import HardenedFormMixin


class PublishForm(AttachMixin, HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    summary = forms.CharField(
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. Two or three sentences a colleague reads in a minute.",
    )
    takeaways = forms.CharField(
        required=False,
        max_length=6_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One per line. Proposed from the notes and transcript: keep, edit or delete.",
    )
    action_items = forms.CharField(
        required=False,
        max_length=6_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Action items to create",
        help_text="One per line, “- [ ] @username what”. Delete the lines you do not want.",
    )
    tags = forms.CharField(required=False, max_length=500, help_text="Words, separated by commas.")
    code_areas = forms.CharField(
        required=False,
        max_length=3_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Paths in the repository this session was about, one per line.",
    )
    open_to_organisation = forms.BooleanField(
        required=False, label="Everyone in the organisation may read this page"
    )
