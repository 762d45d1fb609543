"""Consent to recording, attaching and removing a recording or transcript, and
downloading a recording (always through the access check, never as a static file)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from peerlearn.capture import recording_services as rs
from peerlearn.capture.access import CaptureAction, get_capture_access
from peerlearn.capture.forms import RecordingLinkForm, TranscriptForm
from peerlearn.capture.models import Recording, RecordingKind
from peerlearn.capture.tasks import transcribe_session_recording
from peerlearn.capture.transcription import transcription_status
from peerlearn.capture.uploads import SizeLimitHandler, declared_too_large
from peerlearn.web.http import AuthedRequest


def _refused(request: AuthedRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def consent(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.CONSENT)
    answer = request.POST.get("consents")
    if answer not in ("yes", "no"):
        messages.error(request, "Answer yes or no.")
        return redirect("capture:session", access.obj.pk)
    try:
        rs.consent_set(session=access.obj, person=request.user, consents=answer == "yes")
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            "You agreed to be recorded."
            if answer == "yes"
            else "You said no to recording: nothing of this session is recorded or kept.",
        )
    return redirect("capture:session", access.obj.pk)


@login_required
@require_POST
def recording_link(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
    form = RecordingLinkForm(request.POST)
    if form.is_valid():
        try:
            rs.recording_attach_link(
                session=access.obj, actor=request.user, url=form.cleaned_data["url"]
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "The recording's link is attached.")
    else:
        messages.error(request, form.errors.as_text())
    return redirect("capture:session", access.obj.pk)


@csrf_exempt  # the size limit must be in place before the body is read; checked below
@login_required
@require_POST
def recording_upload(request: AuthedRequest, session_id: int) -> HttpResponse:
    limit = rs.max_recording_bytes()
    if declared_too_large(request, limit):
        access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
        messages.error(request, f"The file is larger than {limit // (1024 * 1024)} MB.")
        response = redirect("capture:session", access.obj.pk)
        response["Connection"] = "close"
        return response
    handler = SizeLimitHandler(request, limit)
    request.upload_handlers.insert(0, handler)
    return _recording_upload(request, session_id, handler)


@csrf_protect
def _recording_upload(
    request: AuthedRequest, session_id: int, handler: SizeLimitHandler
) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
    upload = request.FILES.get("file")
    if handler.exceeded:
        messages.error(request, f"The file is larger than {handler.limit // (1024 * 1024)} MB.")
    elif upload is None:
        messages.error(request, "Choose the recording's file.")
    else:
        try:
            rs.recording_attach_upload(session=access.obj, actor=request.user, upload=upload)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "The recording is attached.")
    return redirect("capture:session", access.obj.pk)


@login_required
@require_POST
def recording_remove(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
    if rs.recording_remove(
        session=access.obj, actor=request.user, reason="removed by a facilitator"
    ):
        messages.success(request, "The recording and transcript are deleted.")
    return redirect("capture:session", access.obj.pk)


@login_required
@require_safe
def recording_download(request: AuthedRequest, session_id: int) -> FileResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.READ)
    recording = Recording.objects.filter(session=access.obj, kind=RecordingKind.UPLOAD).first()
    if recording is None:
        raise Http404("No recording is attached to this session.")
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
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def transcript_import(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
    form = TranscriptForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            transcript = rs.transcript_import(
                session=access.obj, actor=request.user, data=upload.read(), file_name=upload.name
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                f"Transcript imported: {len(transcript.cues):,} lines from "
                f"{len(transcript.speakers)} speaker(s).",
            )
    else:
        messages.error(request, form.errors.as_text())
    return redirect("capture:session", access.obj.pk)


@login_required
@require_POST
def transcribe(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
    status = transcription_status()
    recording = Recording.objects.filter(session=access.obj, kind=RecordingKind.UPLOAD).first()
    if not status.available:
        messages.error(request, status.message)
    elif recording is None:
        messages.error(request, "Transcription needs an uploaded recording.")
    else:
        transaction.on_commit(lambda: transcribe_session_recording.enqueue(recording.pk))
        messages.success(request, "Transcribing in the background; the transcript shows here.")
    return redirect("capture:session", access.obj.pk)
