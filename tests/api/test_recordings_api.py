"""Consent, recordings and transcripts through the API: the same rules and services as
the capture page (tests/capture/test_recordings.py), every endpoint by every caller."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from peerlearn.capture import recording_services as rs
from peerlearn.capture.models import Recording, RecordingConsent, RecordingRemoval, Transcript
from tests.api.capture_world import (
    FACILITATE,
    MP4,
    OPEN_READ,
    READ,
    WHO,
    Case,
    World,
    check_matrix,
    everyone_consents,
    fixture_file,
    going,
    mp4_upload,
    recordings_dir,
)
from tests.api.conftest import bearer_client, json_of, token_for
from tests.conftest import Cast
from tests.schedule.conftest import make_session

__all__ = ["recordings_dir"]  # the fixture, used by every test here
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("recordings_dir")]

OnCommit = Callable[..., AbstractContextManager[object]]
S = "/api/sessions/{session}"
B = "/api/sessions/{blank}"
CASES: list[Case] = [
    ("get", S + "/consent", None, READ),
    ("put", S + "/consent/me", {"consents": True}, READ),
    ("put", "/api/sessions/{open}/consent/me", {"consents": True}, OPEN_READ),
    ("get", S + "/recording", None, READ),
    ("post", B + "/recording/link", {"url": "https://video.example/9"}, FACILITATE),
    ("post", B + "/recording/upload", lambda: {"file": mp4_upload()}, FACILITATE),
    ("get", S + "/recording/file", None, READ),
    ("delete", S + "/recording", None, FACILITATE),
    ("get", S + "/transcript", None, READ),
    ("post", B + "/transcript", lambda: {"file": fixture_file("teams.vtt")}, FACILITATE),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_permission_matrix(
    cast: Cast, client_as: Callable[[str], Client], who: str, case: Case
) -> None:
    check_matrix(cast, client_as, who, case)


def test_consent_lists_who_is_present_and_each_answer(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    going(session, cast.alice, cast.bob)
    url = f"/api/sessions/{session.pk}/consent"
    state = json_of(client_as("bob").get(url))
    assert [p["person"]["name"] for p in state["present"]] == ["Alice", "Bob"]
    assert (state["may_record"], state["my_answer"]) == (False, None)
    answered = client_as("bob").put(
        url + "/me", {"consents": True}, content_type="application/json"
    )
    assert answered.status_code == 200
    state = json_of(answered)
    assert {p["person"]["name"]: p["consents"] for p in state["present"]} == {
        "Alice": None,
        "Bob": True,
    }
    assert state["my_answer"] is True
    assert state["explanation"] == "Waiting for Alice to answer."
    client_as("alice").put(url + "/me", {"consents": True}, content_type="application/json")
    assert json_of(client_as("bob").get(url))["may_record"] is True


def test_a_no_deletes_the_recording_file_and_the_transcript(
    cast: Cast,
    client_as: Callable[[str], Client],
    recordings_dir: Path,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    world = World(cast)
    stored = recordings_dir / world.recording.file_path
    assert stored.read_bytes() == MP4
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("alice").put(
            f"/api/sessions/{world.session.pk}/consent/me",
            {"consents": False},
            content_type="application/json",
        )
    assert response.status_code == 200
    assert json_of(response)["may_record"] is False
    assert not stored.exists()
    assert not Recording.objects.filter(session=world.session).exists()
    assert not Transcript.objects.filter(session=world.session).exists()
    state = json_of(client_as("bob").get(f"/api/sessions/{world.session.pk}/recording"))
    assert (state["recording"], state["has_transcript"]) == (None, False)
    assert state["removals"][0]["what"] == "recording and transcript"
    assert "withdrew" in state["removals"][0]["reason"]
    assert "alice" not in str(state["removals"]).lower()  # who withdrew is not recorded
    assert RecordingRemoval.objects.filter(session=world.session).count() == 1


def test_an_upload_is_kept_and_streamed_back_with_its_type(
    cast: Cast, client_as: Callable[[str], Client], recordings_dir: Path
) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    response = client_as("fiona").post(
        f"/api/sessions/{session.pk}/recording/upload", {"file": mp4_upload("demo day.mp4")}
    )
    assert response.status_code == 201
    out = json_of(response)
    assert (out["kind"], out["file_name"], out["content_type"], out["size"]) == (
        "upload",
        "demo day.mp4",
        "video/mp4",
        len(MP4),
    )
    assert out["file_url"] == f"/api/sessions/{session.pk}/recording/file"
    assert (recordings_dir / Recording.objects.get(session=session).file_path).exists()
    got = client_as("bob").get(out["file_url"])
    assert got.status_code == 200
    assert got["Content-Type"] == "video/mp4"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content) == MP4  # type: ignore[attr-defined]
    for who, status in [("charlie", 404), ("zed", 404), ("anonymous", 401)]:
        refused = client_as(who).get(out["file_url"])
        assert refused.status_code == status
        assert refused["Content-Type"].startswith("application/json")


def test_a_link_has_no_file_to_stream(cast: Cast, client_as: Callable[[str], Client]) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice)
    created = client_as("fiona").post(
        f"/api/sessions/{session.pk}/recording/link",
        {"url": "https://video.example/v/1"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert (json_of(created)["url"], json_of(created)["file_url"]) == (
        "https://video.example/v/1",
        None,
    )
    missing = client_as("bob").get(f"/api/sessions/{session.pk}/recording/file")
    assert missing.status_code == 404
    assert json_of(missing)["detail"]


@pytest.mark.parametrize("size", ["streamed", "declared"])
def test_an_upload_over_the_limit_is_a_413_and_nothing_is_kept(
    cast: Cast,
    client_as: Callable[[str], Client],
    settings: Any,
    recordings_dir: Path,
    size: str,
) -> None:
    settings.CAPTURE_RECORDING_MAX_MB = 1
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice, cast.bob)
    # Just over: the handler stops the stream; far over: refused by the declared length.
    extra = 16 * 1024 if size == "streamed" else 2 * 1024 * 1024
    big = mp4_upload("long.mp4", MP4 + b"\x00" * (1024 * 1024 + extra))
    response = client_as("fiona").post(
        f"/api/sessions/{session.pk}/recording/upload", {"file": big}
    )
    assert response.status_code == 413
    assert json_of(response)["detail"] == "The file is larger than 1 MB."
    assert not Recording.objects.exists()
    assert not recordings_dir.exists() or not any(recordings_dir.rglob("*.*"))


def test_a_large_upload_is_refused_only_after_the_access_check(
    cast: Cast, client_as: Callable[[str], Client], settings: Any
) -> None:
    settings.CAPTURE_RECORDING_MAX_MB = 1
    session = make_session(cast.platform)
    big = mp4_upload("long.mp4", MP4 + b"\x00" * (3 * 1024 * 1024))
    url = f"/api/sessions/{session.pk}/recording/upload"
    assert client_as("charlie").post(url, {"file": big}).status_code == 404
    big.seek(0)
    assert client_as("bob").post(url, {"file": big}).status_code == 403
    big.seek(0)
    assert client_as("anonymous").post(url, {"file": big}).status_code == 401


def test_a_file_that_is_not_audio_or_video_is_a_415(
    cast: Cast, client_as: Callable[[str], Client], recordings_dir: Path
) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice)
    fake = mp4_upload("clip.mp4", b"<html><script>alert(1)</script></html>")
    response = client_as("fiona").post(
        f"/api/sessions/{session.pk}/recording/upload", {"file": fake}
    )
    assert response.status_code == 415
    assert "not an audio or video recording" in json_of(response)["detail"]
    assert not Recording.objects.exists()
    assert not recordings_dir.exists() or not any(recordings_dir.rglob("*.*"))


def test_an_upload_without_a_file_is_a_422(cast: Cast, client_as: Callable[[str], Client]) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice)
    response = client_as("fiona").post(f"/api/sessions/{session.pk}/recording/upload", {})
    assert response.status_code == 422
    assert json_of(response)["message"].startswith("file: ")


@pytest.mark.parametrize("what", ["link", "upload", "transcript"])
def test_without_everyones_yes_nothing_is_attached_409(
    cast: Cast, client_as: Callable[[str], Client], recordings_dir: Path, what: str
) -> None:
    session = make_session(cast.platform)
    going(session, cast.alice, cast.bob)
    rs.consent_set(session=session, person=cast.alice, consents=True)
    client = client_as("fiona")
    base = f"/api/sessions/{session.pk}"
    if what == "link":
        response = client.post(
            base + "/recording/link",
            {"url": "https://video.example/1"},
            content_type="application/json",
        )
    elif what == "upload":
        response = client.post(base + "/recording/upload", {"file": mp4_upload()})
    else:
        response = client.post(base + "/transcript", {"file": fixture_file("zoom.vtt")})
    assert response.status_code == 409
    refusal = json_of(response)
    assert refusal["detail"].startswith("A recording needs everyone present to say yes.")
    assert (refusal["may_record"], refusal["explanation"]) == (
        False,
        "Waiting for Bob to answer.",
    )
    assert not Recording.objects.exists()
    assert not Transcript.objects.exists()
    assert not recordings_dir.exists() or not any(recordings_dir.rglob("*.*"))


def test_a_second_recording_is_a_409(cast: Cast, client_as: Callable[[str], Client]) -> None:
    world = World(cast)
    response = client_as("fiona").post(
        f"/api/sessions/{world.session.pk}/recording/link",
        {"url": "https://video.example/2"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "remove it first" in json_of(response)["detail"]
    assert json_of(response)["may_record"] is True
    assert Recording.objects.get(session=world.session).pk == world.recording.pk


def test_a_link_that_is_not_a_web_link_is_a_422(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice)
    response = client_as("fiona").post(
        f"/api/sessions/{session.pk}/recording/link",
        {"url": "javascript:alert(1)"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert json_of(response)["message"].startswith("url: ")
    assert not Recording.objects.exists()


def test_delete_removes_file_and_transcript_then_there_is_nothing(
    cast: Cast,
    client_as: Callable[[str], Client],
    recordings_dir: Path,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    world = World(cast)
    stored = recordings_dir / world.recording.file_path
    url = f"/api/sessions/{world.session.pk}/recording"
    with django_capture_on_commit_callbacks(execute=True):
        assert client_as("fiona").delete(url).status_code == 204
    assert not stored.exists()
    assert not Transcript.objects.filter(session=world.session).exists()
    again = client_as("fiona").delete(url)
    assert again.status_code == 404
    assert json_of(again)["detail"] == "This session has no recording or transcript."


def test_a_transcript_is_imported_and_read_with_speakers_and_times(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice)
    url = f"/api/sessions/{session.pk}/transcript"
    assert client_as("bob").get(url).status_code == 404
    imported = client_as("fiona").post(url, {"file": fixture_file("zoom.vtt")})
    assert imported.status_code == 201
    info = json_of(imported)
    assert (info["format"], info["file_name"]) == ("vtt", "zoom.vtt")
    assert info["speakers"]
    transcript = json_of(client_as("bob").get(url))
    assert len(transcript["segments"]) == transcript["segment_count"] == info["segment_count"]
    first = transcript["segments"][0]
    assert 0 <= first["start_ms"] < first["end_ms"]
    assert first["speaker"] in transcript["speakers"]
    assert first["text"]
    assert first["start"].count(":") == 2


@pytest.mark.parametrize(
    "name", ["bad_timestamp.vtt", "missing_timing.srt", "no_cues.vtt", "not_a_transcript.txt"]
)
def test_a_malformed_transcript_is_a_400_with_its_line_and_keeps_the_old_one(
    cast: Cast, client_as: Callable[[str], Client], name: str
) -> None:
    world = World(cast)
    url = f"/api/sessions/{world.session.pk}/transcript"
    response = client_as("fiona").post(url, {"file": fixture_file(name)})
    assert response.status_code == 400
    refusal = json_of(response)
    assert refusal["detail"].startswith(f"{name}: ")
    assert refusal["message"]
    if name == "bad_timestamp.vtt":
        assert isinstance(refusal["line"], int)
        assert f"line {refusal['line']}: " in refusal["detail"]
    assert Transcript.objects.get(session=world.session).file_name == "zoom.vtt"


def test_a_transcript_over_its_limit_is_a_413(
    cast: Cast, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    import peerlearn.api.endpoints.recordings as endpoints

    monkeypatch.setattr(endpoints, "TRANSCRIPT_MAX_BYTES", 100)
    world = World(cast)
    response = client_as("fiona").post(
        f"/api/sessions/{world.blank.pk}/transcript", {"file": fixture_file("zoom.vtt")}
    )
    assert response.status_code == 413
    assert not Transcript.objects.filter(session=world.blank).exists()


def test_a_browser_session_uploads_with_the_csrf_header_only(cast: Cast) -> None:
    session = make_session(cast.platform)
    everyone_consents(session, cast.alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.fiona)
    url = f"/api/sessions/{session.pk}/recording/upload"
    refused = client.post(url, {"file": mp4_upload()})
    assert refused.status_code == 403
    assert not Recording.objects.exists()
    client.get("/api/me")  # any page hands out the CSRF cookie; set it as a browser would
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    accepted = client.post(url, {"file": mp4_upload()}, headers={"X-CSRFToken": secret})
    assert accepted.status_code == 201
    assert Recording.objects.filter(session=session).exists()


def test_consent_is_answered_only_by_those_invited(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    for who, status in [("charlie", 404), ("zed", 404), ("anonymous", 401)]:
        response = client_as(who).put(
            f"/api/sessions/{session.pk}/consent/me",
            {"consents": True},
            content_type="application/json",
        )
        assert response.status_code == status
    assert not RecordingConsent.objects.exists()
    token = token_for(cast.bob)
    answered = bearer_client(token).put(
        f"/api/sessions/{session.pk}/consent/me",
        {"consents": False},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert RecordingConsent.objects.get(session=session, person=cast.bob).consents is False
