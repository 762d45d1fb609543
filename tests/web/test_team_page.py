from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def test_team_page_lists_members_for_member(cast: Cast) -> None:
    response = client_for(cast.bob).get(reverse("web:team", args=[cast.platform.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alice" in body
    assert "Fiona" in body
    assert "Charlie" not in body
    assert "Manage members" not in body


def test_team_page_offers_management_to_lead(cast: Cast) -> None:
    response = client_for(cast.alice).get(reverse("web:team", args=[cast.platform.pk]))
    assert "Manage members" in response.content.decode()


@pytest.mark.parametrize("who", ["charlie", "zed"])
def test_team_page_is_404_for_outsiders(cast: Cast, who: str) -> None:
    response = client_for(getattr(cast, who)).get(reverse("web:team", args=[cast.platform.pk]))
    assert response.status_code == 404


def test_team_page_redirects_anonymous_to_login(cast: Cast) -> None:
    url = reverse("web:team", args=[cast.platform.pk])
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_shows_only_own_teams(cast: Cast) -> None:
    body = client_for(cast.charlie).get(reverse("web:dashboard")).content.decode()
    assert "Mobile" in body
    assert "Platform" not in body


def test_dashboard_counts_all_members_of_a_team_for_a_member(cast: Cast) -> None:
    from peerlearn.people.selectors import dashboard_teams

    cards = {card.team.name: card for card in dashboard_teams(cast.bob)}
    assert cards["Platform"].member_count == 3
    assert cards["Platform"].my_role == "member"


def test_dashboard_queries_are_constant_in_team_count(
    cast: Cast, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    from peerlearn.people.services import membership_set, team_create

    client = client_for(cast.olga)
    client.get(reverse("web:dashboard"))  # warm the session
    for number in range(5):
        team = team_create(organisation=cast.org, name=f"Extra {number}")
        membership_set(team=team, person=cast.bob)
    # session with person, teams with counts and my role, the teams' series and sessions (no
    # rows here, so their prefetches do not run; see tests/schedule/test_dashboard.py), the
    # teams' open gaps and my offers, my open action items, the teams' newest pages
    with django_assert_num_queries(9):
        client.get(reverse("web:dashboard"))


def test_times_are_shown_in_the_viewers_time_zone(cast: Cast) -> None:
    import datetime as dt

    from peerlearn.schedule import services

    services.session_create(
        team=cast.platform,
        created_by=cast.alice,
        title="Zone check",
        format="lunch_and_learn",
        starts_at=dt.datetime.combine(
            dt.date.today() + dt.timedelta(days=3), dt.time(10, 0), tzinfo=dt.UTC
        ),
        time_zone="UTC",
        duration_minutes=45,
        facilitator=cast.fiona,
    )
    cast.bob.time_zone = "Asia/Tokyo"
    cast.bob.save(update_fields=["time_zone"])
    page = client_for(cast.bob).get(reverse("schedule:team_sessions", args=[cast.platform.pk]))
    body = page.content.decode()
    assert "19:00" in body  # 10:00 UTC is 19:00 in Tokyo
    assert "(10:00 in UTC)" in body  # and the session's own zone, since it differs
