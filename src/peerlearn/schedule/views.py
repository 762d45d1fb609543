"""Team session lists and single sessions: create, edit, status, roles, RSVP, attendance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from peerlearn.gaps.access import GapAction, get_gap_for_user
from peerlearn.gaps.models import Gap
from peerlearn.gaps.services import gap_link_session
from peerlearn.people.access import ScopedAccess, get_team_access, get_team_for_user
from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule import services
from peerlearn.schedule.access import (
    SessionAction,
    can_session,
    get_session_access,
    get_session_for_user,
    session_allows,
)
from peerlearn.schedule.agenda import agenda_of
from peerlearn.schedule.calendar import single_event
from peerlearn.schedule.conflicts import session_conflicts
from peerlearn.schedule.downloads import calendar_download
from peerlearn.schedule.forms import AttendanceForm, RolesForm, SessionForm
from peerlearn.schedule.models import (
    Attendance,
    Rsvp,
    RsvpAnswer,
    Session,
    SessionRole,
    SessionStatus,
)
from peerlearn.schedule.selectors import (
    TEAM_SESSIONS_WEEKS,
    session_page,
    team_sessions_page,
)
from peerlearn.web.http import AuthedRequest, require_GET_or_POST

SESSION_FORM_FIELDS = (
    *("title", "format", "topic", "change_link", "notes", "audience", "time_zone"),
    *("duration_minutes", "location", "video_link", "whiteboard_link", "starts_at"),
)
FIELD_ALIASES = {"starts_at": "start_time", "ends_at": "duration_minutes"}


def attach_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names, the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            name = FIELD_ALIASES.get(field, field)
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


@login_required
@require_safe
def team_sessions(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.VIEW)
    page = team_sessions_page(access.team.pk, now=timezone.now())
    context = {
        "team": access.team,
        "upcoming": page.upcoming,
        "past": page.past,
        "series_list": page.series_list,
        "can_facilitate": access.allows(TeamAction.FACILITATE),
        "weeks": TEAM_SESSIONS_WEEKS,
    }
    return render(request, "schedule/team_sessions.html", context)


@login_required
@require_GET_or_POST
def session_create(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.FACILITATE)
    initial: dict[str, Any] = {"time_zone": request.user.time_zone, "duration_minutes": 45}
    # Planned from a gap of the backlog (?gap=…): the session starts from it and covers it.
    gap = _gap_to_cover(request, team)
    if gap is not None:
        initial.update(title=gap.title, topic=gap.description[:2000])
    form = SessionForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                session = services.session_create(
                    team=team,
                    created_by=request.user,
                    **_session_fields(data),
                    status=data["status"],
                    facilitator=data.get("facilitator"),
                    co_facilitator=data.get("co_facilitator"),
                )
                if gap is not None:
                    gap_link_session(gap=gap, session=session, actor=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"“{session.title}” is saved.")
            _warn_conflicts(request, session)
            return redirect("schedule:session", session.pk)
    context = {"form": form, "team": team, "gap": gap}
    return render(request, "schedule/session_form.html", context)


def _gap_to_cover(request: AuthedRequest, team: Team) -> Gap | None:
    gap_id = request.POST.get("gap") or request.GET.get("gap")
    if not gap_id:
        return None
    gap = get_gap_for_user(request.user, gap_id, GapAction.TRIAGE)
    if gap.team_id != team.pk:
        raise Http404("No such gap in this team.")
    return gap


def _session_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in SESSION_FORM_FIELDS}


def _warn_conflicts(request: AuthedRequest, session: Session) -> None:
    for conflict in session_conflicts(session):
        messages.warning(request, conflict.message)


@login_required
@require_GET_or_POST
def session_edit(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, SessionAction.EDIT)
    lead = {r.role: r.person for r in session.roles.filter(role__in=SessionRole.LEADING_ROLES)}
    local = session.local_start
    initial = {
        **{name: getattr(session, name) for name in services.EDITABLE_FIELDS},
        "date": local.date(),
        "start_time": local.time(),
        "facilitator": lead.get(SessionRole.FACILITATOR),
        "co_facilitator": lead.get(SessionRole.CO_FACILITATOR),
    }
    form = SessionForm(request.POST or None, team=session.team, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_update(
                session=session,
                changes=_session_fields(data),
                facilitator=data.get("facilitator"),
                co_facilitator=data.get("co_facilitator"),
                set_facilitators=True,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"“{session.title}” is saved.")
            _warn_conflicts(request, session)
            return redirect("schedule:session", session.pk)
    context = {"form": form, "team": session.team, "session": session}
    return render(request, "schedule/session_form.html", context)


def session_page_context(
    request: AuthedRequest, session: Session, access: ScopedAccess[Session] | None = None
) -> dict[str, Any]:
    """What the session page shows (selectors.session_page), with its forms; also for a
    series occurrence not yet saved. `access`, when the view has it, saves two queries."""

    def allows(action: str) -> bool:
        if access is not None:
            return session_allows(access, SessionAction(action))
        return can_session(request.user, session, SessionAction(action))

    page = session_page(session, viewer=request.user, allows=allows, now=timezone.now())
    saved = session.pk is not None
    attendance_form = None
    if page.can_attend and page.started and not session.is_cancelled:
        attendance_form = _attendance_form(page.rsvps, page.team_people, page.attendees)
    roles_form = None
    if page.can_edit and saved:
        roles_form = RolesForm(
            team=session.team,
            format_key=session.format,
            initial=dict(page.people_by_role),
            people=page.team_people,
        )
    return {
        "session": session,
        "team": session.team,
        # What the backlog hoped this session would teach (gaps.services links them).
        "gaps": list(session.gaps.only("pk", "title", "status")) if saved else [],
        "agenda": agenda_of(session),
        "facilitator": page.people_by_role.get(SessionRole.FACILITATOR, []),
        "co_facilitator": page.people_by_role.get(SessionRole.CO_FACILITATOR, []),
        "format_roles": page.format_roles,
        "missing_roles": page.missing_roles,
        "rsvps": page.rsvps,
        "counts": {a: sum(1 for r in page.rsvps if r.answer == a) for a in RsvpAnswer.values},
        "my_rsvp": page.my_rsvp,
        "answers": RsvpAnswer.choices,
        "can_edit": page.can_edit,
        "can_rsvp": not session.is_cancelled and session.status != SessionStatus.DONE,
        "roles_form": roles_form,
        "attendance_form": attendance_form,
        "attendees": page.attendees,
        "conflicts": page.conflicts,
        "started": page.started,
    }


def _attendance_candidates(session: Session, rsvps: list[Rsvp]) -> list[User]:
    members = [m.user for m in Membership.objects.filter(team=session.team).select_related("user")]
    return _candidates(members, rsvps)


def _candidates(members: list[User], rsvps: list[Rsvp]) -> list[User]:
    return list({p.pk: p for p in members + [r.person for r in rsvps]}.values())


def _attendance_form(
    rsvps: list[Rsvp], members: list[User], attendees: list[Attendance]
) -> AttendanceForm:
    candidates = _candidates(members, rsvps)
    recorded = [a.person_id for a in attendees]
    going = [r.person_id for r in rsvps if r.answer == RsvpAnswer.GOING]
    return AttendanceForm(candidates=candidates, initial={"attendees": recorded or going})


@login_required
@require_safe
def session_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_session_access(request.user, session_id, SessionAction.VIEW)
    context = session_page_context(request, access.obj, access)
    context["rsvp_url"] = None
    return render(request, "schedule/session_detail.html", context)


@login_required
@require_POST
def session_status(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, SessionAction.EDIT)
    status = request.POST.get("status", "")
    try:
        services.session_set_status(session=session, status=status, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"“{session.title}” is now {SessionStatus(status).label.lower()}."
        )
    return redirect("schedule:session", session.pk)


@login_required
@require_POST
def session_roles(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, SessionAction.EDIT)
    form = RolesForm(request.POST, team=session.team, format_key=session.format)
    if form.is_valid():
        try:
            services.session_set_format_roles(
                session=session,
                people_by_role={key: list(people) for key, people in form.cleaned_data.items()},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Roles are saved.")
    else:
        messages.error(request, "Those roles could not be saved: " + form.errors.as_text())
    return redirect("schedule:session", session.pk)


def rsvp_refused(
    request: AuthedRequest,
    session: Session,
    error: ValidationError,
    *,
    back: str,
    rsvp_url: str | None = None,
) -> HttpResponse:
    if request.htmx:
        # htmx does not swap error responses, so the fragment carries the message.
        context = session_page_context(request, session)
        context["rsvp_error"] = " ".join(error.messages)
        context["rsvp_url"] = rsvp_url
        return render(request, "schedule/session_detail.html#rsvp", context)
    messages.error(request, " ".join(error.messages))
    return redirect(back)


def rsvp_response(request: AuthedRequest, session: Session, answer: str) -> HttpResponse:
    try:
        services.rsvp_set(session=session, person=request.user, answer=answer)
    except ValidationError as error:
        return rsvp_refused(request, session, error, back=session.get_absolute_url())
    if request.htmx:
        context = session_page_context(request, session)
        return render(request, "schedule/session_detail.html#rsvp", context)
    messages.success(request, "Your answer is saved.")
    return redirect("schedule:session", session.pk)


@login_required
@require_POST
def session_rsvp(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, SessionAction.RSVP)
    return rsvp_response(request, session, request.POST.get("answer", ""))


@login_required
@require_POST
def session_attendance(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, SessionAction.ATTENDANCE)
    rsvps = list(session.rsvps.select_related("person"))
    form = AttendanceForm(request.POST, candidates=_attendance_candidates(session, rsvps))
    if form.is_valid():
        try:
            services.attendance_record(
                session=session, attendees=form.cleaned_data["attendees"], recorded_by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Attendance is saved.")
    else:
        messages.error(request, "Attendance could not be saved: " + form.errors.as_text())
    return redirect("schedule:session", session.pk)


@login_required
@require_safe
def session_ics(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, SessionAction.VIEW)
    if session.series_id is not None:
        from peerlearn.schedule.series_views import series_ics

        return series_ics(request, session.series_id)
    session = (
        Session.objects.select_related("team").prefetch_related("roles__person").get(pk=session.pk)
    )
    return calendar_download(
        lambda: single_event(session),
        filename=f"session-{session.pk}.ics",
        item=f"session {session.pk} ({session.title})",
        organisation_id=session.team.organisation_id,
    )
