from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from peerlearn.validation import HardenedFormMixin

# Offered lifetimes; a short one is the safer default for a script's credential.
EXPIRY_CHOICES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("never", "Never"),
]


class ApiTokenCreateForm(HardenedFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, so you recognise it later (e.g. “CI sync”).",
    )
    expires_in = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, initial="90")

    def expires_at(self) -> dt.datetime | None:
        choice = self.cleaned_data["expires_in"]
        if choice == "never":
            return None
        return timezone.now() + dt.timedelta(days=int(choice))
