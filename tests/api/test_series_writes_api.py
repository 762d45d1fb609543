"""Changing series through the API as the series page does: edit the series, take a skip
back, move, cancel or re-staff one date. Every caller of the cast, bad input (422 naming
the field, nothing changed) and the effect read back through GET.

The platform series meets on Wednesdays at 12:00 Berlin from 2030-03-06; its date of
13 March 2030 is 20300313T110000Z.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerlearn.schedule import series_services
from peerlearn.schedule.models import Series, SeriesSkip, Session, SessionRole
from tests.api.conftest import PRINCIPALS, json_of
from tests.conftest import Cast
from tests.schedule.conftest import make_series

pytestmark = pytest.mark.django_db

FACILITATE = {
    "olga": 200,
    "alice": 200,
    "fiona": 200,
    "bob": 403,
    "charlie": 404,
    "zed": 404,
    "anonymous": 401,
    "revoked": 401,
    "expired": 401,
}
DATE = "20300313T110000Z"
DATE_START = dt.datetime(2030, 3, 13, 11, tzinfo=dt.UTC)


def send(client: Client, method: str, url: str, data: object | None = None) -> Any:
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=data, content_type="application/json")


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    return {str(e["loc"][-1]): e["msg"] for e in json_of(response)["detail"]}


def refused(response: Any, expected: int) -> None:
    assert response.status_code == expected, response.content[:300]
    body = json_of(response)
    assert isinstance(body["detail"], str)
    assert body["detail"]


def stored(series: Series) -> dict[str, Any]:
    row = Series.objects.filter(pk=series.pk).values().get()
    rows = list(Session.objects.filter(series=series).values())
    return {**row, "skips": list(SeriesSkip.objects.filter(series=series).values()), "rows": rows}


def slots_on(client: Client, cast: Cast, day: str) -> list[dict[str, Any]]:
    url = f"/api/teams/{cast.platform.pk}/sessions?from={day}&to={day}"
    items: list[dict[str, Any]] = json_of(client.get(url))["items"]
    return items


# --- PATCH /api/series/{id} ---------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_edit_series_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    before = stored(platform_series)
    response = send(
        client_as(principal),
        "patch",
        f"/api/series/{platform_series.pk}",
        {"title": "Weekly learning, revisited", "location": "Room 2"},
    )

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert stored(platform_series) == before
        return
    assert response.status_code == 200
    assert json_of(response)["title"] == "Weekly learning, revisited"
    body = json_of(client_as("bob").get(f"/api/series/{platform_series.pk}"))
    assert (body["title"], body["location"]) == ("Weekly learning, revisited", "Room 2")
    assert body["facilitator"] == {"user_id": cast.fiona.pk, "name": "Fiona"}  # not sent: kept


def test_edit_series_changes_the_rule_people_and_protected_slot(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    other = make_series(cast.platform, title="Other slot", is_protected_slot=True)
    data = {
        "weekday": 3,
        "start_time": "15:00",
        "facilitator_id": cast.bob.pk,
        "co_facilitator_id": cast.alice.pk,
        "is_protected_slot": True,
    }
    response = send(client_as("fiona"), "patch", f"/api/series/{platform_series.pk}", data)

    assert response.status_code == 200, response.content
    body = json_of(client_as("bob").get(f"/api/series/{platform_series.pk}"))
    assert body["describe"] == "every Thursday at 15:00 (Europe/Berlin)"
    assert body["facilitator"]["user_id"] == cast.bob.pk
    assert body["co_facilitator"]["user_id"] == cast.alice.pk
    assert body["is_protected_slot"] is True
    assert json_of(client_as("bob").get(f"/api/series/{other.pk}"))["is_protected_slot"] is False

    def dates(day: str) -> list[str]:
        slots = slots_on(client_as("bob"), cast, day)
        return [s["starts_at"] for s in slots if s["series_id"] == platform_series.pk]

    assert dates("2030-03-14") == ["2030-03-14T15:00:00+01:00"]
    assert dates("2030-03-13") == []

    cleared = send(
        client_as("fiona"),
        "patch",
        f"/api/series/{platform_series.pk}",
        {"co_facilitator_id": None},
    )
    assert json_of(cleared)["co_facilitator"] is None
    assert json_of(cleared)["facilitator"]["user_id"] == cast.bob.pk


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"title": None}, "title", "Give a value"),
        ({"title": "a\nb"}, "title", "line break"),
        ({"weekday": 9}, "weekday", "Input should be"),
        ({"duration_minutes": 300}, "duration_minutes", "300 is outside"),
        ({"frequency": "monthly"}, "week_of_month", ""),
        ({"starts_on": "9999-01-01"}, "starts_on", "2100-12-31"),
        ({"time_zone": "Nowhere/Land"}, "time_zone", ""),
        ({"video_link": "javascript:alert(1)"}, "video_link", ""),
        ({"facilitator_id": 0}, "facilitator_id", "greater than 0"),
        ({"is_protected_slot": None}, "is_protected_slot", "Give a value"),
    ],
)
def test_edit_series_bad_input_is_422_naming_the_field_and_changes_nothing(
    client_as: Callable[[str], Client],
    platform_series: Series,
    data: dict[str, object],
    field: str,
    words: str,
) -> None:
    before = stored(platform_series)
    response = send(client_as("fiona"), "patch", f"/api/series/{platform_series.pk}", data)

    assert words in field_errors(response)[field]
    assert json_of(response)["message"].startswith(f"{field}: ")
    assert stored(platform_series) == before


def test_edit_series_refuses_people_outside_the_team_by_field(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    before = stored(platform_series)
    url = f"/api/series/{platform_series.pk}"

    not_member = send(client_as("fiona"), "patch", url, {"facilitator_id": cast.charlie.pk})
    assert field_errors(not_member) == {"facilitator_id": "Not in Platform: Charlie."}
    other_org = send(client_as("fiona"), "patch", url, {"co_facilitator_id": cast.zed.pk})
    assert field_errors(other_org) == {"co_facilitator_id": "No such person."}
    assert stored(platform_series) == before


def test_an_ended_series_cannot_become_the_protected_slot(
    client_as: Callable[[str], Client], platform_series: Series
) -> None:
    client_as("fiona").post(f"/api/series/{platform_series.pk}/cancel")
    before = stored(platform_series)

    response = send(
        client_as("fiona"),
        "patch",
        f"/api/series/{platform_series.pk}",
        {"is_protected_slot": True},
    )

    assert "cannot be the protected" in field_errors(response)["is_protected_slot"]
    assert stored(platform_series) == before


def test_open_series_is_not_changed_by_the_organisation(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    series = make_series(cast.platform, title="Open series", audience="organisation")
    before = stored(series)

    for response in (
        send(client_as("charlie"), "patch", f"/api/series/{series.pk}", {"title": "Mine"}),
        send(client_as("charlie"), "post", f"/api/series/{series.pk}/occurrences/{DATE}/cancel"),
        send(client_as("charlie"), "patch", f"/api/series/{series.pk}/occurrences/{DATE}",
             {"starts_at": "2030-03-14T12:00:00+01:00"}),
    ):  # fmt: skip
        assert (response.status_code, json_of(response)["detail"]) == (
            403,
            "Only members of Platform can do this.",
        )
    assert stored(series) == before


# --- DELETE /api/series/{id}/skips/{skip_id} ----------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_take_a_skip_back_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    skip = series_services.series_skip_add(
        series=platform_series, on=dt.date(2030, 3, 13), reason="Offsite"
    )
    assert slots_on(client_as("bob"), cast, "2030-03-13") == []
    before = stored(platform_series)

    response = client_as(principal).delete(f"/api/series/{platform_series.pk}/skips/{skip.pk}")

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert stored(platform_series) == before
        return
    assert (response.status_code, response.content) == (204, b"")
    assert json_of(client_as("bob").get(f"/api/series/{platform_series.pk}"))["skips"] == []
    back = slots_on(client_as("bob"), cast, "2030-03-13")
    assert [s["occurrence"] for s in back] == [DATE]


def test_a_skip_of_another_series_or_none_is_404(
    cast: Cast, client_as: Callable[[str], Client], platform_series: Series
) -> None:
    other = make_series(cast.platform, title="Other")
    skip = series_services.series_skip_add(series=other, on=dt.date(2030, 3, 13))

    for url in (
        f"/api/series/{platform_series.pk}/skips/{skip.pk}",
        f"/api/series/{platform_series.pk}/skips/{skip.pk + 1000}",
    ):
        response = client_as("fiona").delete(url)
        assert (response.status_code, json_of(response)["detail"]) == (404, "No such skipped date.")
    bad = client_as("fiona").delete(f"/api/series/{platform_series.pk}/skips/{2**63}")
    assert json_of(bad)["message"].startswith("skip_id: ")
    assert SeriesSkip.objects.filter(pk=skip.pk).exists()


# --- one date: move, cancel, facilitator --------------------------------------------------


def occurrence_url(series: Series, suffix: str = "", key: str = DATE) -> str:
    return f"/api/series/{series.pk}/occurrences/{key}{suffix}"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_move_a_date_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = send(
        client_as(principal),
        "patch",
        occurrence_url(platform_series),
        {"starts_at": "2030-03-14T15:00:00+01:00"},
    )

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert not Session.objects.exists()
        return
    assert response.status_code == 200
    session_id = json_of(response)["id"]
    body = json_of(client_as("bob").get(f"/api/sessions/{session_id}"))
    assert (body["series_id"], body["starts_at"]) == (
        platform_series.pk,
        "2030-03-14T15:00:00+01:00",
    )
    assert [s["session_id"] for s in slots_on(client_as("bob"), cast, "2030-03-14")] == [session_id]
    assert slots_on(client_as("bob"), cast, "2030-03-13") == []
    # The rest of the series stays where it was.
    assert [s["occurrence"] for s in slots_on(client_as("bob"), cast, "2030-03-20")] == [
        "20300320T110000Z"
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "required"),
        ({"starts_at": "2030-03-14T15:00:00"}, "time zone offset"),
        ({"starts_at": "2101-01-01T12:00:00+01:00"}, "2100-12-31"),
        ({"starts_at": "tomorrow"}, "datetime"),
    ],
)
def test_move_bad_input_is_422_naming_starts_at_and_leaves_no_row(
    client_as: Callable[[str], Client], platform_series: Series, data: dict[str, str], words: str
) -> None:
    response = send(client_as("fiona"), "patch", occurrence_url(platform_series), data)

    assert words in field_errors(response)["starts_at"]
    assert not Session.objects.exists()


@pytest.mark.parametrize("key", ["20300314T110000Z", "20300313t110000z", "99991231T110000Z"])
def test_changing_a_date_the_series_does_not_have_is_404(
    client_as: Callable[[str], Client], platform_series: Series, key: str
) -> None:
    client = client_as("fiona")
    for response in (
        send(client, "patch", occurrence_url(platform_series, key=key),
             {"starts_at": "2030-03-14T15:00:00+01:00"}),
        send(client, "post", occurrence_url(platform_series, "/cancel", key=key)),
        send(client, "put", occurrence_url(platform_series, "/facilitator", key=key),
             {"facilitator_id": None}),
    ):  # fmt: skip
        assert (response.status_code, json_of(response)["detail"]) == (404, "No such occurrence.")
    assert not Session.objects.exists()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_cancel_a_date_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = client_as(principal).post(occurrence_url(platform_series, "/cancel"))

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert not Session.objects.exists()
        return
    assert response.status_code == 200
    assert json_of(response)["status"] == "cancelled"
    listed = slots_on(client_as("bob"), cast, "2030-03-13")
    assert [(s["status"], s["occurrence"]) for s in listed] == [("cancelled", DATE)]
    assert slots_on(client_as("bob"), cast, "2030-03-20")[0]["status"] == "scheduled"
    again = client_as(principal).post(occurrence_url(platform_series, "/cancel"))
    assert json_of(again)["id"] == json_of(response)["id"]


def test_a_skipped_date_cannot_be_cancelled(
    client_as: Callable[[str], Client], platform_series: Series
) -> None:
    series_services.series_skip_add(series=platform_series, on=dt.date(2030, 3, 13))

    response = client_as("fiona").post(occurrence_url(platform_series, "/cancel"))

    assert response.status_code == 404
    assert not Session.objects.exists()


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_set_a_dates_facilitator_by_every_caller(
    cast: Cast, client_as: Callable[[str], Client], principal: str, platform_series: Series
) -> None:
    response = send(
        client_as(principal),
        "put",
        occurrence_url(platform_series, "/facilitator"),
        {"facilitator_id": cast.bob.pk},
    )

    expected = FACILITATE[principal]
    if expected != 200:
        refused(response, expected)
        assert not Session.objects.exists()
        return
    assert response.status_code == 200
    session_id = json_of(response)["id"]
    roles = json_of(client_as("bob").get(f"/api/sessions/{session_id}"))["roles"]
    assert [(r["user_id"], r["role"]) for r in roles] == [(cast.bob.pk, "facilitator")]
    assert slots_on(client_as("bob"), cast, "2030-03-13")[0]["facilitators"] == ["Bob"]
    assert slots_on(client_as("bob"), cast, "2030-03-20")[0]["facilitators"] == ["Fiona"]


def test_a_date_can_have_nobody_facilitating(
    client_as: Callable[[str], Client], platform_series: Series
) -> None:
    url = occurrence_url(platform_series, "/facilitator")
    response = send(client_as("fiona"), "put", url, {"facilitator_id": None})

    assert response.status_code == 200
    row = Session.objects.get(series=platform_series, original_start=DATE_START)
    assert not SessionRole.objects.filter(session=row).exists()


@pytest.mark.parametrize(
    ("who", "words"),
    [("charlie", "Not in Platform: Charlie."), ("zed", "No such person."), (None, "required")],
)
def test_a_dates_facilitator_must_be_in_the_team(
    cast: Cast,
    client_as: Callable[[str], Client],
    platform_series: Series,
    who: str | None,
    words: str,
) -> None:
    data = {"facilitator_id": getattr(cast, who).pk} if who else {}
    response = send(
        client_as("fiona"), "put", occurrence_url(platform_series, "/facilitator"), data
    )

    assert words in field_errors(response)["facilitator_id"]
    assert not Session.objects.exists()
