"""The demo organisation: what a new user sees after `peerlearn demo`."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from peerlearn.demo import DEMO_PASSWORD, demo_load, demo_logins
from peerlearn.gaps.models import Gap, Suggestion
from peerlearn.people.models import Organisation, Team, User
from peerlearn.schedule.models import Attendance, Rsvp, Series, SeriesSkip, SessionStatus

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_every_printed_login_works() -> None:
    demo_load()
    demo_load()  # a restarted demo keeps what the user changed, and adds nothing twice
    assert Organisation.objects.count() == 1
    assert User.objects.count() == 12
    for username, _ in demo_logins():
        assert Client().login(username=username, password=DEMO_PASSWORD), username


def test_demo_has_a_learning_history_and_a_next_session() -> None:
    demo_load()
    platform = Team.objects.get(slug="platform")
    slot = Series.objects.get(team=platform, is_protected_slot=True)
    done = platform.learning_sessions.filter(status=SessionStatus.DONE)
    assert done.count() >= 3
    assert Attendance.objects.filter(session__in=done).count() >= 9
    assert SeriesSkip.objects.filter(series=slot).exists()
    assert Rsvp.objects.filter(session__team=platform).exists()
    assert Series.objects.filter(team__slug="mobile", is_protected_slot=True).exists()


def test_demo_dashboard_shows_the_protected_slot_and_who_facilitates() -> None:
    demo_load()
    client = Client()
    client.login(username="carol", password=DEMO_PASSWORD)
    body = client.get(reverse("web:dashboard")).content.decode()
    assert "Platform learning hour" in body
    assert "Bob Okafor" in body
    assert "Deep dive: the billing service" in body


def test_demo_backlog_is_ranked_and_fed_by_the_signals() -> None:
    demo_load()
    platform = Team.objects.get(slug="platform")
    client = Client()
    client.login(username="alice", password=DEMO_PASSWORD)
    backlog = client.get(reverse("gaps:backlog", args=[platform.pk])).content.decode()
    assert "How our deploy pipeline promotes a build" in backlog
    assert "How are on-call handovers supposed to work?" in backlog  # the anonymous ask
    assert Gap.objects.get(title="Our logging conventions").status == "covered"
    kinds = set(Suggestion.objects.filter(team=platform).values_list("kind", flat=True))
    assert kinds == {"knowledge_island", "onboarding"}
    assert Gap.objects.get(source="anonymous").raised_by is None


def test_demo_has_notes_action_items_and_a_knowledge_base_page() -> None:
    from peerlearn.capture.models import ActionItem, Transcript
    from peerlearn.kb.models import KbPage

    demo_load()
    platform = Team.objects.get(slug="platform")
    page = KbPage.objects.get(team=platform)
    assert Transcript.objects.filter(session=page.session).exists()
    owners = set(ActionItem.objects.filter(status="open").values_list("owner__username", flat=True))
    assert owners == {"carol", "dan"}
    client = Client()
    client.login(username="carol", password=DEMO_PASSWORD)
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert "write the runbook for a stuck promotion" in dashboard
    assert "overdue" in dashboard
    assert "How our deploy pipeline really works" in dashboard  # newest pages
    kb = client.get(reverse("kb:page", args=[page.pk])).content.decode()
    assert "graph LR" in kb  # the notes' diagram, on the page
    notes = client.get(reverse("capture:session", args=[page.session_id])).content.decode()
    assert "Stage" in notes
    assert "mermaid.min" in notes
