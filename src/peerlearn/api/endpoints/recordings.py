"""/api/sessions/{id}/consent, /recording and /transcript: who agrees to be recorded, the
recording (a link or an uploaded file, streamed back through the access check) and the
transcript.

Same rules as the capture page (docs/capture.md, "Recordings"), through the same choke
point (`capture.access`) and services (`capture.recording_services`): whoever sees the
session reads; whoever may answer its invitation says yes or no (a no deletes the
recording and transcript at once); facilitators attach and delete. The services decide
every refusal; this module only picks its status: 409 when the session's state is the
reason (not everyone said yes, a recording is attached already), 413 for a file over
the limit, 415 for a file that is not audio or video, 400 for a transcript that cannot
be read (with its line), 422 for a field.
"""

# No `from __future__ import annotations`: ninja must see `File[UploadedFile]` as a type.
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.http import FileResponse, Http404, HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from ninja import File, Router, Status, UploadedFile

from peerlearn.api.auth import API_AUTH, api_user
from peerlearn.api.endpoints.capture_schemas import (
    CaptureProblemOut,
    ConsentIn,
    ConsentOut,
    RecordingConflictOut,
    RecordingLinkIn,
    RecordingOut,
    RecordingStateOut,
    TranscriptInfoOut,
    TranscriptOut,
    TranscriptRefusedOut,
    consent_out,
    recording_out,
    removal_out,
    transcript_info_out,
    transcript_out,
)
from peerlearn.api.fields import id_in_path
from peerlearn.capture import recording_services as rs
from peerlearn.capture.access import CaptureAction, get_capture_access
from peerlearn.capture.forms import TRANSCRIPT_MAX_BYTES
from peerlearn.capture.media import sniff_media
from peerlearn.capture.models import (
    Recording,
    RecordingConsent,
    RecordingKind,
    RecordingRemoval,
    Transcript,
)
from peerlearn.capture.uploads import SizeLimitHandler, declared_too_large
from peerlearn.engines.capture.transcript_formats import TranscriptError
from peerlearn.schedule.models import Session

router = Router(tags=["recordings"])


def _said(error: ValidationError) -> str:
    return " ".join(error.messages)


def _state_refusal(session: Session, error: ValidationError) -> Status[RecordingConflictOut]:
    """A service refused for the session's state, not for the request: 409; anything
    else is the usual 422 (re-raised)."""
    state = rs.consent_state(session)
    if not state.may_record or Recording.objects.filter(session=session).exists():
        return Status(
            409,
            RecordingConflictOut(
                detail=_said(error), may_record=state.may_record, explanation=state.explain()
            ),
        )
    raise error


# --- Consent ----------------------------------------------------------------------------


def _consent(session: Session, person_id: int) -> ConsentOut:
    mine = (
        RecordingConsent.objects.filter(session=session, person_id=person_id)
        .values_list("consents", flat=True)
        .first()
    )
    return consent_out(session, rs.consent_state(session), mine)


@router.get(
    "/sessions/{session_id}/consent",
    response=ConsentOut,
    summary="Who is present, each one's answer to being recorded, and whether the session "
    "may be recorded (whoever sees the session)",
)
def get_consent(request: HttpRequest, session_id: int = id_in_path()) -> ConsentOut:
    reader = api_user(request)
    session = get_capture_access(reader, session_id, CaptureAction.READ).obj
    return _consent(session, reader.pk)


@router.put(
    "/sessions/{session_id}/consent/me",
    response=ConsentOut,
    summary="Say yes or no to being recorded (whoever may answer the invitation); no "
    "deletes the recording and transcript",
)
def set_consent(
    request: HttpRequest, payload: ConsentIn, session_id: int = id_in_path()
) -> ConsentOut:
    person = api_user(request)
    session = get_capture_access(person, session_id, CaptureAction.CONSENT).obj
    rs.consent_set(session=session, person=person, consents=payload.consents)
    return _consent(session, person.pk)


# --- Recording --------------------------------------------------------------------------


@router.get(
    "/sessions/{session_id}/recording",
    response=RecordingStateOut,
    summary="The session's recording, if any, and what was deleted (whoever sees the session)",
)
def get_recording(request: HttpRequest, session_id: int = id_in_path()) -> RecordingStateOut:
    session = get_capture_access(api_user(request), session_id, CaptureAction.READ).obj
    recording = Recording.objects.filter(session=session).select_related("attached_by").first()
    return RecordingStateOut(
        session_id=session.pk,
        recording=recording_out(recording) if recording is not None else None,
        has_transcript=Transcript.objects.filter(session=session).exists(),
        removals=[removal_out(r) for r in RecordingRemoval.objects.filter(session=session)[:5]],
    )


@router.post(
    "/sessions/{session_id}/recording/link",
    response={201: RecordingOut, 409: RecordingConflictOut},
    summary="Attach the link to a recording kept elsewhere (facilitators; everyone present "
    "said yes)",
)
def attach_link(
    request: HttpRequest, payload: RecordingLinkIn, session_id: int = id_in_path()
) -> Status[RecordingOut] | Status[RecordingConflictOut]:
    actor = api_user(request)
    session = get_capture_access(actor, session_id, CaptureAction.MANAGE).obj
    try:
        recording = rs.recording_attach_link(session=session, actor=actor, url=payload.url)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise  # the link itself: 422 naming the field
        return _state_refusal(session, error)
    return Status(201, recording_out(recording))


class _UploadLimit(SizeLimitHandler):
    """The page's streaming size limit, which also refuses a body whose declared length
    is too large already, before a byte of it is read (the page checks that before it
    puts its handler in place; here the body may be read as early as the CSRF check)."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, DjangoUploadedFile[Any]]] | None:
        if self.request is not None and declared_too_large(self.request, self.limit):
            self.exceeded = True
            return QueryDict(), MultiValueDict()  # "parsed": nothing, nothing read
        return None


def _limit_upload(request: HttpRequest) -> None:
    """Not a credential (it never authenticates anyone): first in the endpoint's auth
    chain because that runs before anything reads the body — the session's CSRF check
    reads the form, ninja reads the file — so the size limit is in place for both."""
    request.upload_handlers.insert(0, _UploadLimit(request, rs.max_recording_bytes()))


UPLOAD_AUTH = [_limit_upload, *API_AUTH]


def _too_large(limit: int) -> Status[CaptureProblemOut]:
    return Status(
        413, CaptureProblemOut(detail=f"The file is larger than {limit // (1024 * 1024)} MB.")
    )


@router.post(
    "/sessions/{session_id}/recording/upload",
    response={
        201: RecordingOut,
        409: RecordingConflictOut,
        413: CaptureProblemOut,
        415: CaptureProblemOut,
    },
    auth=UPLOAD_AUTH,
    summary="Upload the recording's audio or video file, streamed (facilitators; everyone "
    "present said yes)",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
            "required": True,
        }
    },
)
def upload_recording(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    session_id: int = id_in_path(),
) -> Status[RecordingOut] | Status[RecordingConflictOut] | Status[CaptureProblemOut]:
    actor = api_user(request)
    session = get_capture_access(actor, session_id, CaptureAction.MANAGE).obj
    limit = next(h for h in request.upload_handlers if isinstance(h, _UploadLimit))
    if limit.exceeded:  # after the access check, as on the page: no hint for outsiders
        return _too_large(limit.limit)
    if file is None:
        raise ValidationError({"file": ["Choose the recording's file."]})
    try:
        recording = rs.recording_attach_upload(session=session, actor=actor, upload=file)
    except ValidationError as error:
        if (file.size or 0) > rs.max_recording_bytes():
            return _too_large(rs.max_recording_bytes())
        file.seek(0)
        if sniff_media(file.read(64)) is None:
            return Status(415, CaptureProblemOut(detail=_said(error)))
        return _state_refusal(session, error)
    return Status(201, recording_out(recording))


@router.get(
    "/sessions/{session_id}/recording/file",
    response={404: CaptureProblemOut},
    summary="The uploaded recording's file, streamed with its type (whoever sees the session)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file (audio/* or video/*), as it was uploaded.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_recording(request: HttpRequest, session_id: int = id_in_path()) -> FileResponse:
    session = get_capture_access(api_user(request), session_id, CaptureAction.READ).obj
    recording = Recording.objects.filter(session=session, kind=RecordingKind.UPLOAD).first()
    if recording is None:
        raise Http404("No recording file is attached to this session.")
    path = rs.recording_file(recording)
    if not path.is_file():
        raise Http404("The recording's file is missing.")
    response = FileResponse(
        path.open("rb"),
        content_type=recording.content_type,
        as_attachment=False,
        filename=recording.file_name or path.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete(
    "/sessions/{session_id}/recording",
    response={204: None, 404: CaptureProblemOut},
    summary="Delete the recording (its file too) and the transcript (facilitators)",
)
def remove_recording(
    request: HttpRequest, session_id: int = id_in_path()
) -> Status[None] | Status[CaptureProblemOut]:
    actor = api_user(request)
    session = get_capture_access(actor, session_id, CaptureAction.MANAGE).obj
    if not rs.recording_remove(session=session, actor=actor, reason="removed by a facilitator"):
        detail = "This session has no recording or transcript."
        return Status(404, CaptureProblemOut(detail=detail))
    return Status(204, None)


# --- Transcript -------------------------------------------------------------------------


@router.get(
    "/sessions/{session_id}/transcript",
    response=TranscriptOut,
    summary="The transcript: every segment with its speaker and times (whoever sees the session)",
)
def get_transcript(request: HttpRequest, session_id: int = id_in_path()) -> TranscriptOut:
    session = get_capture_access(api_user(request), session_id, CaptureAction.READ).obj
    transcript = Transcript.objects.filter(session=session).select_related("imported_by").first()
    if transcript is None:
        raise Http404("This session has no transcript.")
    return transcript_out(transcript)


@router.post(
    "/sessions/{session_id}/transcript",
    response={
        201: TranscriptInfoOut,
        400: TranscriptRefusedOut,
        409: RecordingConflictOut,
        413: CaptureProblemOut,
    },
    summary="Import a transcript, WebVTT, SRT or SBV (facilitators; everyone present said "
    "yes); it replaces the one before, which stays if the file is refused",
)
def import_transcript(
    request: HttpRequest, file: File[UploadedFile], session_id: int = id_in_path()
) -> (
    Status[TranscriptInfoOut]
    | Status[TranscriptRefusedOut]
    | Status[RecordingConflictOut]
    | Status[CaptureProblemOut]
):
    actor = api_user(request)
    session = get_capture_access(actor, session_id, CaptureAction.MANAGE).obj
    # `size` is what the client declared; the read is bounded as well, whatever it said.
    data: bytes = file.read(TRANSCRIPT_MAX_BYTES + 1)
    if (file.size or 0) > TRANSCRIPT_MAX_BYTES or len(data) > TRANSCRIPT_MAX_BYTES:
        limit = TRANSCRIPT_MAX_BYTES // (1024 * 1024)
        return Status(413, CaptureProblemOut(detail=f"The file is larger than {limit} MB."))
    name = file.name or "transcript"
    try:
        transcript = rs.transcript_import(session=session, actor=actor, data=data, file_name=name)
    except ValidationError as error:
        cause = error.__cause__
        if isinstance(cause, TranscriptError):
            refused = TranscriptRefusedOut(
                detail=_said(error), line=cause.line, message=cause.message
            )
            return Status(400, refused)
        return _state_refusal(session, error)
    return Status(201, transcript_info_out(transcript))
