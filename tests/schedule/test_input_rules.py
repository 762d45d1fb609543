"""The schedule's forms and services refuse bad input at the field, the same way.

Single-line text (titles, places, links, skip reasons) refuses control characters and
text-direction overrides; descriptions keep line breaks but not NUL; links are http(s)
only; dates lie between 1970 and 2100. The views are in test_input_requests.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from peerlearn.engines.schedule.formats import FORMATS
from peerlearn.people.models import Team
from peerlearn.schedule import forms, series_services, services
from peerlearn.schedule.models import Frequency, Series, SeriesSkip, Session
from peerlearn.validation import DATE_RANGE_TEXT, HardenedFormMixin
from tests.conftest import Cast
from tests.schedule.conftest import berlin, make_series, make_session

pytestmark = pytest.mark.django_db

HOSTILE = ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\u202eb", "a\u2066b"]
MULTI_LINE_HOSTILE = ["a\x00b", "a\x1bb", "a\x85b", "a\u202eb"]
BAD_LINKS = [
    "javascript:alert(1)",
    "javascript://example.com/%0aalert(1)",
    "JavaScript://x.test/",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://example.com/x",
    "vbscript:msgbox(1)",
]
FAR_DATES = [dt.date(1, 1, 1), dt.date(1969, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 12, 31)]

SESSION_FORM = {
    "title": "Tracing 101",
    "format": "lunch_and_learn",
    "audience": "team",
    "status": "scheduled",
    "date": "2030-05-08",
    "start_time": "12:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "45",
    "location": "Room 1",
}
SERIES_FORM = {
    "title": "Weekly learning",
    "format": "lunch_and_learn",
    "audience": "team",
    "frequency": "weekly",
    "interval": "1",
    "weekday": "2",
    "starts_on": "2030-03-01",
    "start_time": "12:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "45",
    "location": "Room 1",
}


def session_form(team: Team, **changes: str) -> forms.SessionForm:
    return forms.SessionForm({**SESSION_FORM, **changes}, team=team)


def series_form(team: Team, **changes: str) -> forms.SeriesForm:
    return forms.SeriesForm({**SERIES_FORM, **changes}, team=team)


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    assert hasattr(error, "error_dict"), f"not tied to a field: {error}"
    return error.message_dict


# --- every form ---------------------------------------------------------------------


def test_every_schedule_form_is_hardened() -> None:
    for form in (
        forms.SessionForm,
        forms.SeriesForm,
        forms.MoveForm,
        forms.FacilitatorForm,
        forms.SkipForm,
        forms.RolesForm,
        forms.AttendanceForm,
    ):
        assert issubclass(form, HardenedFormMixin), form.__name__


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["title", "location", "change_link"])
def test_session_form_refuses_control_characters_in_one_line_fields(
    cast: Cast, name: str, value: str
) -> None:
    form = session_form(cast.platform, **{name: value})
    assert not form.is_valid()
    assert name in form.errors
    assert "Must be one line of text" in " ".join(form.errors[name])


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["title", "location"])
def test_series_form_refuses_control_characters_in_one_line_fields(
    cast: Cast, name: str, value: str
) -> None:
    form = series_form(cast.platform, **{name: value})
    assert not form.is_valid()
    assert name in form.errors


@pytest.mark.parametrize("name", ["topic", "notes"])
def test_session_form_keeps_line_breaks_in_descriptions_but_not_nul(cast: Cast, name: str) -> None:
    assert session_form(cast.platform, **{name: "one\ntwo\r\n\tthree"}).is_valid()
    for value in MULTI_LINE_HOSTILE:
        form = session_form(cast.platform, **{name: value})
        assert list(form.errors) == [name], value


def test_series_form_keeps_line_breaks_in_the_topic_but_not_nul(cast: Cast) -> None:
    assert series_form(cast.platform, topic="one\ntwo").is_valid()
    assert list(series_form(cast.platform, topic="a\x00b").errors) == ["topic"]


def test_skip_form_refuses_control_characters_in_the_reason() -> None:
    for value in HOSTILE:
        form = forms.SkipForm({"on": "2030-03-06", "reason": value})
        assert list(form.errors) == ["reason"], value


@pytest.mark.parametrize("link", BAD_LINKS)
@pytest.mark.parametrize("name", ["video_link", "whiteboard_link"])
def test_session_and_series_forms_refuse_links_that_are_not_web_links(
    cast: Cast, name: str, link: str
) -> None:
    for form in (
        session_form(cast.platform, **{name: link}),
        series_form(cast.platform, **{name: link}),
    ):
        assert not form.is_valid()
        assert list(form.errors) == [name], link


@pytest.mark.parametrize("link", BAD_LINKS)
@pytest.mark.parametrize("format_key", list(FORMATS))
def test_the_change_link_is_a_web_link_or_a_commit_range_in_every_format(
    cast: Cast, format_key: str, link: str
) -> None:
    minutes = {"deep_dive": "90"}.get(format_key, "45")
    form = session_form(
        cast.platform, format=format_key, duration_minutes=minutes, change_link=link
    )
    assert not form.is_valid()
    assert list(form.errors) == ["change_link"], (format_key, link)
    with pytest.raises(ValidationError) as caught:
        make_session(
            cast.platform, format=format_key, duration_minutes=int(minutes), change_link=link
        )
    assert list(field_errors(caught.value)) == ["change_link"]


def test_the_change_link_takes_a_web_link_or_a_commit_range(cast: Cast) -> None:
    for link in ("https://git.example.com/pr/1", "abc1234..def5678", ""):
        assert session_form(cast.platform, change_link=link).is_valid(), link


@pytest.mark.parametrize("day", FAR_DATES)
def test_session_form_refuses_a_date_outside_the_range_and_says_the_range(
    cast: Cast, day: dt.date
) -> None:
    form = session_form(cast.platform, date=f"{day.year:04d}-{day.month:02d}-{day.day:02d}")
    assert not form.is_valid()
    assert DATE_RANGE_TEXT in " ".join(form.errors["date"])


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize("name", ["starts_on", "until", "sprint_start"])
def test_series_form_refuses_dates_outside_the_range(cast: Cast, name: str, day: dt.date) -> None:
    changes = {name: f"{day.year:04d}-{day.month:02d}-{day.day:02d}"}
    if name == "sprint_start":
        changes["frequency"] = "sprint"
    form = series_form(cast.platform, **changes)
    assert not form.is_valid()
    assert DATE_RANGE_TEXT in " ".join(form.errors[name])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2030-02-30"])
def test_move_and_skip_forms_refuse_far_or_impossible_dates(day: str) -> None:
    move = forms.MoveForm({"date": day, "start_time": "12:00"}, time_zone="Europe/Berlin")
    skip = forms.SkipForm({"on": day})
    assert "date" in move.errors
    assert "on" in skip.errors


@pytest.mark.parametrize("value", ["10" * 15, "-1", "0", "1e3", "\x00", "9223372036854775808"])
def test_people_choices_refuse_values_that_cannot_be_ids(cast: Cast, value: str) -> None:
    roles = forms.RolesForm(
        {"presenter": [value]}, team=cast.platform, format_key="lunch_and_learn"
    )
    attendance = forms.AttendanceForm({"attendees": [value]}, candidates=[cast.bob])
    facilitator = forms.FacilitatorForm({"facilitator": value}, team=cast.platform)
    session = session_form(cast.platform, facilitator=value)
    assert list(roles.errors) == ["presenter"]
    assert list(attendance.errors) == ["attendees"]
    assert list(facilitator.errors) == ["facilitator"]
    assert list(session.errors) == ["facilitator"]


# --- services: the same rules for the API, the command line and the views ------------------


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["title", "location", "change_link"])
def test_session_create_refuses_control_characters_in_one_line_fields(
    cast: Cast, name: str, value: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(cast.platform, **{name: value})
    assert name in field_errors(caught.value)
    assert not Session.objects.exists()


@pytest.mark.parametrize("name", ["topic", "notes"])
def test_session_create_keeps_line_breaks_in_descriptions_but_not_nul(
    cast: Cast, name: str
) -> None:
    assert getattr(make_session(cast.platform, **{name: "one\ntwo"}), name) == "one\ntwo"
    for value in MULTI_LINE_HOSTILE:
        with pytest.raises(ValidationError) as caught:
            make_session(cast.platform, **{name: value})
        assert name in field_errors(caught.value)
    assert Session.objects.count() == 1


@pytest.mark.parametrize("link", BAD_LINKS)
@pytest.mark.parametrize("name", ["change_link", "video_link", "whiteboard_link"])
def test_session_create_refuses_links_that_are_not_web_links(
    cast: Cast, name: str, link: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(cast.platform, **{name: link})
    assert name in field_errors(caught.value)
    assert not Session.objects.exists()


def test_session_update_refuses_what_create_refuses_and_keeps_the_row(cast: Cast) -> None:
    session = make_session(cast.platform)
    for changes in (
        {"title": "a\r\nBcc: x@example.com"},
        {"location": "\u202eevil"},
        {"change_link": "javascript:alert(1)"},
        {"video_link": "data:text/html,x"},
        {"notes": "a\x00b"},
        {"starts_at": dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC)},
    ):
        with pytest.raises(ValidationError) as caught:
            services.session_update(session=session, changes=changes)
        assert set(field_errors(caught.value)) == set(changes), changes
    session.refresh_from_db()
    assert (session.title, session.location, session.sequence) == ("Intro to tracing", "Room 1", 0)


@pytest.mark.parametrize(
    "starts_at",
    [
        dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC),
        dt.datetime(1969, 12, 31, 12, tzinfo=dt.UTC),
        dt.datetime(2101, 1, 1, 12, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC),
    ],
)
def test_session_create_refuses_a_start_outside_the_range(
    cast: Cast, starts_at: dt.datetime
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_session(cast.platform, starts_at=starts_at)
    assert DATE_RANGE_TEXT in " ".join(field_errors(caught.value)["starts_at"])
    assert not Session.objects.exists()


def test_session_create_refuses_a_session_that_would_end_after_the_range(cast: Cast) -> None:
    late = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)  # + 45 min overflowed
    with pytest.raises(ValidationError):
        make_session(cast.platform, starts_at=late)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["title", "location"])
def test_series_create_refuses_control_characters(cast: Cast, name: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, **{name: value})
    assert name in field_errors(caught.value)
    assert not Series.objects.exists()


def test_series_create_keeps_line_breaks_in_the_topic_but_not_nul(cast: Cast) -> None:
    assert make_series(cast.platform, topic="one\ntwo").topic == "one\ntwo"
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, topic="a\x00b")
    assert "topic" in field_errors(caught.value)


@pytest.mark.parametrize("link", BAD_LINKS)
@pytest.mark.parametrize("name", ["video_link", "whiteboard_link"])
def test_series_create_refuses_links_that_are_not_web_links(
    cast: Cast, name: str, link: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, **{name: link})
    assert name in field_errors(caught.value)


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize("name", ["starts_on", "until", "sprint_start"])
def test_series_create_refuses_dates_outside_the_range(cast: Cast, name: str, day: dt.date) -> None:
    fields: dict[str, Any] = {name: day}
    if name == "sprint_start":
        fields["frequency"] = Frequency.SPRINT
        fields["interval"] = 2
    if name == "until" and day.year < 2030:
        fields["starts_on"] = dt.date(1, 1, 1) if day.year == 1 else dt.date(1969, 1, 1)
    with pytest.raises(ValidationError) as caught:
        make_series(cast.platform, **fields)
    assert DATE_RANGE_TEXT in " ".join(field_errors(caught.value)[name])
    assert not Series.objects.exists()


def test_series_update_refuses_what_create_refuses_and_keeps_the_row(cast: Cast) -> None:
    series = make_series(cast.platform)
    for changes in (
        {"title": "a\nb"},
        {"whiteboard_link": "javascript:alert(1)"},
        {"starts_on": dt.date(1, 1, 1)},
        {"until": dt.date(9999, 12, 31)},
    ):
        with pytest.raises(ValidationError) as caught:
            series_services.series_update(
                series=series, changes=changes, facilitator=None, co_facilitator=None
            )
        assert set(field_errors(caught.value)) == set(changes), changes
    series.refresh_from_db()
    assert (series.title, series.starts_on, series.until, series.sequence) == (
        "Weekly learning",
        dt.date(2030, 3, 1),
        None,
        0,
    )


@pytest.mark.parametrize("day", FAR_DATES)
def test_skipping_a_date_outside_the_range_is_a_field_error(cast: Cast, day: dt.date) -> None:
    series = make_series(cast.platform)
    with pytest.raises(ValidationError) as caught:
        series_services.series_skip_add(series=series, on=day)
    assert DATE_RANGE_TEXT in " ".join(field_errors(caught.value)["on"])
    assert not SeriesSkip.objects.exists()


@pytest.mark.parametrize("reason", ["x\r\ny", "x\x00", "x" * 201])
def test_skipping_refuses_a_reason_that_is_not_one_short_line(cast: Cast, reason: str) -> None:
    series = make_series(cast.platform)
    with pytest.raises(ValidationError) as caught:
        series_services.series_skip_add(series=series, on=dt.date(2030, 3, 6), reason=reason)
    assert "reason" in field_errors(caught.value)
    assert not SeriesSkip.objects.exists()


@pytest.mark.parametrize(
    "starts_at",
    [dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC), dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC)],
)
def test_moving_an_occurrence_outside_the_range_is_refused_and_leaves_no_row(
    cast: Cast, starts_at: dt.datetime
) -> None:
    series = make_series(cast.platform)
    with pytest.raises(ValidationError) as caught:
        series_services.occurrence_move(
            series=series, original_start=berlin(2030, 3, 6), starts_at=starts_at
        )
    assert DATE_RANGE_TEXT in " ".join(field_errors(caught.value)["starts_at"])
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "original_start",
    [dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC)],
)
def test_an_occurrence_outside_the_range_does_not_exist(
    cast: Cast, original_start: dt.datetime
) -> None:
    series = make_series(cast.platform, time_zone="America/Los_Angeles")
    with pytest.raises(series_services.NoSuchOccurrence):
        series_services.occurrence_materialise(series=series, original_start=original_start)
    with pytest.raises(series_services.NoSuchOccurrence):
        series_services.occurrence_cancel(series=series, original_start=original_start)
    assert not Session.objects.exists()


def test_engine_and_validation_agree_on_the_date_range() -> None:
    from peerlearn import validation
    from peerlearn.engines.schedule import bounds

    assert (bounds.EARLIEST_DAY, bounds.LATEST_DAY, bounds.RANGE_TEXT) == (
        validation.EARLIEST_DATE,
        validation.LATEST_DATE,
        validation.DATE_RANGE_TEXT,
    )
