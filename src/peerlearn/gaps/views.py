"""The backlog page and one gap's page: raise, vote, offer, triage, merge, link sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from peerlearn.gaps import services
from peerlearn.gaps.access import (
    GapAction,
    get_gap_access,
    get_gap_for_user,
    get_own_offer,
    may_edit_text,
)
from peerlearn.gaps.forms import (
    GapEditForm,
    GapForm,
    LinkSessionForm,
    MergeForm,
    OfferForm,
    StatusForm,
    TopicOfferForm,
)
from peerlearn.gaps.models import GapSource, GapStatus
from peerlearn.gaps.rules import areas_from_text
from peerlearn.gaps.selectors import ACTIVE, gap_page, ranked_backlog, team_offers
from peerlearn.people.access import TeamAccess, get_team_access
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.access import SessionAction, get_session_for_user
from peerlearn.schedule.models import Session, SessionStatus
from peerlearn.web.http import AuthedRequest, query_text, require_GET_or_POST


def _typing_checks_duplicates(form: GapForm, team_id: int) -> GapForm:
    """While the title is typed, the gaps most like it show under it (HTMX)."""
    form.fields["title"].widget.attrs.update(
        {
            "hx-get": reverse("gaps:similar", args=[team_id]),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#similar",
            "hx-swap": "outerHTML",
            "aria-describedby": "id_title_helptext similar",
        }
    )
    return form


def team_nav(access: TeamAccess) -> dict[str, object]:
    """What the backlog's sub-navigation needs: the team and which links to show."""
    return {
        "team": access.team,
        "can_triage": access.allows(TeamAction.FACILITATE),
        "can_decide": access.allows(TeamAction.MANAGE),
    }


FILTERS = {
    "active": ACTIVE,
    "covered": (GapStatus.COVERED, GapStatus.VERIFIED),
    "dropped": (GapStatus.DROPPED,),
}


@login_required
@require_safe
def backlog(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.VIEW)
    shown = request.GET.get("show", "active")
    statuses = FILTERS.get(shown, ACTIVE)
    source = request.GET.get("source", "")
    source = source if source in GapSource.values else ""
    query = query_text(request, "q", max_length=100).strip()
    context = {
        **team_nav(access),
        "ranked": ranked_backlog(
            access.team, request.user, statuses=statuses, source=source, query=query
        ),
        "shown": shown if shown in FILTERS else "active",
        "source": source,
        "query": query,
        "sources": GapSource.choices,
        "form": _typing_checks_duplicates(GapForm(), access.team.pk),
        "offers": list(team_offers(access.team)),
        "topic_form": TopicOfferForm(),
    }
    return render(request, "gaps/backlog.html", context)


@login_required
@require_GET_or_POST
def gap_create(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_access(request.user, team_id, TeamAction.VIEW).team
    form = GapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            gap = services.gap_create(
                team=team,
                raised_by=request.user,
                title=data["title"],
                description=data["description"],
                source=data["source"],
                code_areas=areas_from_text(data["code_areas"]),
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Added to the backlog.")
            return redirect("gaps:gap", gap.pk)
    return render(request, "gaps/gap_form.html", {"form": form, "team": team})


@login_required
@require_safe
def gap_detail(request: AuthedRequest, gap_id: int) -> HttpResponse:
    access = get_gap_access(request.user, gap_id, GapAction.VIEW)
    gap = access.obj
    can_triage = access.allows(TeamAction.FACILITATE)
    upcoming = []
    if can_triage:
        upcoming = list(
            Session.objects.filter(team=gap.team)
            .exclude(status=SessionStatus.CANCELLED)
            .exclude(gaps=gap)
            .order_by("-starts_at")
            .values_list("pk", "title", "starts_at")[:50]
        )
    page = gap_page(gap, request.user)
    context = {
        "team": access.team,
        "gap": gap,
        "page": page,
        "my_offer": next((o for o in page.offers if o.person_id == request.user.pk), None),
        "can_triage": can_triage,
        "can_edit": may_edit_text(access, request.user),
        "status_form": StatusForm(initial={"status": gap.status}),
        "merge_form": MergeForm(),
        "offer_form": OfferForm(),
        "link_form": LinkSessionForm(
            sessions=[(pk, f"{title} ({starts:%Y-%m-%d})") for pk, title, starts in upcoming]
        ),
    }
    return render(request, "gaps/gap.html", context)


@login_required
@require_GET_or_POST
def gap_edit(request: AuthedRequest, gap_id: int) -> HttpResponse:
    access = get_gap_access(request.user, gap_id, GapAction.VIEW)
    gap = access.obj
    if not may_edit_text(access, request.user):
        get_gap_access(request.user, gap_id, GapAction.TRIAGE)  # refuses with the reason
    can_triage = access.allows(TeamAction.FACILITATE)
    initial = {
        "title": gap.title,
        "description": gap.description,
        "code_areas": "\n".join(gap.code_areas),
        "importance": gap.importance,
    }
    form = GapEditForm(request.POST or None, initial=initial, can_triage=can_triage)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.gap_update(
                gap=gap,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                code_areas=areas_from_text(data["code_areas"]),
                importance=data.get("importance") if can_triage else None,
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Saved.")
            return redirect("gaps:gap", gap.pk)
    return render(request, "gaps/gap_form.html", {"form": form, "team": gap.team, "gap": gap})


@login_required
@require_POST
def gap_status(request: AuthedRequest, gap_id: int) -> HttpResponse:
    gap = get_gap_for_user(request.user, gap_id, GapAction.TRIAGE)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.gap_set_status(
                gap=gap,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Status changed.")
    else:
        messages.error(request, "Pick a status.")
    return redirect("gaps:gap", gap.pk)


@login_required
@require_POST
def gap_vote(request: AuthedRequest, gap_id: int) -> HttpResponse:
    gap = get_gap_for_user(request.user, gap_id, GapAction.VOTE)
    vote = request.POST.get("vote") != "0"
    try:
        count = services.gap_vote(gap=gap, voter=request.user, vote=vote)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=409)
        messages.error(request, " ".join(error.messages))
        return redirect("gaps:gap", gap.pk)
    if request.htmx:
        context = {"gap_id": gap.pk, "votes": count, "voted": vote, "title": gap.title}
        return render(request, "gaps/_vote.html", context)
    if request.POST.get("next") == "backlog":
        return redirect("gaps:backlog", gap.team_id)
    return redirect("gaps:gap", gap.pk)


@login_required
@require_POST
def gap_merge(request: AuthedRequest, gap_id: int) -> HttpResponse:
    duplicate = get_gap_for_user(request.user, gap_id, GapAction.TRIAGE)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the number of the gap to merge into.")
        return redirect("gaps:gap", duplicate.pk)
    try:
        into = get_gap_for_user(request.user, request.POST.get("into"), GapAction.TRIAGE)
    except Http404:
        messages.error(request, f"There is no gap #{form.cleaned_data['into']} you can merge into.")
        return redirect("gaps:gap", duplicate.pk)
    try:
        target = services.gap_merge(duplicate=duplicate, into=into, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("gaps:gap", duplicate.pk)
    messages.success(request, f"Merged #{duplicate.pk} into this gap; votes and offers moved.")
    return redirect("gaps:gap", target.pk)


@login_required
@require_POST
def gap_offer(request: AuthedRequest, gap_id: int) -> HttpResponse:
    gap = get_gap_for_user(request.user, gap_id, GapAction.VOTE)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_create(
                team=gap.team, person=request.user, gap=gap, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thanks! Your offer to teach shows on the gap.")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
    return redirect("gaps:gap", gap.pk)


@login_required
@require_POST
def topic_offer(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_access(request.user, team_id, TeamAction.VIEW).team
    form = TopicOfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_create(
                team=team,
                person=request.user,
                topic=form.cleaned_data["topic"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your offer to teach is on the backlog.")
    else:
        messages.error(request, "Name the topic you want to teach.")
    return redirect("gaps:backlog", team.pk)


@login_required
@require_POST
def offer_withdraw(request: AuthedRequest, offer_id: int) -> HttpResponse:
    offer = get_own_offer(request.user, offer_id)
    services.offer_withdraw(offer=offer, person=request.user)
    messages.success(request, "Offer taken back.")
    if offer.gap is not None:
        return redirect("gaps:gap", offer.gap.pk)
    return redirect("gaps:backlog", offer.team_id)


@login_required
@require_POST
def gap_link_session(request: AuthedRequest, gap_id: int) -> HttpResponse:
    gap = get_gap_for_user(request.user, gap_id, GapAction.TRIAGE)
    try:
        session = get_session_for_user(
            request.user, request.POST.get("session"), SessionAction.EDIT
        )
    except Http404:
        messages.error(request, "Pick one of the team's sessions to link.")
        return redirect("gaps:gap", gap.pk)
    try:
        services.gap_link_session(gap=gap, session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Linked to “{session.title}”.")
    return redirect("gaps:gap", gap.pk)


@login_required
@require_POST
def gap_unlink_session(request: AuthedRequest, gap_id: int, session_id: int) -> HttpResponse:
    gap = get_gap_for_user(request.user, gap_id, GapAction.TRIAGE)
    session = get_session_for_user(request.user, session_id, SessionAction.EDIT)
    services.gap_unlink_session(gap=gap, session=session, actor=request.user)
    messages.success(request, "Unlinked.")
    return redirect("gaps:gap", gap.pk)
