"""Forms of planning: they shape the input, the services check it and the views put a
service's refusal on the field it names (`attach`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from peerlearn.engines.planning.topics import FORMATS as PLANNER_FORMATS
from peerlearn.engines.schedule import formats, timezones
from peerlearn.gaps.forms import AttachMixin
from peerlearn.people.forms import TIME_ZONE_CHOICES, PlainSelect
from peerlearn.people.models import Team
from peerlearn.planning.pairing_services import CAPACITY_MAX, COOLDOWN_MAX
from peerlearn.planning.services import COUNT_MAX, MINUTES_RANGE, TOPIC_MAX
from peerlearn.schedule.forms import team_people
from peerlearn.schedule.models import Weekday
from peerlearn.schedule.rules import change_link_problem
from peerlearn.validation import HardenedFormMixin

FORMAT_CHOICES = [(key, formats.FORMATS[key].name) for key in PLANNER_FORMATS]
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ProposeForm(AttachMixin, HardenedFormMixin, forms.Form):
    start = forms.DateField(widget=DATE, label="From")
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, initial=Weekday.WEDNESDAY)
    at = forms.TimeField(widget=TIME, label="At", initial=dt.time(12, 0))
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, widget=PlainSelect)
    count = forms.IntegerField(
        min_value=1, max_value=COUNT_MAX, initial=13, label="Weekly slots",
        help_text="13 weeks is a quarter.",
    )  # fmt: skip
    minutes = forms.IntegerField(
        min_value=MINUTES_RANGE[0], max_value=MINUTES_RANGE[1], initial=60, label="Minutes"
    )
    max_share = forms.IntegerField(
        min_value=10, max_value=100, initial=25, label="Share one person may lead (%)",
        help_text="Over the last 91 days; nobody leads twice in a row either.",
    )  # fmt: skip
    seed = forms.IntegerField(
        min_value=0, max_value=10**6, initial=0, required=False,
        help_text="Another number shuffles ties differently; the same one gives the same plan.",
    )  # fmt: skip


class EntryForm(AttachMixin, HardenedFormMixin, forms.Form):
    topic = forms.CharField(max_length=TOPIC_MAX)
    format = forms.ChoiceField(choices=FORMAT_CHOICES)
    date = forms.DateField(widget=DATE)
    start_time = forms.TimeField(widget=TIME, label="Starts at")
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60)
    change_link = forms.CharField(
        max_length=500, required=False, label="Change to review",
        help_text="Code Review with a Twist: a pull/merge request link or a commit range.",
    )  # fmt: skip

    def __init__(self, *args: Any, team: Team, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.fields["facilitator"] = team_people(team)
        self.fields["facilitator"].label = "Lead"
        self.fields["co_facilitator"] = team_people(team)
        self.fields["co_facilitator"].label = "Co-lead"
        self.order_fields(["topic", "format", "facilitator", "co_facilitator", "date"])

    def clean_change_link(self) -> str:
        link: str = self.cleaned_data["change_link"].strip()
        problem = change_link_problem(link)
        if problem:
            raise forms.ValidationError(problem)
        return link

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("date"), cleaned.get("start_time")
        if day and at:
            wall = dt.datetime.combine(day, at.replace(second=0, microsecond=0))
            zone = ZoneInfo(self.time_zone)
            if not timezones.exists(wall, zone):
                self.add_error("start_time", f"{at:%H:%M} does not exist on {day} in {zone}.")
            else:
                cleaned["starts_at"] = timezones.resolve(wall, zone)
        return cleaned


class PairingRoundForm(AttachMixin, HardenedFormMixin, forms.Form):
    capacity = forms.IntegerField(
        min_value=1, max_value=CAPACITY_MAX, initial=1, label="Learners per expert"
    )
    cooldown = forms.IntegerField(
        min_value=0, max_value=COOLDOWN_MAX, initial=3, label="Rounds before a pair meets again"
    )
    max_wait = forms.IntegerField(
        min_value=0, max_value=COOLDOWN_MAX, initial=2,
        label="Rounds a learner waits at most before going first",
    )  # fmt: skip


class AnswerForm(AttachMixin, HardenedFormMixin, forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
