"""What the capture endpoints take and answer: notes, action items, consent, recordings
and transcripts (endpoints/capture.py, endpoints/recordings.py).

Names are unique across the whole API (the OpenAPI document has one namespace), hence
the prefixes.
"""

# No `from __future__ import annotations`: ninja and pydantic read these types at runtime.
import datetime as dt
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from peerlearn.api.fields import Id, MultiLine, SaneDate, SingleLine, WebUrl
from peerlearn.capture.models import (
    ActionItem,
    ActionStatus,
    NotesRevision,
    Recording,
    RecordingKind,
    RecordingRemoval,
    SessionNotes,
    Transcript,
)
from peerlearn.capture.recording_services import ConsentState
from peerlearn.capture.rules import ACTION_TEXT_MAX, EVIDENCE_NOTE_MAX, NOTES_MAX
from peerlearn.markdown import render_notes
from peerlearn.people.models import User
from peerlearn.schedule.models import Session


class CapturePersonOut(Schema):
    id: int = Field(..., examples=[7])
    name: str = Field(..., examples=["Alice"])


def person_out(person: User | None) -> CapturePersonOut | None:
    return CapturePersonOut(id=person.pk, name=person.name) if person is not None else None


# --- Notes ------------------------------------------------------------------------------


class NotesOut(Schema):
    session_id: int = Field(..., examples=[12])
    body: str = Field(..., description="Markdown, as written.", examples=["# Tracing\n- [ ] …"])
    version: int = Field(
        ...,
        description="Saves so far (0: never saved). Send it back as `base_version`.",
        examples=[3],
    )
    html: str = Field(
        ...,
        description="The notes rendered and sanitised, as the page shows them; a "
        '```mermaid block is a `<pre class="mermaid">` for the client to draw.',
    )
    has_diagram: bool = Field(..., description="Whether `html` holds a Mermaid diagram.")
    updated_at: dt.datetime | None = Field(..., description="null: never saved.")
    updated_by: CapturePersonOut | None


def notes_out(session: Session, notes: SessionNotes | None) -> NotesOut:
    body = notes.body if notes is not None else ""
    rendered = render_notes(body, doc_id=session.pk)
    return NotesOut(
        session_id=session.pk,
        body=body,
        version=notes.version if notes is not None else 0,
        html=str(rendered.html),
        has_diagram=rendered.has_diagram,
        updated_at=notes.updated_at if notes is not None and notes.version else None,
        updated_by=person_out(notes.updated_by) if notes is not None else None,
    )


class NotesIn(Schema):
    body: MultiLine = Field(
        ...,
        max_length=NOTES_MAX,
        description="Markdown. A line like `- [ ] @alice write the runbook (due "
        "2026-12-10)` becomes an action item; ticking it `- [x]` closes the item.",
        examples=["# Tracing\n- [ ] @bob write the sampling runbook (due 2030-04-01)\n"],
    )
    base_version: int = Field(
        ...,
        ge=0,
        le=2**31 - 1,
        description="The `version` the text was written on (0 for the first save).",
        examples=[3],
    )


class NotesSavedOut(NotesOut):
    changed: bool = Field(..., description="false: the text was the same; nothing saved.")
    created_action_items: list["ActionItemOut"] = Field(
        ..., description="Items made from new `- [ ]` lines."
    )
    closed_action_items: list["ActionItemOut"] = Field(
        ..., description="Items closed by lines ticked `- [x]`."
    )
    problems: list[str] = Field(
        ...,
        description="Lines that became no item or an item without owner, and why.",
        examples=[["line 4: nobody in Platform is called @zoe; the item has no owner yet."]],
    )


class StoredNotesOut(Schema):
    body: str
    version: int = Field(..., examples=[4])
    updated_by: str = Field(..., description="Who saved it (a name).", examples=["Fiona"])
    updated_at: dt.datetime


class SubmittedNotesOut(Schema):
    body: str
    base_version: int = Field(..., examples=[3])


class NotesConflictOut(Schema):
    detail: str = Field(
        ..., examples=["Fiona saved version 4 after the version 3 this text was written on."]
    )
    stored: StoredNotesOut = Field(..., description="What is saved now (unchanged).")
    submitted: SubmittedNotesOut = Field(..., description="What you sent (not saved).")


class NotesRevisionOut(Schema):
    version: int = Field(..., examples=[3])
    body: str
    author: CapturePersonOut | None
    saved_at: dt.datetime

    @staticmethod
    def resolve_author(revision: NotesRevision) -> CapturePersonOut | None:
        return person_out(revision.author)


# --- Action items -----------------------------------------------------------------------


class ActionItemOut(Schema):
    id: int = Field(..., examples=[31])
    team_id: int = Field(..., examples=[1])
    session_id: int | None = Field(..., description="Where it was agreed, if in a session.")
    series_id: int | None = Field(
        ..., description="Its series: open items come back on each next agenda."
    )
    text: str = Field(..., examples=["Write the sampling runbook"])
    owner: CapturePersonOut | None = Field(..., description="null: nobody yet.")
    due: dt.date | None = Field(..., examples=["2030-04-01"])
    status: ActionStatus = Field(..., examples=["open"])
    overdue: bool = Field(..., description="Open and due before today.")
    from_notes: bool = Field(..., description="Made from a line of the session's notes.")
    created_at: dt.datetime
    closed_at: dt.datetime | None
    evidence_url: str = Field(..., description="What shows it was done (a link), if given.")
    evidence_note: str
    can_change: bool = Field(
        ..., description="Whether you may change, close or reopen it (its owner, facilitators)."
    )


def action_item_out(item: ActionItem, *, can_change: bool, today: dt.date) -> ActionItemOut:
    return ActionItemOut(
        id=item.pk,
        team_id=item.team_id,
        session_id=item.session_id,
        series_id=item.series_id,
        text=item.text,
        owner=person_out(item.owner),
        due=item.due,
        status=ActionStatus(item.status),
        overdue=item.is_overdue(today),
        from_notes=bool(item.notes_key),
        created_at=item.created_at,
        closed_at=item.closed_at,
        evidence_url=item.evidence_url,
        evidence_note=item.evidence_note,
        can_change=can_change,
    )


NotesSavedOut.model_rebuild()


class ActionItemIn(Schema):
    text: SingleLine = Field(
        ..., max_length=ACTION_TEXT_MAX, examples=["Write the sampling runbook"]
    )
    owner_id: Id | None = Field(None, description="A member of the team; null: nobody yet.")
    due: SaneDate | None = Field(None, examples=["2030-04-01"])


class ActionItemPatch(Schema):
    """Only the fields sent are changed; `null` clears `owner_id` or `due`."""

    text: SingleLine | None = Field(None, max_length=ACTION_TEXT_MAX, examples=["Write it"])
    owner_id: Id | None = Field(None, description="A member of the team; null: nobody.")
    due: SaneDate | None = Field(None, examples=["2030-04-15"])


class CloseAs(StrEnum):
    DONE = "done"
    DROPPED = "dropped"


class CloseItemIn(Schema):
    status: CloseAs = Field(
        CloseAs.DONE, description="done (the default) or dropped.", examples=["done"]
    )
    evidence_url: WebUrl = Field(
        "", max_length=500, description="A merged change, a page, a document."
    )
    evidence_note: SingleLine = Field("", max_length=EVIDENCE_NOTE_MAX)


# --- Consent ----------------------------------------------------------------------------


class ConsentAnswerOut(Schema):
    person: CapturePersonOut
    consents: bool | None = Field(..., description="true yes, false no, null not answered.")


class ConsentOut(Schema):
    session_id: int = Field(..., examples=[12])
    present: list[ConsentAnswerOut] = Field(
        ...,
        description="Who is present: the attendance once taken; before that, whoever "
        "said they are going and the session's facilitators.",
    )
    may_record: bool = Field(..., description="Everyone present said yes.")
    explanation: str = Field(..., examples=["Waiting for Bob to answer."])
    my_answer: bool | None = Field(..., description="Your own answer (null: none yet).")


def consent_out(session: Session, state: ConsentState, mine: bool | None) -> ConsentOut:
    def answer(person: User) -> bool | None:
        if person.pk in state.yes:
            return True
        return False if person.pk in state.no else None

    return ConsentOut(
        session_id=session.pk,
        present=[
            ConsentAnswerOut(person=CapturePersonOut(id=p.pk, name=p.name), consents=answer(p))
            for p in state.present
        ],
        may_record=state.may_record,
        explanation=state.explain(),
        my_answer=mine,
    )


class ConsentIn(Schema):
    consents: bool = Field(
        ...,
        description="Whether you agree to be recorded. false deletes any recording and "
        "transcript of the session at once.",
        examples=[True],
    )


# --- Recordings -------------------------------------------------------------------------


class RecordingOut(Schema):
    kind: RecordingKind = Field(..., examples=["upload"])
    url: str = Field(..., description="The link (kind link); empty for an upload.")
    file_url: str | None = Field(
        ...,
        description="Where an uploaded file is streamed from (kind upload).",
        examples=["/api/sessions/12/recording/file"],
    )
    file_name: str = Field(..., examples=["demo day.mp4"])
    content_type: str = Field(..., examples=["video/mp4"])
    size: int = Field(..., description="Bytes (uploads).", examples=[10485760])
    attached_by: CapturePersonOut | None
    attached_at: dt.datetime


def recording_out(recording: Recording) -> RecordingOut:
    upload = recording.kind == RecordingKind.UPLOAD
    return RecordingOut(
        kind=RecordingKind(recording.kind),
        url=recording.url,
        file_url=f"/api/sessions/{recording.session_id}/recording/file" if upload else None,
        file_name=recording.file_name,
        content_type=recording.content_type,
        size=recording.size,
        attached_by=person_out(recording.attached_by),
        attached_at=recording.attached_at,
    )


class RecordingRemovalOut(Schema):
    what: str = Field(..., examples=["recording and transcript"])
    reason: str = Field(..., examples=["an attendee withdrew their consent to recording"])
    removed_at: dt.datetime


def removal_out(removal: RecordingRemoval) -> RecordingRemovalOut:
    return RecordingRemovalOut(
        what=removal.what, reason=removal.reason, removed_at=removal.removed_at
    )


class RecordingStateOut(Schema):
    session_id: int = Field(..., examples=[12])
    recording: RecordingOut | None = Field(..., description="null: none attached.")
    has_transcript: bool
    removals: list[RecordingRemovalOut] = Field(
        ..., description="The last deletions (at most 5), newest first; never who withdrew."
    )


class RecordingLinkIn(Schema):
    url: WebUrl = Field(..., max_length=500, examples=["https://video.example.com/v/123"])


class CaptureProblemOut(Schema):
    detail: str = Field(..., examples=["The file is larger than 2048 MB."])


class RecordingConflictOut(Schema):
    detail: str = Field(
        ...,
        examples=["A recording needs everyone present to say yes. Waiting for Bob to answer."],
    )
    may_record: bool = Field(
        ..., description="false: not everyone present said yes; true: a recording is attached.",
        examples=[False],
    )  # fmt: skip
    explanation: str = Field(..., examples=["Waiting for Bob to answer."])


# --- Transcripts ------------------------------------------------------------------------


class TranscriptSegmentOut(Schema):
    start_ms: int = Field(..., description="Milliseconds into the recording.", examples=[1000])
    end_ms: int = Field(..., examples=[4200])
    start: str = Field(..., description="h:mm:ss.mmm", examples=["0:00:01.000"])
    speaker: str | None = Field(..., examples=["Alice Smith"])
    text: str = Field(..., examples=["Sampling at the edge keeps the cost down."])


def _clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"


class TranscriptInfoOut(Schema):
    session_id: int = Field(..., examples=[12])
    format: str = Field(..., description="vtt, srt or sbv.", examples=["vtt"])
    file_name: str = Field(..., examples=["zoom.vtt"])
    speakers: list[str] = Field(..., examples=[["Alice Smith", "Bob Jones"]])
    segment_count: int = Field(..., examples=[412])
    imported_by: CapturePersonOut | None
    imported_at: dt.datetime


class TranscriptOut(TranscriptInfoOut):
    segments: list[TranscriptSegmentOut] = Field(..., description="In order of time.")


def _info(transcript: Transcript) -> dict[str, Any]:
    return {
        "session_id": transcript.session_id,
        "format": transcript.format,
        "file_name": transcript.file_name,
        "speakers": list(transcript.speakers),
        "segment_count": len(transcript.cues),
        "imported_by": person_out(transcript.imported_by),
        "imported_at": transcript.imported_at,
    }


def transcript_info_out(transcript: Transcript) -> TranscriptInfoOut:
    return TranscriptInfoOut(**_info(transcript))


def transcript_out(transcript: Transcript) -> TranscriptOut:
    segments = [
        TranscriptSegmentOut(
            start_ms=int(start),
            end_ms=int(end),
            start=_clock(int(start)),
            speaker=speaker or None,
            text=str(text),
        )
        for start, end, speaker, text in transcript.cues
    ]
    return TranscriptOut(**_info(transcript), segments=segments)


class TranscriptRefusedOut(Schema):
    detail: str = Field(..., examples=["zoom.vtt: line 7: the timing is not start --> end"])
    line: int | None = Field(..., description="1-based line to blame; null: the whole file.")
    message: str = Field(..., examples=["the timing is not start --> end"])
