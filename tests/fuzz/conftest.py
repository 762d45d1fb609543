"""A seeded organisation for the fuzz: the cast plus one of every object a page shows.

Platform gets a session, a weekly series, an analysed repository (a real git history
in tmp_path), an API token and a calendar feed, so the crawl reaches every object page
and every form on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from peerlearn.api.services import api_token_create
from peerlearn.gaps import import_services, source_services
from peerlearn.gaps import services as gap_services
from peerlearn.gaps.models import PendingImport, Suggestion
from peerlearn.knowledge import services as knowledge_services
from peerlearn.knowledge.models import Repository
from peerlearn.people.models import User
from peerlearn.people.services import member_add_new_person
from peerlearn.schedule import series_services
from peerlearn.schedule.feeds import calendar_feed_create
from peerlearn.schedule.models import Series, Session
from tests.conftest import Cast
from tests.knowledge.conftest import build_history, recent_repo
from tests.schedule.conftest import BERLIN, make_series, make_session


@dataclass
class World:
    cast: Cast
    session: Session
    series: Series
    repository: Repository
    token: str  # alice's API token
    invited: User  # in Platform, has not chosen a password yet

    @property
    def repository_page(self) -> str:
        return reverse("knowledge:repository", args=[self.repository.pk])

    @property
    def history_page(self) -> str:
        return reverse("schedule:history", args=[self.cast.bob.pk])

    @property
    def pending_import_page(self) -> str:
        """The CSV import's second step: reached only after an upload, never linked."""
        pending = PendingImport.objects.get(uploaded_by=self.cast.alice)
        return reverse("gaps:import_columns", args=[pending.pk])

    @property
    def series_page(self) -> str:
        return reverse("schedule:series", args=[self.series.pk])


@pytest.fixture
def world(
    cast: Cast,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> World:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.KNOWLEDGE_REPOSITORY_ROOTS = [str(allowed)]
    settings.DATA_DIR = tmp_path / "data"
    source = build_history(recent_repo(allowed / "app"))
    with django_capture_on_commit_callbacks(execute=True):
        repository = knowledge_services.repository_create(
            team=cast.platform,
            created_by=cast.fiona,
            name="app",
            kind="local",
            location=str(source.path),
        )
    # Soon, so the dashboard, the team's sessions and the series page list them.
    soon = timezone.localdate() + dt.timedelta(days=3)
    session = make_session(
        cast.platform,
        by=cast.alice,
        facilitator=cast.fiona,
        starts_at=dt.datetime.combine(soon, dt.time(12), tzinfo=BERLIN),
    )
    series = make_series(cast.platform, by=cast.alice, facilitator=cast.fiona, starts_on=soon)
    # Taken after it started: the attendance form shows.
    past = timezone.localdate() - dt.timedelta(days=3)
    held = make_session(
        cast.platform,
        by=cast.alice,
        facilitator=cast.fiona,
        title="Last week's",
        starts_at=dt.datetime.combine(past, dt.time(12), tzinfo=BERLIN),
    )
    # A skipped week (the skip's remove button) and a pending invitation (resend).
    first = soon + dt.timedelta(days=(series.weekday - soon.weekday()) % 7)
    series_services.series_skip_add(series=series, on=first + dt.timedelta(days=14))
    invited = member_add_new_person(
        team=cast.platform, username="ivy", email="ivy@example.com", display_name="Ivy"
    ).user
    _, token = api_token_create(user=cast.alice, name="fuzz")
    calendar_feed_create(owner=cast.alice, team=cast.platform)
    calendar_feed_create(owner=cast.olga)
    _backlog(cast, session)
    settings.CAPTURE_RECORDINGS_DIR = tmp_path / "recordings"
    _capture(cast, session, held)
    _chat(cast, settings)
    _planning(cast)
    return World(cast, session, series, repository, token, invited)


def _capture(cast: Cast, session: Session, held: Session) -> None:
    """Every capture form: notes, open and closed action items, consent given, a
    transcript (to import again or delete), a published page (to remove), and an
    uploaded recording on the held session (to transcribe)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peerlearn.capture import recording_services
    from peerlearn.capture import services as capture_services
    from peerlearn.kb import services as kb_services

    capture_services.notes_save(
        session=session, author=cast.alice, body="- [ ] @alice try it", base_version=0
    )
    done = capture_services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Done one", session=session
    )
    capture_services.action_item_close(item=done, actor=cast.alice)
    for each in (session, held):
        for person in recording_services.present_people(each):
            recording_services.consent_set(session=each, person=person, consents=True)
    recording_services.transcript_import(
        session=session,
        actor=cast.alice,
        data=b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alice>Hello\n",
        file_name="t.vtt",
    )
    kb_services.kb_page_publish(
        session=session, actor=cast.alice, title="Tracing", summary="s", takeaways=["t"]
    )
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
    recording_services.recording_attach_upload(
        session=held, actor=cast.alice, upload=SimpleUploadedFile("r.mp4", mp4)
    )


def _chat(cast: Cast, settings: Any) -> None:
    """A chat webhook (its edit, test and remove forms) that refuses connections at once."""
    from peerlearn.chat import services as chat_services

    settings.CHAT_ALLOW_LOCAL_WEBHOOKS = True
    chat_services.webhook_add(
        team=cast.platform,
        actor=cast.alice,
        service="slack",
        name="#fuzz",
        url="http://127.0.0.1:9/nothing-listens",
        events=["session_new"],
    )


def _backlog(cast: Cast, session: Session) -> None:
    """A gap of every kind of form: one to edit, vote, merge and link (with a session to
    unlink), an offer to take back, a lead's 1:1 note, an onboarding step and a pending
    suggestion."""
    gap = gap_services.gap_create(team=cast.platform, raised_by=cast.alice, title="Tracing")
    gap_services.gap_create(team=cast.platform, raised_by=cast.bob, title="Tracing again")
    gap_services.gap_link_session(gap=gap, session=session, actor=cast.alice)
    gap_services.offer_create(team=cast.platform, person=cast.alice, topic="Profiling")
    source_services.note_create(
        team=cast.platform, author=cast.alice, held_on=dt.date(2026, 11, 2), text="k8s"
    )
    source_services.onboarding_step_create(team=cast.platform, actor=cast.alice, title="Laptop")
    Suggestion.objects.create(team=cast.platform, kind="onboarding", key="k", title="Laptop")
    import_services.pending_import_create(
        team=cast.platform,
        uploaded_by=cast.alice,
        file_name="retro.csv",
        data=b"Title,Votes\nKafka lag,2\n",
    )


def _planning(cast: Cast) -> None:
    """Every planning form: a draft plan (accept, edit an entry; the propose form is on the
    planning page) and a pairing of alice's to answer (the round form is on its page)."""
    from peerlearn.engines.planning import Pair, Round
    from peerlearn.planning import services as planning_services
    from peerlearn.planning.models import PairingRound
    from peerlearn.planning.pairing_services import _store

    start = timezone.localdate() + dt.timedelta(days=7)
    planning_services.plan_propose(
        team=cast.platform, actor=cast.alice, start=start, weekday=2, at=dt.time(11), count=2
    )
    made = PairingRound.objects.create(team=cast.platform, number=1, rules={"capacity": 1})
    _store(made, Round((Pair(str(cast.alice.pk), str(cast.bob.pk), "src/", 1.0),), (), 1.0))
