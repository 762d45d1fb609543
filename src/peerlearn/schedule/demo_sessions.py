"""The demo organisation's learning program: protected slots, past sessions, what is next.

Everything is made through the services, as a user would make it, relative to today so
that the demo always has a recent past (attendance, a moved and a skipped date) and a
near future (RSVPs, the next facilitators on the dashboard).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from peerlearn.engines.schedule import recurrence
from peerlearn.people.models import Team, User
from peerlearn.schedule import series_services, services
from peerlearn.schedule.models import Frequency, RsvpAnswer, Series
from peerlearn.schedule.rules import engine_series

WEEKS_OF_HISTORY = 6


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _dates(series: Series, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    return [o.original_start for o in recurrence.occurrences(engine_series(series), start, end)]


def demo_sessions_load(*, teams: dict[str, Team], people: dict[str, User]) -> None:
    now = timezone.now()
    _platform_program(teams["platform"], people, now)
    _mobile_program(teams["mobile"], people, now)


def _platform_program(team: Team, people: dict[str, User], now: dt.datetime) -> None:
    first = _next_weekday(now.date() - dt.timedelta(weeks=WEEKS_OF_HISTORY), 2)  # Wednesday
    slot = series_services.series_create(
        team=team,
        created_by=people["alice"],
        facilitator=people["bob"],
        is_protected_slot=True,
        title="Platform learning hour",
        format="lunch_and_learn",
        topic="One thing we learned this week, shown on our own code.",
        time_zone="Europe/Paris",
        starts_on=first,
        start_time=dt.time(12, 30),
        duration_minutes=45,
        frequency=Frequency.WEEKLY,
        interval=1,
        weekday=2,
        location="Room Ada / video link in the invite",
    )
    past = _dates(slot, now - dt.timedelta(weeks=WEEKS_OF_HISTORY + 1), now)
    team_people = [people[name] for name in ("alice", "bob", "carol", "dan", "erin", "frank")]
    titles = [
        "How our deploy pipeline really works",
        "Reading flame graphs",
        "Postgres locks we have met",
        "Feature flags without regrets",
    ]
    for index, original in enumerate(past):
        if index == 1:  # a release day: skipped for everyone
            series_services.series_skip_add(series=slot, on=original.date(), reason="Release day")
            continue
        session = series_services.occurrence_materialise(series=slot, original_start=original)
        services.session_update(session=session, changes={"title": titles[index % len(titles)]})
        services.attendance_record(
            session=session,
            attendees=team_people[: 3 + index % 3],
            recorded_by=people["bob"],
            now=now,
        )
    upcoming = _dates(slot, now, now + dt.timedelta(weeks=3))
    if upcoming:
        series_services.occurrence_facilitator_set(
            series=slot, original_start=upcoming[-1], facilitator=people["erin"]
        )
        nearest = series_services.occurrence_materialise(series=slot, original_start=upcoming[0])
        for name, answer in (("alice", "going"), ("carol", "going"), ("dan", "maybe")):
            services.rsvp_set(session=nearest, person=people[name], answer=RsvpAnswer(answer))
    paris = ZoneInfo("Europe/Paris")
    # Within the next 3-9 days, so it is always among the next three sessions shown.
    deep_dive_day = _next_weekday(now.date() + dt.timedelta(days=3), 3)  # a Thursday
    services.session_create(
        team=team,
        created_by=people["alice"],
        title="Deep dive: the billing service's retry logic",
        format="deep_dive",
        topic="Our most frequent incident source; read the post-mortem of 12 March first.",
        starts_at=dt.datetime.combine(deep_dive_day, dt.time(14, 0), paris),
        time_zone="Europe/Paris",
        duration_minutes=120,
        location="Room Turing",
        whiteboard_link="https://excalidraw.com/#room=peerlearn-demo",
        facilitator=people["alice"],
        co_facilitator=people["erin"],
    )


def _mobile_program(team: Team, people: dict[str, User], now: dt.datetime) -> None:
    sprint_start = _next_weekday(now.date() - dt.timedelta(weeks=5), 0)  # a Monday
    series_services.series_create(
        team=team,
        created_by=people["grace"],
        facilitator=people["heidi"],
        co_facilitator=people["judy"],
        is_protected_slot=True,
        title="Code Review with a Twist",
        format="code_review_twist",
        topic="One merged change per sprint, discussed for its design, not its bugs.",
        time_zone="America/New_York",
        starts_on=sprint_start,
        start_time=dt.time(11, 0),
        duration_minutes=60,
        frequency=Frequency.SPRINT,
        interval=2,
        weekday=3,
        sprint_start=sprint_start,
        location="Video call",
    )
    new_york = ZoneInfo("America/New_York")
    pairing_day = now.date() - dt.timedelta(days=8)
    pairing = services.session_create(
        team=team,
        created_by=people["heidi"],
        title="Pairing: debugging the offline sync",
        format="pairing",
        topic="Oscar learns the sync engine by chasing a real bug with Heidi.",
        starts_at=dt.datetime.combine(pairing_day, dt.time(15, 0), new_york),
        time_zone="America/New_York",
        duration_minutes=90,
        facilitator=people["heidi"],
    )
    services.session_set_format_roles(
        session=pairing, people_by_role={"expert": [people["heidi"]], "learner": [people["oscar"]]}
    )
    services.attendance_record(
        session=pairing,
        attendees=[people["heidi"], people["oscar"]],
        recorded_by=people["heidi"],
        now=now,
    )
