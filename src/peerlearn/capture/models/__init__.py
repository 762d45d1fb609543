"""What a session leaves behind: notes, action items, recording consent and recordings."""

from peerlearn.capture.models.actions import ActionItem, ActionStatus, DigestSent
from peerlearn.capture.models.notes import NotesRevision, SessionNotes
from peerlearn.capture.models.recordings import (
    Recording,
    RecordingConsent,
    RecordingKind,
    RecordingRemoval,
    Transcript,
)

__all__ = [
    "ActionItem",
    "ActionStatus",
    "DigestSent",
    "NotesRevision",
    "Recording",
    "RecordingConsent",
    "RecordingKind",
    "RecordingRemoval",
    "SessionNotes",
    "Transcript",
]
