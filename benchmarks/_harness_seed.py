"""Run by web_pages.py in a child process whose environment names the database.

Migrates, generates an organisation of MEMBERS people in TEAMS teams with bulk_create,
signs one member in by writing a session row, counts the queries each measured page
makes, and prints a JSON line describing what it made.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from typing import Any

MEMBERS = 10_000
TEAMS = 500
# The member the benchmark signs in as is in this many teams (one of them as lead).
VIEWER_TEAMS = 5
TIME_ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Africa/Lagos"]
ROLES = ["member"] * 17 + ["facilitator"] * 2 + ["lead"]


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
    viewer = people[0]  # member of teams[0]; also joins a few more
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
    from django.utils.module_loading import import_string

    SessionStore = import_string(settings.SESSION_ENGINE + ".SessionStore")

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def query_counts(session_key: str, csrf_secret: str, paths: dict[str, str]) -> dict[str, list[int]]:
    """Queries per page: rendered afresh, and served again from the page cache."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf_secret
    counts = {}
    for name, path in paths.items():
        counts[name] = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code} while counting queries")
            counts[name].append(len(captured))
    return counts


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerlearn.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils.crypto import get_random_string

    call_command("migrate", interactive=False, verbosity=0)
    made = generate()
    settle()
    session_key = session_for(made["viewer"])
    # A browser that has seen one page also sends the CSRF cookie; the page cache keys on it.
    csrf_secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    paths = {
        "dashboard": "/",
        "team": f"/teams/{made['team_id']}/",
        "bare": "/_benchmark/bare",
        "layout": "/_benchmark/layout",
    }
    result = {
        "session_key": session_key,
        "csrf_secret": csrf_secret,
        "paths": paths,
        "members": MEMBERS,
        "teams": TEAMS,
        "generate_seconds": made["generate_seconds"],
        "queries": query_counts(session_key, csrf_secret, paths),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
