"""Optional local transcription of an uploaded recording with faster-whisper.

Off by default. An admin turns it on by installing faster-whisper (`pip install
faster-whisper`) and pointing PEERLEARN_WHISPER_MODEL_DIR at a folder holding a model
in CTranslate2 format (for example one downloaded once with faster-whisper's own tools
on another machine). peerlearn never downloads anything: the model is loaded with
`local_files_only`, and a missing package or folder is explained on the page instead.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from peerlearn.capture.models import Recording, RecordingKind, Transcript
from peerlearn.capture.recording_services import consent_state, recording_file
from peerlearn.search.services import search_entry_upsert

HOW_TO = (
    "Local transcription is off. To turn it on, install faster-whisper in peerlearn's "
    "environment (pip install faster-whisper) and set PEERLEARN_WHISPER_MODEL_DIR to a "
    "folder holding a faster-whisper model; nothing is downloaded by peerlearn."
)


@dataclass(frozen=True)
class TranscriptionStatus:
    available: bool
    message: str


def transcription_status() -> TranscriptionStatus:
    folder = str(settings.CAPTURE_WHISPER_MODEL_DIR or "")
    if not folder:
        return TranscriptionStatus(False, HOW_TO)
    if importlib.util.find_spec("faster_whisper") is None:
        return TranscriptionStatus(
            False, "PEERLEARN_WHISPER_MODEL_DIR is set, but faster-whisper is not installed "
            "(pip install faster-whisper in peerlearn's environment).",
        )  # fmt: skip
    if not Path(folder).is_dir():
        return TranscriptionStatus(False, f"The model folder {folder} does not exist.")
    return TranscriptionStatus(True, "Recordings can be transcribed on this server.")


def _model() -> Any:
    module = importlib.import_module("faster_whisper")
    return module.WhisperModel(
        str(settings.CAPTURE_WHISPER_MODEL_DIR),
        device="cpu",
        compute_type="int8",
        local_files_only=True,  # never reach the network for a model
    )


def transcribe_recording(recording: Recording) -> Transcript | None:
    """Transcribe the session's uploaded recording into its transcript. None when the
    recording or everyone's consent is gone by the time the work is done."""
    if not transcription_status().available or recording.kind != RecordingKind.UPLOAD:
        return None
    segments, _info = _model().transcribe(str(recording_file(recording)))
    cues = [
        [int(segment.start * 1000), int(segment.end * 1000), "", str(segment.text).strip()]
        for segment in segments
        if str(segment.text).strip()
    ]
    with transaction.atomic():
        session = recording.session
        # Consent may have been withdrawn while the model was listening.
        if not Recording.objects.filter(pk=recording.pk).exists():
            return None
        if not consent_state(session).may_record:
            return None
        Transcript.objects.filter(session=session).delete()
        transcript = Transcript.objects.create(
            session=session, format="whisper", file_name=f"{recording.file_name} (transcribed)",
            cues=cues, speakers=[], imported_by=recording.attached_by,
        )  # fmt: skip
        search_entry_upsert(obj=transcript)  # and the replaced transcript's entry goes
        return transcript
