"""Background tasks of capture: thin, they call the digest code."""

from __future__ import annotations

from django.tasks import task


@task()
def send_weekly_digests() -> dict[str, int]:
    """Enqueued hourly by the worker's periodic scheduler (peerlearn.periodic)."""
    from peerlearn.capture.digest import digests_send_due

    run = digests_send_due()
    return {"sent": run.sent, "already": run.already, "failed": run.failed}


@task()
def transcribe_session_recording(recording_id: int) -> int:
    """Transcribe one uploaded recording (faster-whisper, when installed); the cue count."""
    from peerlearn.capture.models import Recording
    from peerlearn.capture.transcription import transcribe_recording

    recording = Recording.objects.select_related("session").filter(pk=recording_id).first()
    if recording is None:
        return 0  # deleted meanwhile: consent withdrawn, or removed
    transcript = transcribe_recording(recording)
    return len(transcript.cues) if transcript is not None else 0
