"""Knowledge pages: a team's repositories, one repository's map, its people and tree."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from peerlearn.knowledge import pages, services, treemaps
from peerlearn.knowledge.access import get_repository_access, get_repository_for_user
from peerlearn.knowledge.forms import RepositoryCreateForm, RepositoryOptionsForm
from peerlearn.knowledge.models import Repository
from peerlearn.knowledge.options import OPTION_FIELDS
from peerlearn.knowledge.result import Overview, StoredMap
from peerlearn.knowledge.selectors import (
    RepositoryRuns,
    account_names,
    repository_runs,
    team_repositories,
)
from peerlearn.people.access import get_team_access, get_team_for_user
from peerlearn.people.models import Team
from peerlearn.people.roles import TeamAction
from peerlearn.web.http import AuthedRequest, require_GET_or_POST


@login_required
@require_safe
def team_repositories_page(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.VIEW)
    context = {
        "team": access.team,
        "repositories": list(team_repositories(access.team)),
        "can_facilitate": access.allows(TeamAction.FACILITATE),
    }
    return render(request, "knowledge/team_repositories.html", context)


@login_required
@require_GET_or_POST
def repository_create(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, TeamAction.FACILITATE)
    form = RepositoryCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            repository = services.repository_create(
                team=team,
                created_by=request.user,
                name=data["name"],
                kind=data["kind"],
                location=data["location"],
                **{name: data[name] for name in OPTION_FIELDS},
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, f"{repository.name} is registered; its analysis is queued.")
            return redirect("knowledge:repository", repository.pk)
    # Facilitators register local paths, so they are told where the server may read.
    roots = list(settings.KNOWLEDGE_REPOSITORY_ROOTS)
    context = {"form": form, "team": team, "roots": roots}
    return render(request, "knowledge/repository_form.html", context)


@login_required
@require_GET_or_POST
def repository_settings(request: AuthedRequest, repository_id: int) -> HttpResponse:
    repository = get_repository_for_user(request.user, repository_id, TeamAction.FACILITATE)
    initial = {"name": repository.name, **{n: getattr(repository, n) for n in OPTION_FIELDS}}
    form = RepositoryOptionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.repository_update(
                repository=repository,
                requested_by=request.user,
                name=data["name"],
                **{name: data[name] for name in OPTION_FIELDS},
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, "Saved; the map is being rebuilt with these options.")
            return redirect("knowledge:repository", repository.pk)
    context = {"form": form, "team": repository.team, "repository": repository}
    return render(request, "knowledge/repository_form.html", context)


@login_required
@require_POST
def repository_analyse(request: AuthedRequest, repository_id: int) -> HttpResponse:
    repository = get_repository_for_user(request.user, repository_id, TeamAction.FACILITATE)
    services.analysis_request(repository=repository, requested_by=request.user)
    messages.success(request, "Analysis queued: new commits will be read.")
    return redirect("knowledge:repository", repository.pk)


@login_required
@require_GET_or_POST
def repository_delete(request: AuthedRequest, repository_id: int) -> HttpResponse:
    repository = get_repository_for_user(request.user, repository_id, TeamAction.FACILITATE)
    if request.method == "POST":
        team = repository.team
        name = repository.name
        services.repository_delete(repository=repository, deleted_by=request.user)
        messages.success(request, f"{name} and its analyses are deleted.")
        return redirect("knowledge:team_repositories", team.pk)
    return render(request, "knowledge/repository_delete.html", {"repository": repository})


def _map_context(
    repository: Repository, *, with_map: bool = True, with_overview: bool = False
) -> dict[str, Any]:
    runs = repository_runs(repository, with_map=with_map, with_overview=with_overview)
    return {"repository": repository, "team": repository.team, "runs": runs}


def _names(stored: StoredMap | Overview, team: Team) -> pages.Names:
    return pages.Names(stored, account_names(team, pages.emails_of(stored)))


@login_required
@require_safe
def repository_detail(request: AuthedRequest, repository_id: int) -> HttpResponse:
    access = get_repository_access(request.user, repository_id, TeamAction.VIEW)
    leaving = request.GET.getlist("leave")
    # The whole map only to answer "what if people leave?"; the page reads the overview.
    context = _map_context(access.obj, with_map=bool(leaving), with_overview=not request.htmx)
    context["can_facilitate"] = access.allows(TeamAction.FACILITATE)
    runs: RepositoryRuns = context["runs"]
    if runs.map is not None:
        context["what_if"] = pages.what_if_view(
            runs.map, _names(runs.map, access.obj.team), leaving
        )
        context["leaving"] = set(leaving)
    if request.htmx:  # the what-if form asks for its result only
        return render(request, "knowledge/repository.html#what-if-result", context)
    overview = runs.overview
    if overview is not None:
        names = _names(overview, access.obj.team)
        context.update(
            overview=overview.data,
            truck=pages.truck_factor(overview, names),
            tree=pages.directory_tree(overview, names),
            islands=pages.islands(overview, names),
            summary=pages.summary(overview, names),
            people=pages.people(overview, names),
        )
    return render(request, "knowledge/repository.html", context)


@login_required
@require_safe
def repository_person(request: AuthedRequest, repository_id: int) -> HttpResponse:
    access = get_repository_access(request.user, repository_id, TeamAction.VIEW)
    context = _map_context(access.obj)
    context["can_facilitate"] = access.allows(TeamAction.FACILITATE)
    key = request.GET.get("key", "")
    stored = context["runs"].map
    if stored is None or key not in stored.people:
        raise Http404("No such person in this repository's map.")
    context["areas"] = pages.person_areas(stored, _names(stored, access.obj.team), key)
    return render(request, "knowledge/person.html", context)


@login_required
@require_safe
def repository_files(request: AuthedRequest, repository_id: int) -> HttpResponse:
    access = get_repository_access(request.user, repository_id, TeamAction.VIEW)
    context = _map_context(access.obj)
    context["can_facilitate"] = access.allows(TeamAction.FACILITATE)
    path = request.GET.get("dir", "").strip("/")
    stored = context["runs"].map
    if stored is None or path not in stored.directories:
        raise Http404("No such directory in this repository's map.")
    names = _names(stored, access.obj.team)
    context["listing"] = pages.directory_listing(stored, names, path)
    base = reverse("knowledge:files", args=[access.obj.pk])

    def link(directory: str) -> str:
        return f"{base}?{urlencode({'dir': directory})}"

    context["treemaps"] = [
        (treemaps.directory_treemap(stored, names, path, link), "treemap-desktop"),
        (
            treemaps.directory_treemap(
                stored, names, path, link, width=360, height=480, limit=16, inner_limit=0
            ),
            "treemap-phone",
        ),
    ]
    return render(request, "knowledge/files.html", context)
