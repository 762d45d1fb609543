"""Forms for sessions, series and occurrences. Messages name the field that is wrong.

The forms check what a person can fix on the spot (format durations, links, times that
a DST change skips); the services check everything again, so the API and the command
line get the same rules. Every form is hardened (`peerlearn.validation`): one-line text
refuses control characters, descriptions keep line breaks but not NUL, links are
http(s), dates lie between 1970 and 2100; people are chosen by an id that must be one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from peerlearn.engines.schedule import formats, timezones
from peerlearn.people.forms import TIME_ZONE_CHOICES, PlainSelect
from peerlearn.people.models import Team, User
from peerlearn.schedule.models import (
    FORMAT_CHOICES,
    Audience,
    Series,
    SessionStatus,
)
from peerlearn.schedule.rules import change_link_problem
from peerlearn.validation import HardenedFormMixin, check_web_url, parse_id

WHITEBOARD_HELP = "An https:// link to Whimsical, Excalidraw, Miro or similar."


def _refuse_non_ids(field: forms.ModelChoiceField[User], values: list[Any]) -> None:
    # A value that cannot be an id (10**30, "-1", "x") never reaches the database, where
    # it overflowed the integer column (a 500) instead of being a wrong choice.
    for value in values:
        try:
            parse_id(value)
        except Http404:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ascii(str(value)[:20])},  # shown escaped, never raw
            ) from None


class PersonChoiceField(forms.ModelChoiceField[User]):
    def to_python(self, value: Any) -> User | None:
        if value not in self.empty_values:
            _refuse_non_ids(self, [value])
        return super().to_python(value)


class PeopleChoiceField(forms.ModelMultipleChoiceField[User]):
    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            _refuse_non_ids(self, list(value))
        return super().clean(value)


def team_people(team: Team) -> PersonChoiceField:
    return PersonChoiceField(
        queryset=User.objects.filter(memberships__team=team).order_by("display_name", "username"),
        required=False,
    )


def _https(value: str) -> str:
    return check_web_url(value, https_only=True)


class _FormatTimingMixin(HardenedFormMixin, forms.Form):
    """What session and series forms share: the format's duration range, https links."""

    def clean_whiteboard_link(self) -> str:
        return _https(self.cleaned_data["whiteboard_link"])

    def clean_video_link(self) -> str:
        return _https(self.cleaned_data["video_link"])

    def check_duration(self, cleaned: dict[str, Any]) -> None:
        key, minutes = cleaned.get("format") or "", cleaned.get("duration_minutes")
        if key in formats.FORMATS and minutes is not None:
            problem = formats.duration_problem(formats.FORMATS[key], minutes)
            if problem:
                self.add_error("duration_minutes", problem)


class SessionForm(_FormatTimingMixin, forms.Form):
    title = forms.CharField(max_length=200)
    format = forms.ChoiceField(choices=FORMAT_CHOICES)
    topic = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    change_link = forms.CharField(
        max_length=500,
        required=False,
        label="Change under discussion",
        help_text="Code Review with a Twist: a pull/merge request link or a commit range.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.TEAM)
    status = forms.ChoiceField(
        choices=[(s, s.label) for s in (SessionStatus.PROPOSED, SessionStatus.SCHEDULED)],
        initial=SessionStatus.SCHEDULED,
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Starts at")
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, widget=PlainSelect)
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=24 * 60, label="Duration (minutes)"
    )
    location = forms.CharField(max_length=300, required=False, label="Place")
    video_link = forms.URLField(max_length=500, required=False, assume_scheme="https")
    whiteboard_link = forms.URLField(
        max_length=500, required=False, help_text=WHITEBOARD_HELP, assume_scheme="https"
    )

    def __init__(self, *args: Any, team: Team, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"] = team_people(team)
        self.fields["co_facilitator"] = team_people(team)
        self.fields["co_facilitator"].label = "Co-facilitator"
        if editing:
            del self.fields["status"]  # status changes have their own buttons

    def clean_change_link(self) -> str:
        link: str = self.cleaned_data["change_link"]
        problem = change_link_problem(link)
        if problem:
            raise ValidationError(problem)
        return link

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_duration(cleaned)
        key = cleaned.get("format") or ""
        if key in formats.FORMATS:
            problem = formats.change_link_problem(
                formats.FORMATS[key], cleaned.get("change_link", "")
            )
            if problem:
                self.add_error("change_link", problem)
        day, at, zone = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("time_zone")
        if day and at and zone:
            wall = dt.datetime.combine(day, at.replace(second=0, microsecond=0))
            tz = ZoneInfo(zone)
            if not timezones.exists(wall, tz):
                self.add_error(
                    "start_time",
                    f"{at:%H:%M} does not exist on {day} in {zone}: the clocks skip it for "
                    "daylight saving time. Pick another time.",
                )
            else:
                cleaned["starts_at"] = timezones.resolve(wall, tz)
        if cleaned.get("co_facilitator") and cleaned.get("co_facilitator") == cleaned.get(
            "facilitator"
        ):
            self.add_error(
                "co_facilitator", "The co-facilitator is someone else than the facilitator."
            )
        return cleaned


class SeriesForm(_FormatTimingMixin, forms.ModelForm[Series]):
    class Meta:
        model = Series
        fields = [
            "title", "format", "topic", "audience", "facilitator", "co_facilitator",
            "frequency", "interval", "weekday", "week_of_month", "sprint_start",
            "starts_on", "until", "start_time", "time_zone", "duration_minutes",
            "location", "video_link", "whiteboard_link", "is_protected_slot",
        ]  # fmt: skip
        labels = {
            "interval": "Every how many weeks (or months; sprint length in weeks)",
            "week_of_month": "Which one in the month",
            "starts_on": "First date",
            "until": "Last date (optional)",
            "start_time": "Starts at",
            "duration_minutes": "Duration (minutes)",
            "is_protected_slot": "This is the team's protected learning slot",
            "location": "Place",
        }
        help_texts = {
            "sprint_start": "For a sprint slot: the first day of any sprint, to stay in step.",
            "week_of_month": "For a monthly slot, e.g. the 3rd Wednesday.",
            "whiteboard_link": WHITEBOARD_HELP,
        }
        widgets = {
            "topic": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "until": forms.DateInput(attrs={"type": "date"}),
            "sprint_start": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "time_zone": PlainSelect(choices=TIME_ZONE_CHOICES),
        }

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        for name in ("facilitator", "co_facilitator"):
            self.fields[name] = team_people(team)
        self.fields["co_facilitator"].label = "Co-facilitator"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_duration(cleaned)
        if self.errors:
            return cleaned
        from peerlearn.schedule.series_services import validate_series

        probe = Series(team=self.team, **dict(cleaned))
        try:
            validate_series(probe)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
            else:
                self.add_error(None, error)
        return cleaned

    def _post_clean(self) -> None:
        # Saving goes through series_create/series_update; skip ModelForm's instance
        # validation, which would also demand fields the service fills in.
        pass


class MoveForm(HardenedFormMixin, forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="New date")
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="New time")

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("date"), cleaned.get("start_time")
        if day and at:
            wall = dt.datetime.combine(day, at.replace(second=0, microsecond=0))
            tz = ZoneInfo(self.time_zone)
            if not timezones.exists(wall, tz):
                self.add_error(
                    "start_time", f"{at:%H:%M} does not exist on {day} in {self.time_zone}."
                )
            else:
                cleaned["starts_at"] = timezones.resolve(wall, tz)
        return cleaned


class FacilitatorForm(HardenedFormMixin, forms.Form):
    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"] = team_people(team)


class SkipForm(HardenedFormMixin, forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date to skip")
    reason = forms.CharField(max_length=200, required=False, help_text="E.g. a holiday.")


class RolesForm(HardenedFormMixin, forms.Form):
    """One multiple choice per role of the session's format (author, guide, reviewers…)."""

    def __init__(
        self,
        *args: Any,
        team: Team,
        format_key: str,
        people: Sequence[User] | None = None,
        **kwargs: Any,
    ) -> None:
        """`people`: the team's people when the caller has read them already (the
        session page), so that showing the form reads nothing more; what is posted is
        still checked against the team."""
        super().__init__(*args, **kwargs)
        queryset = User.objects.filter(memberships__team=team).order_by("display_name", "username")
        self.format = formats.get_format(format_key)
        for role in self.format.roles:
            field = self.fields[role.key] = PeopleChoiceField(
                queryset=queryset,
                required=False,
                label=role.label if role.max_people == 1 else f"{role.label}s",
                widget=forms.CheckboxSelectMultiple,
            )
            if people is not None:
                field.widget.choices = [(person.pk, str(person)) for person in people]


class AttendanceForm(HardenedFormMixin, forms.Form):
    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = PeopleChoiceField(
            queryset=User.objects.filter(pk__in=[p.pk for p in candidates]).order_by(
                "display_name", "username"
            ),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Who was there",
        )
