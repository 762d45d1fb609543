"""Pages for the other ways gaps come in: anonymous asks, private 1:1 notes,
post-mortems and the onboarding checklist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from peerlearn.gaps import source_services
from peerlearn.gaps.access import get_note_for_user, get_onboarding_step_for_user
from peerlearn.gaps.forms import (
    AnonymousAskForm,
    NoteForm,
    NoteToGapForm,
    OnboardingMarkForm,
    OnboardingStepForm,
    PostMortemForm,
)
from peerlearn.gaps.models import OnboardingMark, OnboardingStep, OneOnOneNote, PostMortem
from peerlearn.gaps.views import team_nav
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction
from peerlearn.web.http import AuthedRequest, require_GET_or_POST


@login_required
@require_GET_or_POST
def anonymous_ask(request: AuthedRequest, team_id: int) -> HttpResponse:
    """No message is left in the session and nothing is logged: the page after the ask
    is a plain redirect with `?sent=1`, so the asker's session holds no trace of it."""
    access = get_team_access(request.user, team_id, TeamAction.VIEW)
    team = access.team
    form = AnonymousAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source_services.anonymous_ask_submit(
                team=team,
                asker=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.attach(error)
        else:
            return redirect(reverse("gaps:anonymous_ask", args=[team.pk]) + "?sent=1")
    context = {**team_nav(access), "form": form, "sent": request.GET.get("sent") == "1"}
    return render(request, "gaps/anonymous_ask.html", context)


@login_required
@require_GET_or_POST
def notes(request: AuthedRequest, team_id: int) -> HttpResponse:
    """A lead's own 1:1 notes; nobody else's are listed, not even to an admin."""
    team = get_team_access(request.user, team_id, TeamAction.MANAGE).team
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source_services.note_create(
                team=team,
                author=request.user,
                held_on=form.cleaned_data["held_on"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Note kept. Only you can see it.")
            return redirect("gaps:notes", team.pk)
    context = {
        "team": team,
        "form": form,
        "notes": OneOnOneNote.objects.filter(team=team, author=request.user),
        "to_gap_form": NoteToGapForm(),
    }
    return render(request, "gaps/notes.html", context)


@login_required
@require_POST
def note_to_gap(request: AuthedRequest, note_id: int) -> HttpResponse:
    note = get_note_for_user(request.user, note_id)
    get_team_access(request.user, note.team_id, TeamAction.MANAGE)
    form = NoteToGapForm(request.POST)
    if form.is_valid():
        try:
            gap = source_services.note_to_gap(
                note=note,
                lead=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The gap is in the backlog with no name on it.")
            return redirect("gaps:gap", gap.pk)
    else:
        messages.error(request, "Give the gap a title.")
    return redirect("gaps:notes", note.team_id)


@login_required
@require_POST
def note_delete(request: AuthedRequest, note_id: int) -> HttpResponse:
    note = get_note_for_user(request.user, note_id)
    source_services.note_delete(note=note, author=request.user)
    messages.success(request, "Note deleted.")
    return redirect("gaps:notes", note.team_id)


@login_required
@require_GET_or_POST
def post_mortem(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_access(request.user, team_id, TeamAction.FACILITATE).team
    form = PostMortemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = source_services.post_mortem_record(
                team=team,
                recorded_by=request.user,
                title=data["title"],
                happened_on=data["happened_on"],
                what_we_did_not_know=data["what_we_did_not_know"],
                what_would_have_helped=data["what_would_have_helped"],
                link=data["link"],
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Post-mortem recorded; its gap is in the backlog.")
            assert record.gap is not None
            return redirect("gaps:gap", record.gap.pk)
    context = {
        "team": team,
        "form": form,
        "post_mortems": PostMortem.objects.filter(team=team).select_related("gap")[:50],
    }
    return render(request, "gaps/post_mortem.html", context)


@login_required
@require_GET_or_POST
def onboarding(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.VIEW)
    team = access.team
    can_manage = access.allows(TeamAction.MANAGE)
    form = OnboardingStepForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            get_team_access(request.user, team_id, TeamAction.MANAGE)  # refuses: 403
        if form.is_valid():
            try:
                source_services.onboarding_step_create(
                    team=team, actor=request.user, title=form.cleaned_data["title"]
                )
            except ValidationError as error:
                form.attach(error)
            else:
                return redirect("gaps:onboarding", team.pk)
    steps = OnboardingStep.objects.filter(team=team).annotate(
        hard_count=Count("marks", filter=Q(marks__hard=True)),
        done_count=Count("marks", filter=Q(marks__done=True)),
    )
    mine = {
        m.step_id: m for m in OnboardingMark.objects.filter(step__team=team, person=request.user)
    }
    rows = [(step, mine.get(step.pk)) for step in steps]
    context = {**team_nav(access), "rows": rows, "form": form, "can_manage": can_manage}
    return render(request, "gaps/onboarding.html", context)


@login_required
@require_POST
def onboarding_mark(request: AuthedRequest, step_id: int) -> HttpResponse:
    step = get_onboarding_step_for_user(request.user, step_id, TeamAction.VIEW)
    form = OnboardingMarkForm(request.POST)
    if form.is_valid():
        try:
            source_services.onboarding_mark(
                step=step,
                person=request.user,
                done=form.cleaned_data["done"],
                hard=form.cleaned_data["hard"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Saved “{step.title}”.")
    return redirect("gaps:onboarding", step.team_id)


@login_required
@require_POST
def onboarding_step_remove(request: AuthedRequest, step_id: int) -> HttpResponse:
    step = get_onboarding_step_for_user(request.user, step_id, TeamAction.MANAGE)
    source_services.onboarding_step_remove(step=step, actor=request.user)
    messages.success(request, f"Removed “{step.title}”.")
    return redirect("gaps:onboarding", step.team_id)
