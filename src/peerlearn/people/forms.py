from __future__ import annotations

import zoneinfo

from django import forms

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=200, required=False)
    email = forms.EmailField()
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
