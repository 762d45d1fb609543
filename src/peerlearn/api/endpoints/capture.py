"""/api/sessions/{id}/notes and the action items: a session's notes (saved against the
version they were written on), their history, and the follow-up items of a session, a
team and the caller.

Same rules as the capture pages (docs/capture.md), through the same choke points
(`capture.access`, `people.access`) and services (`capture.services`): whoever sees the
session reads; the team writes the notes and adds items; an item's owner or the team's
facilitators change, close and reopen it.
"""

# No `from __future__ import annotations`: ninja must see `Query[ShowIn]` as a type.
import datetime as dt
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints.capture_schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    CloseItemIn,
    NotesConflictOut,
    NotesIn,
    NotesOut,
    NotesRevisionOut,
    NotesSavedOut,
    StoredNotesOut,
    SubmittedNotesOut,
    action_item_out,
    notes_out,
)
from peerlearn.api.fields import id_in_path
from peerlearn.api.pagination import Mapped, Page
from peerlearn.capture import services
from peerlearn.capture.access import (
    CaptureAction,
    get_action_item_access,
    get_action_item_for_change,
    get_capture_access,
    item_changeable_by,
    may_change_item,
    may_manage,
    may_write,
)
from peerlearn.capture.models import ActionItem, NotesRevision, SessionNotes
from peerlearn.capture.selectors import my_open_items, session_items, team_items
from peerlearn.people.access import get_team_access
from peerlearn.people.models import Team, User
from peerlearn.people.roles import TeamAction

router = Router(tags=["capture"])


# --- Notes ------------------------------------------------------------------------------


@router.get(
    "/sessions/{session_id}/notes",
    response=NotesOut,
    summary="A session's notes, as Markdown and as safe HTML (whoever sees the session)",
)
def get_notes(request: HttpRequest, session_id: int = id_in_path()) -> NotesOut:
    session = get_capture_access(api_user(request), session_id, CaptureAction.READ).obj
    notes = SessionNotes.objects.filter(session=session).select_related("updated_by").first()
    return notes_out(session, notes)


@router.put(
    "/sessions/{session_id}/notes",
    response={200: NotesSavedOut, 409: NotesConflictOut},
    summary="Save the notes written on `base_version` (the team); 409 when someone saved "
    "in between: nothing is overwritten",
)
def save_notes(
    request: HttpRequest, payload: NotesIn, session_id: int = id_in_path()
) -> Status[NotesSavedOut] | Status[NotesConflictOut]:
    author = api_user(request)
    access = get_capture_access(author, session_id, CaptureAction.WRITE)
    try:
        saved = services.notes_save(
            session=access.obj, author=author, body=payload.body, base_version=payload.base_version
        )
    except services.NotesConflict as conflict:
        detail = (
            f"{conflict.by} saved version {conflict.version} after the version "
            f"{payload.base_version} this text was written on; nothing was overwritten. "
            f"Merge the two texts and save again with base_version {conflict.version}."
        )
        return Status(
            409,
            NotesConflictOut(
                detail=detail,
                stored=StoredNotesOut(
                    body=conflict.theirs,
                    version=conflict.version,
                    updated_by=conflict.by,
                    updated_at=conflict.at,
                ),
                submitted=SubmittedNotesOut(body=payload.body, base_version=payload.base_version),
            ),
        )
    today = timezone.localdate()
    facilitates = may_manage(access)

    def out(item: ActionItem) -> ActionItemOut:
        changeable = item_changeable_by(item, author, facilitates=facilitates)
        return action_item_out(item, can_change=changeable, today=today)

    notes = notes_out(access.obj, saved.notes)
    return Status(
        200,
        NotesSavedOut(
            **notes.model_dump(),
            changed=saved.changed,
            created_action_items=[out(item) for item in saved.created],
            closed_action_items=[out(item) for item in saved.closed],
            problems=saved.problems,
        ),
    )


@router.get(
    "/sessions/{session_id}/notes/revisions",
    response=list[NotesRevisionOut],
    summary="Every saved version of the notes, newest first (whoever sees the session)",
)
@paginate(Page)
def list_notes_revisions(
    request: HttpRequest, session_id: int = id_in_path()
) -> list[NotesRevisionOut]:
    session = get_capture_access(api_user(request), session_id, CaptureAction.READ).obj
    revisions = (
        NotesRevision.objects.filter(notes__session=session)
        .select_related("author")
        .order_by("-version")
    )
    return revisions  # type: ignore[return-value]  # paginate maps the page


# --- Action items -----------------------------------------------------------------------


def _member(team: Team, person_id: int | None) -> User | None:
    """The owner named by id: a member of the team (as the page's choice of owners)."""
    if person_id is None:
        return None
    person = User.objects.filter(memberships__team=team, pk=person_id).first()
    if person is None:
        raise ValidationError({"owner_id": [f"Person {person_id} is not in {team.name}."]})
    return person


@router.get(
    "/sessions/{session_id}/action-items",
    response=list[ActionItemOut],
    summary="The action items agreed in a session (whoever sees the session)",
)
@paginate(Page)
def list_session_items(request: HttpRequest, session_id: int = id_in_path()) -> list[ActionItemOut]:
    reader = api_user(request)
    access = get_capture_access(reader, session_id, CaptureAction.READ)
    facilitates = may_manage(access)
    today = timezone.localdate()
    return [
        action_item_out(
            item,
            # Someone reading a session open to the organisation changes nothing of it.
            can_change=may_write(access)
            and item_changeable_by(item, reader, facilitates=facilitates),
            today=today,
        )
        for item in session_items(access.obj)
    ]


@router.post(
    "/sessions/{session_id}/action-items",
    response={201: ActionItemOut},
    summary="Add an action item to a session (the team)",
)
def create_session_item(
    request: HttpRequest, payload: ActionItemIn, session_id: int = id_in_path()
) -> Status[ActionItemOut]:
    actor = api_user(request)
    access = get_capture_access(actor, session_id, CaptureAction.WRITE)
    item = services.action_item_create(
        team=access.team,
        created_by=actor,
        text=payload.text,
        owner=_member(access.team, payload.owner_id),
        due=payload.due,
        session=access.obj,
    )
    changeable = item_changeable_by(item, actor, facilitates=may_manage(access))
    return Status(201, action_item_out(item, can_change=changeable, today=timezone.localdate()))


@router.get(
    "/action-items/{item_id}",
    response=ActionItemOut,
    summary="One action item (the team)",
)
def get_item(request: HttpRequest, item_id: int = id_in_path()) -> ActionItemOut:
    reader = api_user(request)
    access = get_action_item_access(reader, item_id)
    return action_item_out(
        access.obj, can_change=may_change_item(access, reader), today=timezone.localdate()
    )


def _changed(item: ActionItem) -> ActionItemOut:
    return action_item_out(item, can_change=True, today=timezone.localdate())


@router.patch(
    "/action-items/{item_id}",
    response=ActionItemOut,
    summary="Change an action item's text, owner or due date (its owner, facilitators)",
)
def edit_item(
    request: HttpRequest, payload: ActionItemPatch, item_id: int = id_in_path()
) -> ActionItemOut:
    actor = api_user(request)
    item = get_action_item_for_change(actor, item_id)
    sent = payload.model_dump(exclude_unset=True)
    if "text" in sent and sent["text"] is None:
        raise ValidationError({"text": ["Give a value, or leave the field out."]})
    owner = _member(item.team, payload.owner_id) if "owner_id" in sent else item.owner
    updated = services.action_item_update(
        item=item,
        actor=actor,
        text=payload.text if payload.text is not None else item.text,
        owner=owner,
        due=payload.due if "due" in sent else item.due,
    )
    return _changed(updated)


@router.post(
    "/action-items/{item_id}/close",
    response=ActionItemOut,
    summary="Close an action item as done (with evidence, if any) or dropped (its owner, "
    "facilitators)",
)
def close_item(
    request: HttpRequest, payload: CloseItemIn, item_id: int = id_in_path()
) -> ActionItemOut:
    actor = api_user(request)
    item = get_action_item_for_change(actor, item_id)
    closed = services.action_item_close(
        item=item,
        actor=actor,
        status=payload.status.value,
        evidence_url=payload.evidence_url,
        evidence_note=payload.evidence_note,
    )
    return _changed(closed)


@router.post(
    "/action-items/{item_id}/reopen",
    response=ActionItemOut,
    summary="Open a closed action item again (its owner, facilitators)",
)
def reopen_item(request: HttpRequest, item_id: int = id_in_path()) -> ActionItemOut:
    actor = api_user(request)
    item = get_action_item_for_change(actor, item_id)
    return _changed(services.action_item_reopen(item=item, actor=actor))


class Show(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    CLOSED = "closed"


class ShowIn(Schema):
    show: Show = Field(
        Show.OPEN,
        description="open (overdue first, by due date), overdue only, or closed (newest first).",
        examples=["open"],
    )


@router.get(
    "/teams/{team_id}/action-items",
    response=list[ActionItemOut],
    summary="A team's action items: open, overdue or closed (the team)",
)
@paginate(Page)
def list_team_items(
    request: HttpRequest, filters: Query[ShowIn], team_id: int = id_in_path()
) -> list[ActionItemOut]:
    reader = api_user(request)
    access = get_team_access(reader, team_id)
    facilitates = access.allows(TeamAction.FACILITATE)
    today = timezone.localdate()

    def out(item: ActionItem) -> ActionItemOut:
        changeable = item_changeable_by(item, reader, facilitates=facilitates)
        return action_item_out(item, can_change=changeable, today=today)

    rows = team_items(access.team, show=filters.show.value)
    return Mapped(rows, out)  # type: ignore[return-value]  # paginate reads a page of it


@router.get(
    "/me/action-items",
    response=list[ActionItemOut],
    summary="Your open action items in every team, overdue first, undated last",
)
@paginate(Page)
def list_my_items(request: HttpRequest) -> list[ActionItemOut]:
    person = api_user(request)
    today: dt.date = timezone.localdate()
    return [
        action_item_out(item, can_change=True, today=today)
        for item in my_open_items(person, today=today)
    ]
