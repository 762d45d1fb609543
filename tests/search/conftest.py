"""Helpers of the search tests: sessions with notes, pages and transcripts made through
the services, as people make them."""

from __future__ import annotations

from peerlearn.capture import recording_services
from peerlearn.capture import services as capture_services
from peerlearn.kb import services as kb_services
from peerlearn.kb.models import KbPage
from peerlearn.people.models import Team, User
from peerlearn.schedule.models import Session
from tests.browser.conftest import browser_type_launch_args, console
from tests.capture.conftest import everyone_consents, recordings_dir
from tests.schedule.conftest import make_session

__all__ = ["browser_type_launch_args", "console", "recordings_dir"]

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Bob>The canary waits ten minutes before promoting the release.

00:00:05.000 --> 00:00:09.000
<v Alice>And a failed canary rolls back on its own.
"""


def session_of(team: Team, facilitator: User, title: str = "Tracing deep dive") -> Session:
    return make_session(team, title=title, facilitator=facilitator)


def publish(
    session: Session, by: User, *, title: str, summary: str, open_to_organisation: bool = False
) -> KbPage:
    return kb_services.kb_page_publish(
        session=session, actor=by, title=title, summary=summary, takeaways=["One thing"],
        open_to_organisation=open_to_organisation,
    ).page  # fmt: skip


def save_notes(session: Session, by: User, body: str) -> None:
    notes = capture_services.notes_save(
        session=session, author=by, body=body, base_version=_version(session)
    )
    assert notes.changed


def _version(session: Session) -> int:
    from peerlearn.capture.models import SessionNotes

    notes = SessionNotes.objects.filter(session=session).first()
    return notes.version if notes else 0


def import_transcript(session: Session, by: User, *people: User, text: str = VTT) -> None:
    everyone_consents(session, by, *people)
    recording_services.transcript_import(
        session=session, actor=by, data=text.encode(), file_name="talk.vtt"
    )
