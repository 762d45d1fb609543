from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from peerlearn.people.services import membership_set, team_create
from peerlearn.schedule import series_services, services
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_series, make_session

pytestmark = pytest.mark.django_db


def _soon(days: int) -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).replace(second=0, microsecond=0)


def test_dashboard_shows_protected_slot_next_sessions_and_facilitators(cast: Cast) -> None:
    start = _soon(1)
    series = make_series(
        cast.platform, title="Learning Wednesday", facilitator=cast.fiona, time_zone="UTC",
        starts_on=start.date(), start_time=start.time(), weekday=start.weekday(),
        is_protected_slot=True,
    )  # fmt: skip
    second = series_services.engine_series(series).first_start + dt.timedelta(weeks=1)
    row = series_services.occurrence_materialise(series=series, original_start=second)
    services.session_update(session=row, changes={}, facilitator=cast.bob, set_facilitators=True)
    make_session(cast.mobile, title="Mobile only", starts_at=_soon(2))
    body = client_for(cast.bob).get(reverse("web:dashboard")).content.decode()
    assert "Learning slot:" in body
    assert "Learning Wednesday</a>, every " in body
    assert "Fiona facilitating" in body
    assert "Bob facilitating" in body  # the changed occurrence
    assert "Mobile only" not in body


@pytest.mark.parametrize("teams", [1, 4])
def test_dashboard_queries_are_constant_with_sessions(
    cast: Cast, teams: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(teams):
        team = team_create(organisation=cast.org, name=f"Extra {number}")
        membership_set(team=team, person=cast.bob, role="facilitator")
        series = make_series(team, title=f"Slot {number}", facilitator=cast.bob,
                             time_zone="UTC", starts_on=_soon(1).date(),
                             weekday=_soon(1).weekday(), is_protected_slot=True)  # fmt: skip
        row = series_services.occurrence_materialise(
            series=series, original_start=series_services.engine_series(series).first_start
        )
        services.rsvp_set(session=row, person=cast.bob, answer="going")
        make_session(team, title=f"One-off {number}", starts_at=_soon(3), facilitator=cast.bob)
    client = client_for(cast.bob)
    client.get(reverse("web:dashboard"))
    # session with person, teams with counts and my role, series, their skips, sessions,
    # their roles; the teams' open gaps, my offers, my open action items, newest pages
    with django_assert_num_queries(11):
        body = client.get(reverse("web:dashboard")).content.decode()
    assert body.count("Learning slot:") == teams
