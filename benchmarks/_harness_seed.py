"""Run by web_pages.py in a child process whose environment names the database.

Migrates, generates an organisation of MEMBERS people in TEAMS teams with bulk_create,
gives the signed-in member's first team a programme through the services (a weekly
series two years long with skips, moved and re-facilitated dates; one-off sessions with
RSVPs; an analysed repository), signs the member in by writing a session row, counts
the queries each measured page makes, and prints a JSON line describing what it made.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

MEMBERS = 10_000
TEAMS = 500
# The member the benchmark signs in as is in this many teams (one of them as lead).
VIEWER_TEAMS = 5
TIME_ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Africa/Lagos"]
ROLES = ["member"] * 17 + ["facilitator"] * 2 + ["lead"]
REPOSITORY_FILES = 5_000
REPOSITORY_COMMITS = 8_000


def generate() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password

    from peerlearn.people.models import Membership, Organisation, Team, User

    started = time.perf_counter()
    organisation = Organisation.objects.create(name="Benchmark Corp", slug="benchmark-corp")
    teams = Team.objects.bulk_create(
        Team(
            organisation=organisation,
            name=f"Team {number:03}",
            slug=f"team-{number:03}",
            description=f"Team number {number}: services, on-call and the things they own.",
        )
        for number in range(TEAMS)
    )
    unusable = make_password(None)
    people = User.objects.bulk_create(
        (
            User(
                organisation=organisation,
                username=f"person{number:05}",
                email=f"person{number:05}@benchmark.example",
                display_name=f"Person {number:05}",
                time_zone=TIME_ZONES[number % len(TIME_ZONES)],
                password=unusable,
            )
            for number in range(MEMBERS)
        ),
        batch_size=1000,
    )
    per_team = MEMBERS // TEAMS
    start_date = dt.date(2020, 1, 6)
    memberships = [
        Membership(
            team=teams[number // per_team],
            user=person,
            role=ROLES[number % per_team % len(ROLES)],
            joined_on=start_date + dt.timedelta(days=number % 1500),
        )
        for number, person in enumerate(people)
    ]
    viewer = people[0]  # lead of teams[0] (so every page, members too, is open to them)
    memberships[0].role = "lead"
    memberships += [
        Membership(team=teams[number * 97], user=viewer, role="member", joined_on=start_date)
        for number in range(1, VIEWER_TEAMS)
    ]
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return {
        "viewer": viewer,
        "team_id": teams[0].pk,
        "generate_seconds": round(time.perf_counter() - started, 2),
    }


def programme(team_id: int, data_dir: str) -> dict[str, int]:
    """What the team's pages show: series, sessions, RSVPs, a knowledge map."""
    from peerlearn.knowledge.services import analysis_run, repository_create
    from peerlearn.people.models import Membership, Team
    from peerlearn.schedule import series_services, services

    team = Team.objects.get(pk=team_id)
    people = [m.user for m in Membership.objects.filter(team=team).select_related("user")]
    leads = [m.user for m in Membership.objects.filter(team=team, role__in=["lead", "facilitator"])]
    facilitator = leads[0]
    zone = ZoneInfo("Europe/Berlin")
    today = dt.date.today()
    series = series_services.series_create(
        team=team,
        created_by=facilitator,
        facilitator=facilitator,
        title="Platform Lunch & Learn",
        format="lunch_and_learn",
        time_zone="Europe/Berlin",
        starts_on=today - dt.timedelta(weeks=104),
        start_time=dt.time(12, 30),
        duration_minutes=45,
        frequency="weekly",
        interval=1,
        weekday=today.weekday(),
        location="Room 4.12",
    )
    first = dt.datetime.combine(series.starts_on, series.start_time, tzinfo=zone)
    for week in range(3, 104, 5):  # about twenty skipped dates
        series_services.series_skip_add(
            series=series, on=series.starts_on + dt.timedelta(weeks=week), reason="Holiday"
        )
    for week in range(4, 110, 5):  # about twenty moved or re-facilitated dates
        original = first + dt.timedelta(weeks=week)
        if week % 2:
            series_services.occurrence_move(
                series=series, original_start=original, starts_at=original + dt.timedelta(hours=1)
            )
        else:
            series_services.occurrence_facilitator_set(
                series=series, original_start=original, facilitator=leads[-1]
            )
    sessions = []
    for number in range(60):  # one-off sessions, a year back and half a year ahead
        starts = dt.datetime.combine(
            today + dt.timedelta(days=number * 9 - 360), dt.time(15, 0), tzinfo=zone
        )
        sessions.append(
            services.session_create(
                team=team,
                created_by=facilitator,
                title=f"Deep dive {number:02}: the billing pipeline",
                format="deep_dive",
                starts_at=starts,
                time_zone="Europe/Berlin",
                duration_minutes=90,
                topic="How invoices flow from events to ledgers, and where it breaks.",
                facilitator=people[number % len(people)],
            )
        )
    upcoming = [s for s in sessions if s.starts_at.date() > today]
    for session in upcoming:
        for person in people[:15]:
            services.rsvp_set(session=session, person=person, answer="going")
    repository = repository_create(
        team=team,
        created_by=None,
        name="platform",
        kind="local",
        location=make_repository(data_dir),
        server_managed=True,
    )
    analysis = repository.analyses.get()
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    if analysis.status != "done":
        raise SystemExit(f"the benchmark repository was not analysed: {analysis.error}")
    return {
        "series_id": series.pk,
        "session_id": upcoming[0].pk,
        "repository_id": repository.pk,
        "files": analysis.files_analysed,
    }


def make_repository(data_dir: str) -> str:
    """A bare repository of REPOSITORY_FILES files, written by git fast-import."""
    from knowledge_pages import fast_import_stream  # the knowledge pages benchmark's history

    path = os.path.join(data_dir, "platform.git")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path], check=True)
    subprocess.run(
        ["git", "-C", path, "fast-import", "--quiet", "--done"],
        input=fast_import_stream(REPOSITORY_FILES, REPOSITORY_COMMITS),
        check=True,
    )
    return path


def settle() -> None:
    """Let PostgreSQL's autovacuum have nothing left to do on the fresh rows, so it does
    not start in the middle of a measurement (it took a core for whole rounds)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def session_for(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def query_counts(session_key: str, csrf_secret: str, paths: dict[str, str]) -> dict[str, int]:
    """Queries per page, each rendered as every request renders it."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf_secret
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} while counting queries")
        counts[name] = len(captured)
    return counts


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "_bench_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils.crypto import get_random_string

    call_command("migrate", interactive=False, verbosity=0)
    made = generate()
    content = programme(made["team_id"], os.environ["PEERLEARN_DATA_DIR"])
    settle()
    session_key = session_for(made["viewer"])
    # A browser that has seen one page also sends the CSRF cookie.
    csrf_secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    team = made["team_id"]
    paths = {
        "layout": "/_benchmark/layout",
        "dashboard": "/",
        "team": f"/teams/{team}/",
        "members": f"/teams/{team}/members/",
        "sessions": f"/teams/{team}/sessions/",
        "series": f"/series/{content['series_id']}/",
        "session": f"/sessions/{content['session_id']}/",
        "repository": f"/knowledge/repositories/{content['repository_id']}/",
    }
    result = {
        "session_key": session_key,
        "csrf_secret": csrf_secret,
        "paths": paths,
        "members": MEMBERS,
        "teams": TEAMS,
        "repository_files": content["files"],
        "generate_seconds": made["generate_seconds"],
        "queries": query_counts(session_key, csrf_secret, paths),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
