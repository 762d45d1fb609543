"""Local transcription is off unless the admin installed faster-whisper and gave a model
folder; the page says how to turn it on. faster-whisper itself is not installed here (it
needs a model nobody may download in tests), so the last test stands in a module with
its interface (WhisperModel(...).transcribe → segments) to check what peerlearn does
with the segments."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from peerlearn.capture import recording_services as rs
from peerlearn.capture.models import Transcript
from peerlearn.capture.tasks import transcribe_session_recording
from peerlearn.capture.transcription import transcription_status
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

from .conftest import everyone_consents, mp4_upload

pytestmark = pytest.mark.django_db


def test_off_by_default_and_the_page_says_how_to_enable_it(cast: Cast) -> None:
    assert not transcription_status().available
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.fiona)
    html = client_for(cast.alice).get(reverse("capture:session", args=[session.pk])).content
    assert b"pip install faster-whisper" in html
    assert b"PEERLEARN_WHISPER_MODEL_DIR" in html
    response = client_for(cast.alice).post(
        reverse("capture:transcribe", args=[session.pk]), follow=True
    )
    assert b"Local transcription is off" in response.content


def test_a_model_folder_without_the_package_is_explained(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CAPTURE_WHISPER_MODEL_DIR = str(tmp_path)
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if not installed
    status = transcription_status()
    assert not status.available
    assert "faster-whisper is not installed" in status.message


class _Segment:
    def __init__(self, start: float, end: float, text: str) -> None:
        self.start, self.end, self.text = start, end, text


def test_segments_become_the_transcript_and_consent_is_checked_again(
    cast: Cast, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CAPTURE_WHISPER_MODEL_DIR = str(tmp_path)
    opened: list[dict[str, Any]] = []

    class WhisperModel:
        def __init__(self, path: str, **options: Any) -> None:
            opened.append({"path": path, **options})

        def transcribe(self, audio: str) -> tuple[list[_Segment], object]:
            assert Path(audio).exists()
            return [_Segment(0.0, 2.5, " Hello team "), _Segment(2.5, 3.0, " ")], object()

    fake = types.ModuleType("faster_whisper")
    fake.WhisperModel = WhisperModel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "faster_whisper", fake)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object())
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.fiona)
    recording = rs.recording_attach_upload(session=session, actor=cast.alice, upload=mp4_upload())
    assert transcribe_session_recording.call(recording.pk) == 1
    assert Transcript.objects.get(session=session).cues == [[0, 2500, "", "Hello team"]]
    assert opened[0]["local_files_only"] is True  # never a download
    rs.consent_set(session=session, person=cast.fiona, consents=False)
    assert transcribe_session_recording.call(recording.pk) == 0  # the recording is gone
    assert not Transcript.objects.filter(session=session).exists()
