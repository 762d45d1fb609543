"""Every URL pattern: it says which methods it answers, and hostile path values are no 500.

A page that only shows something must refuse POST (405) instead of running its GET code
for it; an id in a path that cannot be a database id must not resolve (404), however
many digits it has.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from urllib.parse import quote

import pytest

from peerlearn.api.models import ApiToken
from peerlearn.capture.models import ActionItem
from peerlearn.chat.models import ChatWebhook
from peerlearn.gaps.models import (
    Gap,
    OnboardingStep,
    OneOnOneNote,
    PendingImport,
    Suggestion,
    TeachingOffer,
)
from peerlearn.kb.models import KbPage
from peerlearn.people.models import Membership
from peerlearn.planning.models import Pairing, Plan, PlanEntry
from peerlearn.schedule.models import CalendarFeed
from peerlearn.schedule.selectors import occurrence_key
from tests.fuzz.conftest import World
from tests.fuzz.hostile import HOSTILE_IDS
from tests.fuzz.outcome import Findings, judge, signed_in
from tests.fuzz.urls import declared_methods, site_routes
from tests.schedule.conftest import BERLIN

pytestmark = pytest.mark.django_db

# Percent-encoded as they arrive: NUL, CR/LF, a direction override, long, bytes not UTF-8.
HOSTILE_STRINGS = [
    "%00",
    "a%0D%0Ab",
    "%E2%80%AE",
    "x" * 3000,
    "..%2F..%2Fetc",
    "%FF%FE",
    "20261209T110000Z%00",
]


def test_no_pattern_uses_the_unbounded_int_converter() -> None:
    unbounded = [r.route for r in site_routes() if "<int:" in r.route]
    assert not unbounded, "use <id:…> (peerlearn.web.converters): " + ", ".join(unbounded)


def test_every_view_declares_the_methods_it_answers() -> None:
    undeclared = [
        f"{r.name} ({r.route})" for r in site_routes() if declared_methods(r.view) is None
    ]
    assert not undeclared, (
        "decorate with require_safe, require_POST or require_GET_or_POST: " + ", ".join(undeclared)
    )


def _valid_values(world: World) -> dict[str, str]:
    cast = world.cast
    membership = Membership.objects.get(team=cast.platform, user=cast.bob)
    feed = CalendarFeed.objects.filter(owner=cast.alice).first()
    assert feed is not None
    first = world.series.starts_on
    first += dt.timedelta(days=(world.series.weekday - first.weekday()) % 7)
    key = occurrence_key(dt.datetime.combine(first, world.series.start_time, tzinfo=BERLIN))
    return {
        "team_id": str(cast.platform.pk),
        "session_id": str(world.session.pk),
        "series_id": str(world.series.pk),
        "repository_id": str(world.repository.pk),
        "membership_id": str(membership.pk),
        "person_id": str(cast.bob.pk),
        "skip_id": "1",
        "token_id": str(ApiToken.objects.get(user=cast.alice).pk),
        "key": key,
        "token": "nosuchtoken",
        "uidb64": "MQ",
        "gap_id": str(Gap.objects.filter(team=cast.platform).values_list("pk", flat=True)[0]),
        "offer_id": str(TeachingOffer.objects.values_list("pk", flat=True)[0]),
        "note_id": str(OneOnOneNote.objects.values_list("pk", flat=True)[0]),
        "step_id": str(OnboardingStep.objects.values_list("pk", flat=True)[0]),
        "suggestion_id": str(Suggestion.objects.values_list("pk", flat=True)[0]),
        "pending_id": str(PendingImport.objects.values_list("pk", flat=True)[0]),
        "item_id": str(ActionItem.objects.values_list("pk", flat=True)[0]),
        "page_id": str(KbPage.objects.values_list("pk", flat=True)[0]),
        "webhook_id": str(ChatWebhook.objects.values_list("pk", flat=True)[0]),
        "plan_id": str(Plan.objects.values_list("pk", flat=True)[0]),
        "entry_id": str(PlanEntry.objects.values_list("pk", flat=True)[0]),
        "pairing_id": str(Pairing.objects.values_list("pk", flat=True)[0]),
    }


# Pages that once answered a POST by running their GET code (200), found by the fuzz.
SHOW_ONLY = {
    "people:manage",
    "people:manage_teams",
    "people:task_results",
    "people:team_members",
    "schedule:team_sessions",
    "schedule:session",
    "schedule:series",
    "schedule:occurrence",
    "schedule:calendar_settings",
    "schedule:history",
    "knowledge:team_repositories",
    "knowledge:repository",
    "knowledge:person",
    "knowledge:files",
    "web:dashboard",
    "web:team",
    "gaps:backlog",
    "gaps:gap",
    "gaps:suggestions",
    "planning:home",
    "planning:plan",
    "planning:rotation",
    "planning:pairing",
}


def test_pages_that_only_show_refuse_post(world: World) -> None:
    """Without require_safe these ran their GET code for a POST (and answered 200)."""
    client = signed_in(world.cast.olga)
    values = _valid_values(world)
    answered = {}
    for route in site_routes():
        methods = declared_methods(route.view)
        declared_show_only = methods is not None and "POST" not in methods and "GET" in methods
        if route.name not in SHOW_ONLY and not declared_show_only:
            continue
        response = client.post(route.url(values))
        answered[route.name] = response.status_code
    assert answered.keys() >= SHOW_ONLY
    assert set(answered.values()) == {405}, answered


def test_hostile_path_values_are_404_not_500(world: World) -> None:
    client = signed_in(world.cast.olga)
    valid = _valid_values(world)
    findings = Findings()
    for route in site_routes():
        for converter, name in route.parameters:
            hostile = HOSTILE_IDS if converter == "id" else HOSTILE_STRINGS
            for value in hostile:
                url = route.url({**valid, name: value if "%" in value else quote(value)})
                # An id that does not resolve fails before any method is looked at.
                for method in ("get",) if converter == "id" else ("get", "post"):
                    what = f"{method.upper()} {url} ({route.name})"
                    send = partial(getattr(client, method), url)
                    outcome = judge(what, client, send, findings)
                    if converter == "id" and outcome.status != 404:
                        findings.add(f"{what}: {outcome.status}, not 404")
    assert not findings.items, findings.report()
