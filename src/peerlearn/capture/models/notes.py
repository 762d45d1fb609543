"""A session's shared notes, with every saved version kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.schedule.models import Session


class SessionNotes(models.Model):
    """The notes of one session. ``version`` counts saves: a save names the version it
    was written on, so two people editing at once cannot silently overwrite each other."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="capture_notes")
    body = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notes of session {self.session_id}"


class NotesRevision(models.Model):
    """One saved version: what a conflict shows next to the text being saved, and the
    notes' history."""

    notes = models.ForeignKey(SessionNotes, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["notes", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of {self.notes_id}"
