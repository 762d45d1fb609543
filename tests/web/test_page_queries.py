"""Every signed-in page makes a fixed number of queries, pinned, whatever the data.

Each page is requested with one and with three of everything it lists (teams, series,
skipped, moved and re-facilitated dates, sessions, answers, roles, members), so a query
per row would change the count and fail the pin. The repository page's pin is in
tests/knowledge/test_pages.py (it needs an analysed repository).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from peerlearn.capture import services as capture_services
from peerlearn.gaps import services as gap_services
from peerlearn.kb import services as kb_services
from peerlearn.people.models import Team
from peerlearn.people.roles import Role
from peerlearn.people.services import membership_set, person_create, team_create
from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Series, Session
from tests.conftest import Cast, client_for

BERLIN = ZoneInfo("Europe/Berlin")

# Queries per page for the lead of the team (who sees every form), by page.
PINNED = {
    # session, person, teams with counts and the lead's role, series, skips near the
    # window, sessions in the window, their roles; active gaps with the viewer's votes,
    # the viewer's offers to teach; the viewer's open action items; the newest pages
    "dashboard": 11,
    # session, person, team with the lead's role, member count, a page of members, the
    # team's failing chat webhooks (leads only)
    "team": 6,
    # session, person, team with the lead's role, members with their accounts
    "members": 4,
    # session, person, team with role, series (the page's list too) with skips, rows in
    # the window and their roles, single sessions with roles, past sessions with roles
    "sessions": 11,
    # session, person, series with team and role, skips, coming rows, their roles, past
    # dates, team people; conflicts: the facilitators' leading roles in other sessions
    # (with the sessions), their series with skips, rows and roles
    "series": 13,
    # session, person, session with team and role, roles, answers, attendance, team
    # people; conflicts: its facilitators' leading roles in other sessions (with the
    # sessions), their series with skips, rows and roles; the gaps it covers
    "session": 13,
}


def _occurrence(series: Series, week: int) -> dt.datetime:
    day = series.starts_on + dt.timedelta(weeks=week)
    return dt.datetime.combine(day, series.start_time, tzinfo=BERLIN)


def _team_programme(team: Team, cast: Cast, size: int) -> tuple[Series, Session]:
    """A weekly series begun ten weeks ago with `size` skipped, moved and re-facilitated
    dates before and after today, and `size` single sessions before and after today,
    each with a facilitator and answers."""
    today = timezone.localdate()
    series = series_services.series_create(
        team=team,
        created_by=cast.alice,
        facilitator=cast.fiona,
        title=f"Weekly at {team.name}",
        format="lunch_and_learn",
        time_zone="Europe/Berlin",
        starts_on=today - dt.timedelta(weeks=10),
        start_time=dt.time(12, 0),
        duration_minutes=45,
        frequency="weekly",
        interval=1,
        weekday=today.weekday(),
    )
    for k in range(size):
        for first in (1, 12):  # before and after today (week 10)
            week = first + 3 * k
            series_services.series_skip_add(series=series, on=_occurrence(series, week).date())
            moved = _occurrence(series, week + 1)
            series_services.occurrence_move(
                series=series, original_start=moved, starts_at=moved + dt.timedelta(hours=1)
            )
            series_services.occurrence_facilitator_set(
                series=series, original_start=_occurrence(series, week + 2), facilitator=cast.bob
            )
    now = timezone.now()
    starts = [now + dt.timedelta(days=days) for k in range(size) for days in (-20 - k, 3 + k)]
    # The one the session page shows overlaps a date of every team's series that was
    # given to another facilitator: so its conflicts read series and their rows.
    starts[1] = _occurrence(series, 14)
    sessions = []
    for number, starts_at in enumerate(starts):
        session = services.session_create(
            team=team,
            created_by=cast.alice,
            title=f"Deep dive {number}",
            format="deep_dive",
            starts_at=starts_at,
            time_zone="Europe/Berlin",
            duration_minutes=90,
            facilitator=cast.fiona,
        )
        for person in (cast.alice, cast.bob):
            services.rsvp_set(session=session, person=person, answer="going")
        sessions.append(session)
    for number in range(size):  # gaps alice voted for and offered to teach
        gap = gap_services.gap_create(team=team, raised_by=cast.bob, title=f"Gap {number}")
        gap_services.gap_vote(gap=gap, voter=cast.alice, vote=True)
        gap_services.offer_create(team=team, person=cast.alice, gap=gap)
        gap_services.offer_create(team=team, person=cast.alice, topic=f"Topic {number}")
        capture_services.action_item_create(
            team=team, created_by=cast.alice, text=f"Item {number}", owner=cast.alice
        )
    kb_services.kb_page_publish(
        session=sessions[0], actor=cast.alice, title=f"Page of {team.name}", summary="s",
        takeaways=["t"],
    )  # fmt: skip
    return series, sessions[1]


def _programme(cast: Cast, size: int) -> dict[str, str]:
    teams = [cast.platform]
    for number in range(size):  # at least one other team, whose series fiona leads too
        team = team_create(organisation=cast.org, name=f"Extra {number}")
        membership_set(team=team, person=cast.alice, role=Role.LEAD)
        membership_set(team=team, person=cast.fiona, role=Role.FACILITATOR)
        membership_set(team=team, person=cast.bob)
        teams.append(team)
    for number in range(size * 3):
        person = person_create(
            organisation=cast.org, username=f"member{number}", email=f"m{number}@example.com"
        )
        membership_set(team=cast.platform, person=person)
    shown: tuple[Series, Session] | None = None
    for team in teams:
        made = _team_programme(team, cast, size)
        shown = shown or made
    assert shown is not None
    series, session = shown
    team_id = cast.platform.pk
    return {
        "dashboard": reverse("web:dashboard"),
        "team": reverse("web:team", args=[team_id]),
        "members": reverse("people:team_members", args=[team_id]),
        "sessions": reverse("schedule:team_sessions", args=[team_id]),
        "series": reverse("schedule:series", args=[series.pk]),
        "session": reverse("schedule:session", args=[session.pk]),
    }


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("page", sorted(PINNED))
def test_signed_in_page_queries_are_pinned(
    cast: Cast, size: int, page: str, django_assert_num_queries: Any
) -> None:
    urls = _programme(cast, size)
    client = client_for(cast.alice)
    assert client.get(urls[page]).status_code == 200  # signs in, warms what a process keeps
    with django_assert_num_queries(PINNED[page]):
        response = client.get(urls[page])
    assert response.status_code == 200
    body = response.content.decode()
    if page == "series":
        assert body.count('<span class="badge">moved</span>') == size  # the ones to come
        assert body.count("Meet again on this date") == 2 * size
        assert "Double-booked facilitator" in body  # fiona leads the other teams' series
    if page == "sessions":
        assert body.count("Deep dive") == 2 * size
    if page == "dashboard":  # every team's top gaps, and what alice voted for and offered
        assert body.count("(voted)") == min(size, 5) * (size + 1)
        assert body.count("Topic 0 (offered to teach)") == size + 1
        assert body.count("Page of ") == min(size + 1, 5)
        assert "Item 0" in body
    if page == "session":
        assert "Alice: going" in body
        assert "Bob: going" in body
