from __future__ import annotations

from django import forms

from peerlearn.chat.models import ChatEvent
from peerlearn.chat.services import NAME_MAX
from peerlearn.engines.chat import SERVICES
from peerlearn.gaps.forms import AttachMixin
from peerlearn.validation import HardenedFormMixin

DEFAULT_EVENTS = [
    ChatEvent.SESSION_NEW,
    ChatEvent.SESSION_CHANGED,
    ChatEvent.REMINDER,
    ChatEvent.NEEDS_FACILITATOR,
]


class WebhookForm(AttachMixin, HardenedFormMixin, forms.Form):
    service = forms.ChoiceField(choices=list(SERVICES.items()))
    name = forms.CharField(
        max_length=NAME_MAX, help_text="What people call it, e.g. the channel: #platform."
    )
    url = forms.CharField(
        label="Webhook URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "Slack: an incoming webhook (https://hooks.slack.com/services/…). Microsoft "
            "Teams: a Workflows flow started by a webhook request. Mattermost: an "
            "incoming webhook. Kept secret: only its host is shown afterwards."
        ),
    )
    events = forms.MultipleChoiceField(
        choices=ChatEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULT_EVENTS,
        label="Notify about",
    )


class WebhookEventsForm(AttachMixin, HardenedFormMixin, forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    events = forms.MultipleChoiceField(
        choices=ChatEvent.choices, widget=forms.CheckboxSelectMultiple, label="Notify about"
    )
