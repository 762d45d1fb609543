"""What the capture API tests share: a Platform world with notes, action items, consent,
a recording and a transcript, and who gets what.

Platform: alice lead, fiona facilitator, bob member; charlie is in Mobile only, olga is
the organisation's admin, zed is in another organisation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peerlearn.capture import recording_services as rs
from peerlearn.capture import services
from peerlearn.capture.models import (
    ActionItem,
    NotesRevision,
    Recording,
    RecordingConsent,
    SessionNotes,
    Transcript,
)
from peerlearn.people.models import User
from peerlearn.schedule import services as schedule_services
from peerlearn.schedule.models import Audience, Session
from tests.conftest import Cast
from tests.schedule.conftest import make_session

FIXTURES = Path(__file__).resolve().parent.parent / "engines" / "capture" / "fixtures"
# The first bytes of an MP4 file (an ftyp box), then filler: enough for the type check.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 4096

WHO = ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous"]
REFUSED = {"charlie": 404, "zed": 404, "anonymous": 401}
READ = {"olga": 200, "alice": 200, "fiona": 200, "bob": 200, **REFUSED}
FACILITATE = {**READ, "bob": 403}
# A session open to the organisation: charlie (Mobile) reads and answers, writes nothing.
OPEN_READ = {**READ, "charlie": 200}
OPEN_WRITE = {**READ, "charlie": 403}


@pytest.fixture
def recordings_dir(settings: Any, tmp_path: Path) -> Path:
    directory = tmp_path / "recordings"
    settings.CAPTURE_RECORDINGS_DIR = directory
    return directory


def going(session: Session, *people: User) -> None:
    for person in people:
        schedule_services.rsvp_set(session=session, person=person, answer="going")


def everyone_consents(session: Session, *people: User) -> None:
    going(session, *people)
    for person in people:
        rs.consent_set(session=session, person=person, consents=True)


def mp4_upload(name: str = "session.mp4", data: bytes = MP4) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="video/mp4")


def fixture_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


class World:
    """`session`: notes, items, everyone's yes, an uploaded recording and a transcript;
    `blank`: everyone's yes and nothing attached; `open`: open to the organisation."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.session = make_session(cast.platform)
        self.blank = make_session(cast.platform, title="Blank")
        self.open = make_session(cast.platform, title="Open", audience=Audience.ORGANISATION)
        for each in (self.session, self.blank):
            everyone_consents(each, cast.alice, cast.fiona)
        services.notes_save(
            session=self.session, author=cast.fiona, body="# Tracing\n", base_version=0
        )
        services.notes_save(session=self.open, author=cast.fiona, body="Open", base_version=0)
        self.recording = rs.recording_attach_upload(
            session=self.session, actor=cast.fiona, upload=mp4_upload()
        )
        rs.transcript_import(
            session=self.session,
            actor=cast.fiona,
            data=(FIXTURES / "zoom.vtt").read_bytes(),
            file_name="zoom.vtt",
        )
        # fiona's: she and the facilitators may change it, bob may not.
        self.item = services.action_item_create(
            team=cast.platform,
            created_by=cast.alice,
            text="Runbook",
            owner=cast.fiona,
            session=self.session,
        )
        self.closed = services.action_item_create(
            team=cast.platform, created_by=cast.alice, text="Old", owner=cast.fiona
        )
        services.action_item_close(item=self.closed, actor=cast.alice)

    def url(self, template: str) -> str:
        return template.format(
            session=self.session.pk,
            blank=self.blank.pk,
            open=self.open.pk,
            item=self.item.pk,
            closed=self.closed.pk,
            team=self.cast.platform.pk,
        )


def snapshot() -> list[Any]:
    return [
        *SessionNotes.objects.values_list("pk", "version"),
        *NotesRevision.objects.values_list("pk"),
        *ActionItem.objects.values_list("pk", "text", "status", "owner", "due"),
        *RecordingConsent.objects.values_list("pk", "consents"),
        *Recording.objects.values_list("pk", "url", "file_path"),
        *Transcript.objects.values_list("pk", "file_name"),
    ]


# (method, url template, body, expected statuses): a body is JSON (a dict) or the files
# of a multipart form (a callable making them afresh).
Body = dict[str, Any] | Callable[[], dict[str, Any]] | None
Case = tuple[str, str, Body, dict[str, int]]


def send(client: Client, method: str, url: str, body: Body) -> Any:
    if method == "get":
        return client.get(url)
    if method == "delete":
        return client.delete(url)
    if callable(body):
        return client.post(url, body())  # multipart
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def check_matrix(
    cast: Cast, client_as: Callable[[str], Client], who: str, case: Case
) -> tuple[World, Any]:
    """Send the case's request as `who`: an allowed call answers 2xx, a refused one its
    status with a JSON detail and leaves everything as it was."""
    method, template, body, expected = case
    world = World(cast)
    before = snapshot()
    response = send(client_as(who), method, world.url(template), body)
    status = expected[who]
    if status == 200:
        assert 200 <= response.status_code < 300, (who, case, response.content[:300])
        return world, response
    assert response.status_code == status, (who, case, response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    if method != "get":
        assert snapshot() == before, (who, case, "a refused write changed something")
    return world, response
