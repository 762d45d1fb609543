"""A session's notes and follow-up page, and the writes it posts to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

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
from peerlearn.capture.forms import (
    ActionItemForm,
    CloseItemForm,
    NotesForm,
    RecordingLinkForm,
    TranscriptForm,
)
from peerlearn.capture.models import RecordingConsent
from peerlearn.capture.recording_services import consent_state
from peerlearn.capture.selectors import carried_over_items, session_capture, team_item_counts
from peerlearn.capture.selectors import team_items as team_items_query
from peerlearn.capture.transcription import transcription_status
from peerlearn.engines.capture.transcripts import Cue, Transcript, speaker_turns
from peerlearn.kb.models import KbPage
from peerlearn.people.access import ScopedAccess, get_team_access
from peerlearn.people.models import User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.models import Session
from peerlearn.web.http import AuthedRequest

ITEMS_PER_PAGE = 50


def team_people(team: Any) -> list[Any]:
    """Who an action item can be given to: the team's members."""
    return list(User.objects.filter(memberships__team=team).order_by("display_name", "username"))


@dataclass(frozen=True)
class ShownTurn:
    start_label: str  # h:mm:ss into the session
    speaker: str
    text: str


def _turns(cues: list[list[Any]]) -> list[ShownTurn]:
    transcript = Transcript(
        "stored", tuple(Cue(int(c[0]), int(c[1]), c[2] or None, str(c[3])) for c in cues)
    )
    shown = []
    for turn in speaker_turns(transcript):
        seconds = turn.start_ms // 1000
        label = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        shown.append(ShownTurn(label, turn.speaker or "", turn.text))
    return shown


def capture_context(
    request: AuthedRequest,
    access: ScopedAccess[Session],
    *,
    notes_form: NotesForm | None = None,
    conflict: services.NotesConflict | None = None,
) -> dict[str, Any]:
    session = access.obj
    capture = session_capture(session)
    version = capture.notes.version if capture.notes else 0
    mine = RecordingConsent.objects.filter(session=session, person=request.user).first()
    can_write = may_write(access)
    facilitates = may_manage(access)
    return {
        "session": session,
        "team": access.team,
        "capture": capture,
        "notes_form": notes_form
        or NotesForm(
            initial={"body": capture.notes.body if capture.notes else "", "version": version}
        ),
        "conflict": conflict,
        "can_write": can_write,
        "can_manage": facilitates,
        "item_form": ActionItemForm(team=access.team) if can_write else None,
        "items": [
            (item, item_changeable_by(item, request.user, facilitates=facilitates))
            for item in capture.items
        ],
        "carried_over": carried_over_items(session),
        "consent": consent_state(session),
        "my_consent": mine.consents if mine is not None else None,
        "link_form": RecordingLinkForm(),
        "transcript_form": TranscriptForm(),
        "turns": _turns(capture.transcript.cues) if capture.transcript else [],
        "session_page": KbPage.objects.filter(session=session).only("pk").first(),
        "transcription": transcription_status(),
        "team_people": team_people(access.team),
    }


@login_required
@require_safe
def session_capture_page(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.READ)
    return render(request, "capture/session.html", capture_context(request, access))


@login_required
@require_POST
def notes_save(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.WRITE)
    form = NotesForm(request.POST)
    if not form.is_valid():
        context = capture_context(request, access, notes_form=form)
        return render(request, "capture/session.html", context)
    try:
        saved = services.notes_save(
            session=access.obj,
            author=request.user,
            body=form.cleaned_data["body"],
            base_version=form.cleaned_data["version"],
        )
    except services.NotesConflict as conflict:
        # Keep the writer's text in the editor, now based on the version they saw.
        retry = NotesForm(initial={"body": form.cleaned_data["body"], "version": conflict.version})
        context = capture_context(request, access, notes_form=retry, conflict=conflict)
        return render(request, "capture/session.html", context, status=409)
    except ValidationError as error:
        form.attach(error)
        context = capture_context(request, access, notes_form=form)
        return render(request, "capture/session.html", context)
    if saved.changed:
        made = f" {len(saved.created)} new action item{'s' if len(saved.created) != 1 else ''}."
        messages.success(request, "Notes saved." + (made if saved.created else ""))
    for problem in saved.problems:
        messages.warning(request, f"Notes, {problem}")
    return redirect("capture:session", access.obj.pk)


@login_required
@require_POST
def item_create(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.WRITE)
    form = ActionItemForm(request.POST, team=access.team)
    if form.is_valid():
        try:
            services.action_item_create(
                team=access.team,
                created_by=request.user,
                text=form.cleaned_data["text"],
                owner=form.cleaned_data["owner"],
                due=form.cleaned_data["due"],
                session=access.obj,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Action item added.")
    else:
        messages.error(request, "The action item was not added: " + form.errors.as_text())
    return redirect("capture:session", access.obj.pk)


def _back(request: AuthedRequest, item: Any) -> HttpResponse:
    if request.POST.get("next") == "team":
        return redirect("capture:team_items", item.team_id)
    if item.session_id is not None:
        return redirect("capture:session", item.session_id)
    return redirect("capture:team_items", item.team_id)


@login_required
@require_POST
def item_close(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = get_action_item_for_change(request.user, item_id)
    form = CloseItemForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_close(
                item=item,
                actor=request.user,
                status=form.cleaned_data["status"],
                evidence_url=form.cleaned_data["evidence_url"],
                evidence_note=form.cleaned_data["evidence_note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{item.text}” is {item.get_status_display().lower()}.")
    else:
        messages.error(request, "Not closed: " + form.errors.as_text())
    return _back(request, item)


@login_required
@require_POST
def item_reopen(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = get_action_item_for_change(request.user, item_id)
    services.action_item_reopen(item=item, actor=request.user)
    messages.success(request, f"“{item.text}” is open again.")
    return _back(request, item)


@login_required
@require_POST
def item_edit(request: AuthedRequest, item_id: int) -> HttpResponse:
    access = get_action_item_access(request.user, item_id)
    if not may_change_item(access, request.user):
        raise PermissionDenied("Only its owner or the team's facilitators change this item.")
    item = access.obj
    form = ActionItemForm(request.POST, team=access.team)
    if form.is_valid():
        try:
            services.action_item_update(
                item=item,
                actor=request.user,
                text=form.cleaned_data["text"],
                owner=form.cleaned_data["owner"],
                due=form.cleaned_data["due"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Action item saved.")
    else:
        messages.error(request, "Not saved: " + form.errors.as_text())
    return _back(request, item)


@login_required
@require_safe
def team_items(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id)
    show = request.GET.get("show", "open")
    if show not in ("open", "overdue", "closed"):
        show = "open"
    page = Paginator(team_items_query(access.team, show=show), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    facilitates = access.allows(TeamAction.FACILITATE)
    context = {
        "team": access.team,
        "show": show,
        "page": page,
        "rows": [
            (item, item_changeable_by(item, request.user, facilitates=facilitates)) for item in page
        ],
        "counts": team_item_counts(access.team),
        "team_people": team_people(access.team),
        "today": timezone.localdate(),
    }
    return render(request, "capture/team_items.html", context)
