"""Series through the API beyond the matrix: next dates, creation rules, skips, cancel,
bad input (422 naming the field) and that a refusal leaves the series as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.schedule.models import Series, SeriesSkip, Session
from tests.api.conftest import json_of
from tests.conftest import Cast
from tests.schedule.conftest import make_series

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Monthly deep dive",
    "format": "deep_dive",
    "frequency": "monthly",
    "weekday": 3,
    "week_of_month": 1,
    "starts_on": "2030-04-01",
    "start_time": "14:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 90,
}


def post(client: Client, url: str, data: object) -> Any:
    return client.post(url, data=data, content_type="application/json")


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    return {str(e["loc"][-1]): e["msg"] for e in json_of(response)["detail"]}


def stored(series: Series) -> dict[str, Any]:
    row = Series.objects.filter(pk=series.pk).values().get()
    return {**row, "skips": list(SeriesSkip.objects.filter(series=series).values_list("on"))}


def test_detail_lists_the_next_dates_bounded(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    soon = timezone.localdate() + dt.timedelta(days=1)
    series = make_series(cast.platform, starts_on=soon, facilitator=cast.fiona)

    body = json_of(client_as("bob").get(f"/api/series/{series.pk}"))

    upcoming = body["upcoming"]
    assert 25 <= len(upcoming) <= 27  # weekly, 26 weeks ahead
    assert {u["series_id"] for u in upcoming} == {series.pk}
    assert {u["session_id"] for u in upcoming} == {None}
    starts = [u["starts_at"] for u in upcoming]
    assert starts == sorted(starts)
    assert all(dt.datetime.fromisoformat(s).weekday() == 2 for s in starts)
    assert upcoming[0]["facilitators"] == ["Fiona"]


def test_create_stores_the_series_and_describes_it(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    data = {**VALID, "facilitator_id": cast.fiona.pk, "is_protected_slot": True}
    response = post(client_as("fiona"), f"/api/teams/{cast.platform.pk}/series", data)

    assert response.status_code == 201
    body = json_of(response)
    series = Series.objects.get(pk=body["id"])
    assert (series.title, series.facilitator, series.created_by) == (
        "Monthly deep dive",
        cast.fiona,
        cast.fiona,
    )
    assert series.is_protected_slot
    assert body["describe"] == "the 1st Thursday of every month at 14:00 (Europe/Berlin)"
    assert body["facilitator"] == {"user_id": cast.fiona.pk, "name": "Fiona"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "Deep\ndive"}, "title"),
        ({"location": "\x00"}, "location"),
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"until": "9999-12-31"}, "until"),
        ({"sprint_start": "2101-01-01"}, "sprint_start"),
        ({"weekday": 7}, "weekday"),
        ({"week_of_month": 9}, "week_of_month"),
        ({"week_of_month": None}, "week_of_month"),
        ({"interval": 0}, "interval"),
        ({"interval": 10**30}, "interval"),
        ({"frequency": "daily"}, "frequency"),
        ({"duration_minutes": 30}, "duration_minutes"),
        ({"start_time": "25:00"}, "start_time"),
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
        ({"video_link": "javascript:alert(1)"}, "video_link"),
        ({"facilitator_id": -1}, "facilitator_id"),
    ],
)
def test_create_bad_input_is_422_naming_the_field_and_stores_nothing(
    cast: Cast, client_as: Callable[[str], Client], change: dict[str, object], field: str
) -> None:
    response = post(
        client_as("fiona"), f"/api/teams/{cast.platform.pk}/series", {**VALID, **change}
    )

    assert field in field_errors(response)
    assert not Series.objects.exists()


def test_create_with_a_facilitator_of_another_organisation_is_refused(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    data = {**VALID, "facilitator_id": cast.zed.pk}
    response = post(client_as("fiona"), f"/api/teams/{cast.platform.pk}/series", data)

    assert field_errors(response) == {"facilitator_id": "No such person."}
    assert not Series.objects.exists()


def test_sprint_series_without_a_sprint_start_is_refused(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    data = {**VALID, "frequency": "sprint", "interval": 2, "week_of_month": None}
    response = post(client_as("fiona"), f"/api/teams/{cast.platform.pk}/series", data)

    assert response.status_code == 422
    assert not Series.objects.exists()


def test_skip_removes_the_date_from_the_next_dates(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    soon = timezone.localdate() + dt.timedelta(days=1)
    series = make_series(cast.platform, starts_on=soon)
    first = json_of(client_as("bob").get(f"/api/series/{series.pk}"))["upcoming"]
    second_day = first[1]["starts_at"][:10]

    response = post(
        client_as("fiona"),
        f"/api/series/{series.pk}/skips",
        {"on": second_day, "reason": "Offsite"},
    )

    assert response.status_code == 201
    body = json_of(client_as("bob").get(f"/api/series/{series.pk}"))
    assert body["skips"] == [{"id": json_of(response)["id"], "on": second_day, "reason": "Offsite"}]
    assert second_day not in [u["starts_at"][:10] for u in body["upcoming"]]
    assert body["upcoming"][0]["starts_at"] == first[0]["starts_at"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"on": "2030-03-14"}, "on", "does not meet on Thursday 14 March 2030"),
        ({"on": "9999-12-31"}, "on", "1970-01-01 and 2100-12-31"),
        ({"on": "2030-03-13", "reason": "a\r\nb"}, "reason", "line break"),
        ({"on": "2030-03-13", "reason": "x" * 201}, "reason", "at most 200"),
        ({}, "on", "required"),
    ],
)
def test_skip_bad_input_is_422_naming_the_field_and_changes_nothing(
    client_as: Callable[[str], Client],
    platform_series: Series,
    data: dict[str, str],
    field: str,
    words: str,
) -> None:
    before = stored(platform_series)
    response = post(client_as("fiona"), f"/api/series/{platform_series.pk}/skips", data)

    assert words in field_errors(response)[field]
    assert stored(platform_series) == before


def test_skip_of_a_date_with_its_own_changes_is_refused(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    from peerlearn.schedule.series_services import occurrence_rsvp_set

    occurrence_rsvp_set(
        series=platform_series,
        original_start=dt.datetime(2030, 3, 13, 11, tzinfo=dt.UTC),
        person=cast.bob,
        answer="going",
    )
    before = stored(platform_series)

    response = post(
        client_as("fiona"), f"/api/series/{platform_series.pk}/skips", {"on": "2030-03-13"}
    )

    assert "cancel the occurrence instead" in field_errors(response)["on"]
    assert stored(platform_series) == before


def test_cancel_ends_the_series_and_cancels_its_future_rows(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    from peerlearn.schedule.series_services import occurrence_rsvp_set

    row = occurrence_rsvp_set(
        series=platform_series,
        original_start=dt.datetime(2030, 3, 13, 11, tzinfo=dt.UTC),
        person=cast.bob,
        answer="going",
    ).session

    response = client_as("alice").post(f"/api/series/{platform_series.pk}/cancel")

    assert response.status_code == 200
    body = json_of(response)
    assert body["cancelled_at"] is not None
    assert body["upcoming"] == []
    assert Session.objects.get(pk=row.pk).status == "cancelled"
    again = client_as("alice").post(f"/api/series/{platform_series.pk}/cancel")
    assert json_of(again)["cancelled_at"] == body["cancelled_at"]


def test_series_of_another_organisation_is_404_even_for_an_org_admin(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    foreign = make_series(cast.foreign_team, title="Foreign series")
    before = stored(foreign)

    for response in (
        client_as("olga").get(f"/api/series/{foreign.pk}"),
        client_as("olga").post(f"/api/series/{foreign.pk}/cancel"),
        post(client_as("olga"), f"/api/series/{foreign.pk}/skips", {"on": "2030-03-13"}),
    ):
        assert response.status_code == 404
        assert json_of(response)["detail"] == "No such series."
    assert stored(foreign) == before


def test_rsvp_to_a_series_date_makes_its_row_and_lists_it(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    url = f"/api/series/{platform_series.pk}/occurrences/20300313T110000Z/rsvp"
    response = client_as("bob").put(url, data={"answer": "going"}, content_type="application/json")

    assert response.status_code == 200
    row = Session.objects.get(series=platform_series)
    assert json_of(response)["session_id"] == row.pk
    assert row.starts_at == dt.datetime(2030, 3, 13, 11, tzinfo=dt.UTC)
    listed = json_of(
        client_as("bob").get(
            f"/api/teams/{cast.platform.pk}/sessions?from=2030-03-13&to=2030-03-13"
        )
    )["items"]
    assert [(i["session_id"], i["occurrence"]) for i in listed] == [(row.pk, "20300313T110000Z")]
    body = json_of(client_as("bob").get(f"/api/sessions/{row.pk}"))
    assert body["my_rsvp"] == "going"


@pytest.mark.parametrize(
    "key",
    [
        "20300314T110000Z",  # a Thursday: the series does not meet
        "20300313T120000Z",  # the right day, the wrong time
        "20300313T1100Z",
        "99991231T110000Z",
        "00010101T000000Z",
        "20300313t110000z",
        "x" * 16,
    ],
)
def test_rsvp_to_a_date_the_series_does_not_have_is_404(
    client_as: Callable[[str], Client], platform_series: Series, key: str
) -> None:
    url = f"/api/series/{platform_series.pk}/occurrences/{key}/rsvp"
    response = client_as("bob").put(url, data={"answer": "going"}, content_type="application/json")

    assert (response.status_code, json_of(response)["detail"]) == (404, "No such occurrence.")
    assert not Session.objects.exists()


def test_rsvp_to_an_overlong_key_is_422_naming_it(
    client_as: Callable[[str], Client], platform_series: Series
) -> None:
    url = f"/api/series/{platform_series.pk}/occurrences/2030-03-13T11:00:00Z/rsvp"
    response = client_as("bob").put(url, data={"answer": "going"}, content_type="application/json")

    assert "occurrence" in field_errors(response)
    assert not Session.objects.exists()


def test_rsvp_to_a_skipped_date_is_404_and_a_bad_answer_422(
    client_as: Callable[[str], Client], platform_series: Series
) -> None:
    post(client_as("fiona"), f"/api/series/{platform_series.pk}/skips", {"on": "2030-03-13"})
    url = f"/api/series/{platform_series.pk}/occurrences/20300313T110000Z/rsvp"
    skipped = client_as("bob").put(url, data={"answer": "going"}, content_type="application/json")
    assert skipped.status_code == 404

    url = f"/api/series/{platform_series.pk}/occurrences/20300320T110000Z/rsvp"
    bad = client_as("bob").put(url, data={"answer": "si"}, content_type="application/json")
    assert "answer" in field_errors(bad)
    assert not Session.objects.exists()


def test_rsvp_to_a_date_of_an_ended_series_is_refused_and_leaves_no_row(
    client_as: Callable[[str], Client], platform_series: Series
) -> None:
    client_as("fiona").post(f"/api/series/{platform_series.pk}/cancel")
    url = f"/api/series/{platform_series.pk}/occurrences/20300313T110000Z/rsvp"
    response = client_as("bob").put(url, data={"answer": "going"}, content_type="application/json")

    assert response.status_code == 422
    assert json_of(response)["message"] == "request: This session is cancelled."
    assert not Session.objects.exists()


def test_open_series_is_seen_and_answered_by_the_organisation_but_not_changed(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    series = make_series(cast.platform, title="Open series", audience="organisation")
    before = stored(series)

    assert json_of(client_as("charlie").get(f"/api/series/{series.pk}"))["can_edit"] is False
    skip = post(client_as("charlie"), f"/api/series/{series.pk}/skips", {"on": "2030-03-13"})
    assert (skip.status_code, json_of(skip)["detail"]) == (
        403,
        "Only members of Platform can do this.",
    )
    assert client_as("charlie").post(f"/api/series/{series.pk}/cancel").status_code == 403
    assert stored(series) == before
    answer = client_as("charlie").put(
        f"/api/series/{series.pk}/occurrences/20300313T110000Z/rsvp",
        data={"answer": "going"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert client_as("zed").get(f"/api/series/{series.pk}").status_code == 404
