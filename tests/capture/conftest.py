from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peerlearn.capture import recording_services
from peerlearn.people.models import User
from peerlearn.schedule import services as schedule_services
from peerlearn.schedule.models import Session
from tests.browser.conftest import browser_type_launch_args, console

__all__ = ["browser_type_launch_args", "console"]  # the browser's fixtures, for test_browser

FIXTURES = Path(__file__).resolve().parent.parent / "engines" / "capture" / "fixtures"
# The first bytes of an MP4 file (an ftyp box), then filler: enough for the type check.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 4096


@pytest.fixture(autouse=True)
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
        recording_services.consent_set(session=session, person=person, consents=True)


def mp4_upload(name: str = "session.mp4", data: bytes = MP4) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="video/mp4")
