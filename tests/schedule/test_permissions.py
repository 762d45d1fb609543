"""Every sessions view, GET and POST, for every member of the cast.

Members view and RSVP; facilitators, leads and org admins also change things and take
attendance; outsiders (another team, another organisation) get 404; anonymous users go
to the login page. A refused write changes nothing in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from peerlearn.schedule import series_services
from peerlearn.schedule.models import (
    Attendance,
    CalendarFeed,
    Rsvp,
    Series,
    SeriesSkip,
    Session,
    SessionRole,
)
from peerlearn.schedule.selectors import occurrence_key
from tests.conftest import Cast, client_for
from tests.schedule.conftest import berlin, make_series, make_session

pytestmark = pytest.mark.django_db


@dataclass
class World:
    cast: Cast
    session: Session
    series: Series
    skip: SeriesSkip
    key: str


@pytest.fixture
def world(cast: Cast) -> World:
    session = make_session(cast.platform, facilitator=cast.fiona, starts_at=berlin(2020, 3, 4))
    series = make_series(cast.platform, facilitator=cast.fiona)
    skip = series_services.series_skip_add(series=series, on=berlin(2030, 3, 27).date())
    return World(cast, session, series, skip, occurrence_key(berlin(2030, 3, 13)))


VIEW, EDIT = "view", "edit"
Url = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    name: str
    url: Url
    method: str
    needs: str
    data: dict[str, Any]


def _s(name: str) -> Url:
    return lambda w: reverse(f"schedule:{name}", args=[w.session.pk])


def _r(name: str) -> Url:
    return lambda w: reverse(f"schedule:{name}", args=[w.series.pk])


def _o(name: str) -> Url:
    return lambda w: reverse(f"schedule:{name}", args=[w.series.pk, w.key])


def _t(name: str) -> Url:
    return lambda w: reverse(f"schedule:{name}", args=[w.cast.platform.pk])


SESSION_POST = {
    "title": "Changed",
    "format": "lunch_and_learn",
    "audience": "team",
    "status": "scheduled",
    "date": "2030-05-08",
    "start_time": "12:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "45",
}
SERIES_POST = {
    "title": "Changed series",
    "format": "lunch_and_learn",
    "audience": "team",
    "frequency": "weekly",
    "interval": "1",
    "weekday": "3",
    "starts_on": "2030-03-01",
    "start_time": "12:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "45",
}
CASES = [
    Case("team sessions", _t("team_sessions"), "get", VIEW, {}),
    Case("new session form", _t("session_create"), "get", EDIT, {}),
    Case("create session", _t("session_create"), "post", EDIT, SESSION_POST),
    Case("new series form", _t("series_create"), "get", EDIT, {}),
    Case("create series", _t("series_create"), "post", EDIT, SERIES_POST),
    Case("session page", _s("session"), "get", VIEW, {}),
    Case("session ics", _s("session_ics"), "get", VIEW, {}),
    Case("edit session form", _s("session_edit"), "get", EDIT, {}),
    Case("edit session", _s("session_edit"), "post", EDIT, SESSION_POST),
    Case("cancel session", _s("session_status"), "post", EDIT, {"status": "cancelled"}),
    Case("set roles", _s("session_roles"), "post", EDIT, {"presenter": []}),
    Case("rsvp", _s("session_rsvp"), "post", VIEW, {"answer": "going"}),
    Case("attendance", _s("session_attendance"), "post", EDIT, {"attendees": []}),
    Case("series page", _r("series"), "get", VIEW, {}),
    Case("series ics", _r("series_ics"), "get", VIEW, {}),
    Case("edit series form", _r("series_edit"), "get", EDIT, {}),
    Case("edit series", _r("series_edit"), "post", EDIT, SERIES_POST),
    Case("end series", _r("series_cancel"), "post", EDIT, {}),
    Case("skip date", _r("series_skip_add"), "post", EDIT, {"on": "2030-03-20"}),
    Case(
        "unskip date",
        lambda w: reverse("schedule:series_skip_remove", args=[w.series.pk, w.skip.pk]),
        "post",
        EDIT,
        {},
    ),
    Case("occurrence page", _o("occurrence"), "get", VIEW, {}),
    Case("occurrence rsvp", _o("occurrence_rsvp"), "post", VIEW, {"answer": "maybe"}),
    Case(
        "move occurrence",
        _o("occurrence_move"),
        "post",
        EDIT,
        {"date": "2030-03-14", "start_time": "15:00"},
    ),
    Case("cancel occurrence", _o("occurrence_cancel"), "post", EDIT, {}),
    Case("change facilitator", _o("occurrence_facilitator"), "post", EDIT, {"facilitator": ""}),
]
# Who gets what: (status for a view right, status for an edit right).
EXPECTED = {
    "alice": ("ok", "ok"),
    "fiona": ("ok", "ok"),
    "olga": ("ok", "ok"),
    "bob": ("ok", 403),
    "charlie": (404, 404),
    "zed": (404, 404),
    "anonymous": ("login", "login"),
}


def snapshot() -> tuple[object, ...]:
    return (
        sorted(Session.objects.values_list("pk", "title", "status", "starts_at", "sequence")),
        sorted(Series.objects.values_list("pk", "title", "weekday", "sequence", "cancelled_at")),
        sorted(SeriesSkip.objects.values_list("pk", "on")),
        sorted(SessionRole.objects.values_list("session_id", "person_id", "role")),
        sorted(Rsvp.objects.values_list("session_id", "person_id", "answer")),
        sorted(Attendance.objects.values_list("session_id", "person_id")),
        sorted(CalendarFeed.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_permission_matrix(world: World, case: Case, who: str) -> None:
    user = None if who == "anonymous" else getattr(world.cast, who)
    client = client_for(user)
    url = case.url(world)
    before = snapshot()
    response = getattr(client, case.method)(url, case.data)
    expected = EXPECTED[who][0 if case.needs == VIEW else 1]
    if expected == "ok":
        assert response.status_code in (200, 204, 302), response.content[:500]
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
        return
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    assert snapshot() == before, "a refused request changed the database"


def test_open_session_can_be_seen_and_joined_by_the_organisation(cast: Cast) -> None:
    session = make_session(cast.platform, audience="organisation")
    client = client_for(cast.charlie)
    assert client.get(reverse("schedule:session", args=[session.pk])).status_code == 200
    client.post(reverse("schedule:session_rsvp", args=[session.pk]), {"answer": "going"})
    assert Rsvp.objects.get().person == cast.charlie
    edit = client.get(reverse("schedule:session_edit", args=[session.pk]))
    assert edit.status_code == 403
    foreign = client_for(cast.zed).get(reverse("schedule:session", args=[session.pk]))
    assert foreign.status_code == 404
