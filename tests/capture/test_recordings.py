"""Consent to recording: nothing is attached without everyone present saying yes, and a
no later deletes the recording's file and the transcript from disk and database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerlearn.capture import recording_services as rs
from peerlearn.capture.models import Recording, RecordingRemoval, Transcript
from peerlearn.schedule import services as schedule_services
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

from .conftest import FIXTURES, MP4, everyone_consents, going, mp4_upload

pytestmark = pytest.mark.django_db


def test_no_recording_until_everyone_present_said_yes(cast: Cast) -> None:
    session = make_session(cast.platform)
    with pytest.raises(ValidationError, match="Nobody is known to be present"):
        rs.recording_attach_link(session=session, actor=cast.alice, url="https://v.example/1")
    going(session, cast.alice, cast.bob)
    rs.consent_set(session=session, person=cast.alice, consents=True)
    with pytest.raises(ValidationError, match="Waiting for Bob"):
        rs.recording_attach_link(session=session, actor=cast.alice, url="https://v.example/1")
    rs.consent_set(session=session, person=cast.bob, consents=False)
    with pytest.raises(ValidationError, match="said no"):
        rs.recording_attach_upload(session=session, actor=cast.alice, upload=mp4_upload())
    assert not Recording.objects.exists()
    rs.consent_set(session=session, person=cast.bob, consents=True)
    assert rs.consent_state(session).may_record
    rs.recording_attach_link(session=session, actor=cast.alice, url="https://v.example/1")
    assert Recording.objects.get(session=session).url == "https://v.example/1"


def test_attendance_decides_who_is_present_once_taken(cast: Cast) -> None:
    session = make_session(cast.platform)
    going(session, cast.alice, cast.bob)
    rs.consent_set(session=session, person=cast.alice, consents=True)
    assert not rs.consent_state(session).may_record  # bob said he'd come
    schedule_services.attendance_record(
        session=session,
        attendees=[cast.alice],
        recorded_by=cast.alice,
        now=session.starts_at + dt.timedelta(hours=1),
    )
    assert [p.username for p in rs.consent_state(session).present] == ["alice"]
    assert rs.consent_state(session).may_record


def test_an_upload_is_stored_and_served_only_to_those_who_see_the_session(
    cast: Cast, recordings_dir: Path
) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    url = reverse("capture:recording_upload", args=[session.pk])
    response = client_for(cast.alice).post(url, {"file": mp4_upload("demo day.mp4")})
    assert response.status_code == 302
    recording = Recording.objects.get(session=session)
    stored = recordings_dir / recording.file_path
    assert stored.read_bytes() == MP4
    assert (recording.file_name, recording.content_type, recording.size) == (
        "demo day.mp4",
        "video/mp4",
        len(MP4),
    )
    download = reverse("capture:recording_download", args=[session.pk])
    got = client_for(cast.bob).get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == MP4  # type: ignore[attr-defined]
    assert got["Content-Type"] == "video/mp4"
    assert client_for(cast.charlie).get(download).status_code == 404
    assert client_for(cast.zed).get(download).status_code == 404


def test_revoking_consent_deletes_file_and_transcript_and_says_so(
    cast: Cast, recordings_dir: Path, django_capture_on_commit_callbacks: object
) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    recording = rs.recording_attach_upload(session=session, actor=cast.alice, upload=mp4_upload())
    rs.transcript_import(
        session=session,
        actor=cast.alice,
        data=(FIXTURES / "teams.vtt").read_bytes(),
        file_name="teams.vtt",
    )
    stored = recordings_dir / recording.file_path
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client_for(cast.bob).post(reverse("capture:consent", args=[session.pk]), {"consents": "no"})
    assert not stored.exists()
    assert not Recording.objects.filter(session=session).exists()
    assert not Transcript.objects.filter(session=session).exists()
    removal = RecordingRemoval.objects.get(session=session)
    assert removal.what == "recording and transcript"
    assert "withdrew" in removal.reason
    assert "bob" not in removal.reason.lower()  # who withdrew is not recorded
    page = client_for(cast.alice).get(reverse("capture:session", args=[session.pk]))
    assert "The recording and transcript was deleted" in page.content.decode()


def test_an_upload_that_is_not_audio_or_video_is_refused(cast: Cast, recordings_dir: Path) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    fake = mp4_upload("clip.mp4", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError, match="not an audio or video recording"):
        rs.recording_attach_upload(session=session, actor=cast.alice, upload=fake)
    assert not Recording.objects.exists()
    assert not any(recordings_dir.rglob("*.*")) if recordings_dir.exists() else True


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(
    cast: Cast, settings: Any, recordings_dir: Path
) -> None:
    settings.CAPTURE_RECORDING_MAX_MB = 1
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    big = mp4_upload("long.mp4", MP4 + b"\x00" * (1024 * 1024))
    response = client_for(cast.alice).post(
        reverse("capture:recording_upload", args=[session.pk]), {"file": big}, follow=True
    )
    assert "larger than 1 MB" in response.content.decode()
    assert not Recording.objects.exists()
    assert not recordings_dir.exists() or not any(recordings_dir.rglob("*.mp4"))


def test_an_upload_needs_the_csrf_token(cast: Cast) -> None:
    from django.test import Client

    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    response = client.post(
        reverse("capture:recording_upload", args=[session.pk]), {"file": mp4_upload()}
    )
    assert response.status_code == 403
    assert not Recording.objects.exists()


def test_a_transcript_import_keeps_speakers_and_times(cast: Cast) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    with (FIXTURES / "zoom.vtt").open("rb") as handle:
        response = client_for(cast.alice).post(
            reverse("capture:transcript_import", args=[session.pk]), {"file": handle}, follow=True
        )
    transcript = Transcript.objects.get(session=session)
    assert transcript.format == "vtt"
    assert transcript.speakers
    start, end, speaker, text = transcript.cues[0]
    assert 0 <= start < end
    assert speaker in transcript.speakers
    assert text
    html = response.content.decode()
    assert "Transcript imported" in html
    assert transcript.speakers[0] in html


def test_a_malformed_transcript_says_what_and_where_and_keeps_the_old_one(cast: Cast) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    rs.transcript_import(
        session=session,
        actor=cast.alice,
        data=(FIXTURES / "zoom.vtt").read_bytes(),
        file_name="zoom.vtt",
    )
    with pytest.raises(ValidationError, match=r"bad_timestamp\.vtt: line \d+"):
        rs.transcript_import(
            session=session,
            actor=cast.alice,
            data=(FIXTURES / "bad_timestamp.vtt").read_bytes(),
            file_name="bad_timestamp.vtt",
        )
    assert Transcript.objects.get(session=session).file_name == "zoom.vtt"


def test_only_facilitators_attach_and_members_may_still_say_no(cast: Cast) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    link = reverse("capture:recording_link", args=[session.pk])
    assert client_for(cast.bob).post(link, {"url": "https://v.example/2"}).status_code == 403
    assert client_for(cast.charlie).post(link, {"url": "https://v.example/2"}).status_code == 404
    assert not Recording.objects.exists()
    consent = reverse("capture:consent", args=[session.pk])
    assert client_for(cast.charlie).post(consent, {"consents": "yes"}).status_code == 404
