"""Recording consent, recordings and transcripts: every write, and the rule between them.

Who is "present": the attendance, once taken; before that, everyone who said they are
going and the session's facilitators. A recording may be attached only while every one
of them has said yes. Anyone saying no later deletes the recording's file and the
transcript, and a RecordingRemoval row records that they were deleted and why, without
naming who withdrew (nobody should be pressed to explain a no).
"""

from __future__ import annotations

import logging
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.capture.media import sniff_media
from peerlearn.capture.models import (
    Recording,
    RecordingConsent,
    RecordingKind,
    RecordingRemoval,
    Transcript,
)
from peerlearn.engines.capture.transcripts import TranscriptError, parse_transcript
from peerlearn.people.models import User
from peerlearn.schedule.models import Audience, RsvpAnswer, Session, SessionRole
from peerlearn.search.services import search_entry_remove, search_entry_upsert
from peerlearn.validation import check_web_url

log = logging.getLogger(__name__)
WITHDRAWN = "an attendee withdrew their consent to recording"


@dataclass(frozen=True)
class ConsentState:
    present: list[User]
    yes: set[int]  # person ids
    no: set[int]

    @property
    def missing(self) -> list[User]:
        return [p for p in self.present if p.pk not in self.yes and p.pk not in self.no]

    @property
    def may_record(self) -> bool:
        return bool(self.present) and all(p.pk in self.yes for p in self.present)

    def explain(self) -> str:
        if not self.present:
            return "Nobody is known to be present yet: answers and attendance say who is."
        if any(p.pk in self.no for p in self.present):
            return "Someone present said no: this session is not recorded."
        if self.missing:
            names = ", ".join(p.name for p in self.missing)
            return f"Waiting for {names} to answer."
        return "Everyone present said yes: it may be recorded."


def present_people(session: Session) -> list[User]:
    attended = list(User.objects.filter(attendance__session=session).order_by("display_name"))
    if attended:
        return attended
    going = User.objects.filter(rsvps__session=session, rsvps__answer=RsvpAnswer.GOING)
    leading = User.objects.filter(
        session_roles__session=session, session_roles__role__in=SessionRole.LEADING_ROLES
    )
    return list((going | leading).distinct().order_by("display_name", "username"))


def consent_state(session: Session) -> ConsentState:
    answers = dict(
        RecordingConsent.objects.filter(session=session).values_list("person_id", "consents")
    )
    return ConsentState(
        present=present_people(session),
        yes={pk for pk, yes in answers.items() if yes},
        no={pk for pk, yes in answers.items() if not yes},
    )


def _may_answer(session: Session, person: User) -> bool:
    """Whoever may be invited: the team (and its organisation's admins), and for a session
    open to the organisation, anyone of it."""
    team = session.team
    if person.organisation_id != team.organisation_id:
        return False
    return (
        session.audience == Audience.ORGANISATION
        or person.is_org_admin
        or person.memberships.filter(team=team).exists()
    )


@transaction.atomic
def consent_set(*, session: Session, person: User, consents: bool) -> RecordingConsent:
    """Record `person`'s yes or no; a no deletes any recording and transcript at once."""
    if session.pk is None:
        raise ValidationError("Consent is given for a session that is planned.")
    if not _may_answer(session, person):
        raise ValidationError("Only people invited to the session answer for recording.")
    try:
        with transaction.atomic():
            consent, _ = RecordingConsent.objects.update_or_create(
                session=session,
                person=person,
                defaults={"consents": consents, "decided_at": timezone.now()},
            )
    except IntegrityError:  # a parallel answer of the same person: take this one
        consent = RecordingConsent.objects.get(session=session, person=person)
        consent.consents, consent.decided_at = consents, timezone.now()
        consent.save()
    if not consents:
        recording_remove(session=session, actor=None, reason=WITHDRAWN)
    return consent


def recordings_dir() -> Path:
    return Path(settings.CAPTURE_RECORDINGS_DIR)


def max_recording_bytes() -> int:
    return int(settings.CAPTURE_RECORDING_MAX_MB) * 1024 * 1024


def _require_consent(session: Session) -> None:
    state = consent_state(session)
    if not state.may_record:
        raise ValidationError(f"A recording needs everyone present to say yes. {state.explain()}")


@transaction.atomic
def recording_attach_link(*, session: Session, actor: User, url: str) -> Recording:
    link = check_web_url(url.strip(), field="url")
    if not link:
        raise ValidationError({"url": ["Give the link to the recording."]})
    Session.objects.select_for_update().filter(pk=session.pk).first()
    _require_consent(session)
    if Recording.objects.filter(session=session).exists():
        raise ValidationError("This session has a recording already; remove it first.")
    recording = Recording.objects.create(
        session=session, kind=RecordingKind.LINK, url=link, attached_by=actor
    )
    audit_record(
        actor=actor,
        organisation=session.team.organisation_id,
        action="recording.attached",
        target=session,
        details={"kind": "link"},
    )
    return recording


def recording_attach_upload(
    *, session: Session, actor: User, upload: UploadedFile[bytes]
) -> Recording:
    """Keep an uploaded audio or video file (already streamed to a temporary file by the
    upload handler, which enforced the size limit)."""
    size = upload.size or 0
    if size > max_recording_bytes():
        raise ValidationError(f"The file is larger than {settings.CAPTURE_RECORDING_MAX_MB} MB.")
    upload.seek(0)
    head = upload.read(64)
    kind = sniff_media(head)
    if kind is None:
        raise ValidationError(
            "That file is not an audio or video recording peerlearn knows (MP4, M4A, WebM, "
            "Matroska, Ogg, MP3, WAV, FLAC)."
        )
    directory = recordings_dir() / str(session.team_id)
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{session.pk}-{secrets.token_hex(8)}.{kind.extension}"
    upload.seek(0)
    with stored.open("xb") as target:
        shutil.copyfileobj(upload, target, length=1024 * 1024)
    try:
        with transaction.atomic():
            Session.objects.select_for_update().filter(pk=session.pk).first()
            _require_consent(session)
            if Recording.objects.filter(session=session).exists():
                raise ValidationError("This session has a recording already; remove it first.")
            recording = Recording.objects.create(
                session=session,
                kind=RecordingKind.UPLOAD,
                file_path=str(stored.relative_to(recordings_dir())),
                file_name=Path(upload.name or "recording").name[:200],
                content_type=kind.content_type,
                size=size,
                attached_by=actor,
            )
            audit_record(
                actor=actor,
                organisation=session.team.organisation_id,
                action="recording.attached",
                target=session,
                details={"kind": "upload", "bytes": size},
            )
    except BaseException:
        stored.unlink(missing_ok=True)  # nothing half-kept
        raise
    return recording


def recording_file(recording: Recording) -> Path:
    path = (recordings_dir() / recording.file_path).resolve()
    if not path.is_relative_to(recordings_dir()):
        raise ValidationError("The recording's file lies outside the recordings directory.")
    return path


@transaction.atomic
def recording_remove(*, session: Session, actor: User | None, reason: str) -> bool:
    """Delete the session's recording (its file too) and transcript; record that it
    happened. False when there was nothing to delete."""
    recording = Recording.objects.filter(session=session).first()
    transcript = Transcript.objects.filter(session=session).first()
    if recording is None and transcript is None:
        return False
    what = " and ".join(
        part
        for part in (
            "recording" if recording is not None else "",
            "transcript" if transcript is not None else "",
        )
        if part
    )
    path = recording_file(recording) if recording and recording.file_path else None
    if recording is not None:
        recording.delete()
    if transcript is not None:
        search_entry_remove(obj=transcript)
        transcript.delete()
    RecordingRemoval.objects.create(session=session, what=what, reason=reason[:200])
    audit_record(
        actor=actor,
        organisation=session.team.organisation_id,
        action="recording.removed",
        target=session,
        details={"what": what, "reason": reason[:200]},
    )
    if path is not None:
        # After commit: a rolled-back removal must keep the file it still points at.
        transaction.on_commit(lambda: _delete_file(path))
    return True


def _delete_file(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.exception("Could not delete recording file %s", path)


@transaction.atomic
def transcript_import(*, session: Session, actor: User, data: bytes, file_name: str) -> Transcript:
    """Keep a transcript (WebVTT, SRT, SBV); one per session, replaced by a new import.
    Needs everyone's consent like a recording: it is one, in words."""
    try:
        parsed = parse_transcript(data, filename=file_name)
    except TranscriptError as error:
        raise ValidationError(f"{Path(file_name).name}: {error}") from error
    Session.objects.select_for_update().filter(pk=session.pk).first()
    _require_consent(session)
    Transcript.objects.filter(session=session).delete()
    transcript = Transcript.objects.create(
        session=session,
        format=parsed.format,
        file_name=Path(file_name).name[:200],
        cues=[[c.start_ms, c.end_ms, c.speaker or "", c.text] for c in parsed.cues],
        speakers=list(parsed.speakers),
        imported_by=actor,
    )
    search_entry_upsert(obj=transcript)
    audit_record(
        actor=actor,
        organisation=session.team.organisation_id,
        action="transcript.imported",
        target=session,
        details={"cues": len(parsed.cues), "format": parsed.format},
    )
    return transcript
