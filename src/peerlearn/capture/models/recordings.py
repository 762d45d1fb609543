"""Recording consent, the recording itself, and the record that one was deleted.

A recording may be attached only while everyone present has said yes; anyone saying no
later deletes it (file and transcript), and a RecordingRemoval row says that it was
deleted and why, without naming who withdrew.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.schedule.models import Session


class RecordingConsent(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recording_consents"
    )
    consents = models.BooleanField()
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_consent_per_person")
        ]

    def __str__(self) -> str:
        return f"{'yes' if self.consents else 'no'} for session {self.session_id}"


class RecordingKind(models.TextChoices):
    UPLOAD = "upload", "Uploaded file"
    LINK = "link", "Link"


class Recording(models.Model):
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="recording")
    kind = models.CharField(max_length=10, choices=RecordingKind.choices)
    # Relative to the recordings directory (settings.PEERLEARN_RECORDINGS_DIR); never
    # served as a static file: a view checks access and streams it.
    file_path = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)  # as uploaded, for download
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(max_length=500, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file_name or self.url


class RecordingRemoval(models.Model):
    """A recording (and transcript) that was deleted: when, what, and why."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="recording_removals"
    )
    what = models.CharField(max_length=200)
    reason = models.CharField(max_length=200)
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-removed_at"]

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


class Transcript(models.Model):
    """What was said, cue by cue, imported from a WebVTT or SRT file (or transcribed)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="transcript")
    format = models.CharField(max_length=10)  # vtt, srt
    file_name = models.CharField(max_length=200, blank=True)
    # [[start_ms, end_ms, speaker or "", text], ...]: read whole, never queried by cue.
    cues = models.JSONField(default=list)
    speakers = models.JSONField(default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file_name or f"Transcript of session {self.session_id}"
