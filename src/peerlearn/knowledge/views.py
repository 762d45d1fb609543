"""Knowledge pages: a team's repositories, one repository's map, its people and tree."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from peerlearn.knowledge import pages, services
from peerlearn.knowledge.access import get_repository_access, get_repository_for_user
from peerlearn.knowledge.forms import RepositoryCreateForm, RepositoryOptionsForm
from peerlearn.knowledge.models import Repository
from peerlearn.knowledge.options import OPTION_FIELDS
from peerlearn.knowledge.selectors import account_names, repository_runs, team_repositories
from peerlearn.people.access import get_team_access, get_team_for_user
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
    return render(request, "knowledge/repository_form.html", {"form": form, "team": team})


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


def _map_context(repository: Repository) -> tuple[dict[str, Any], pages.Names | None]:
    runs = repository_runs(repository)
    context: dict[str, Any] = {"repository": repository, "team": repository.team, "runs": runs}
    if runs.map is None:
        return context, None
    names = pages.Names(runs.map, account_names(repository.team))
    return context, names


@login_required
@require_safe
def repository_detail(request: AuthedRequest, repository_id: int) -> HttpResponse:
    access = get_repository_access(request.user, repository_id, TeamAction.VIEW)
    context, names = _map_context(access.obj)
    context["can_facilitate"] = access.allows(TeamAction.FACILITATE)
    leaving = request.GET.getlist("leave")
    stored = context["runs"].map
    if stored is not None and names is not None:
        context["what_if"] = pages.what_if_view(stored, names, leaving)
        context["leaving"] = set(leaving)
    if request.htmx:  # the what-if form asks for its result only
        return render(request, "knowledge/repository.html#what-if-result", context)
    if stored is not None and names is not None:
        context.update(
            truck=pages.truck_factor(stored, names),
            tree=pages.directory_tree(stored, names),
            islands=pages.islands(stored, names),
            people=pages.people(stored, names),
            root=stored.directories.get(""),
        )
    return render(request, "knowledge/repository.html", context)


@login_required
@require_safe
def repository_person(request: AuthedRequest, repository_id: int) -> HttpResponse:
    access = get_repository_access(request.user, repository_id, TeamAction.VIEW)
    context, names = _map_context(access.obj)
    context["can_facilitate"] = access.allows(TeamAction.FACILITATE)
    key = request.GET.get("key", "")
    stored = context["runs"].map
    if stored is None or names is None or key not in stored.people:
        raise Http404("No such person in this repository's map.")
    context["areas"] = pages.person_areas(stored, names, key)
    return render(request, "knowledge/person.html", context)


@login_required
@require_safe
def repository_files(request: AuthedRequest, repository_id: int) -> HttpResponse:
    access = get_repository_access(request.user, repository_id, TeamAction.VIEW)
    context, names = _map_context(access.obj)
    context["can_facilitate"] = access.allows(TeamAction.FACILITATE)
    path = request.GET.get("dir", "").strip("/")
    stored = context["runs"].map
    if stored is None or names is None or path not in stored.directories:
        raise Http404("No such directory in this repository's map.")
    context["listing"] = pages.directory_listing(stored, names, path)
    return render(request, "knowledge/files.html", context)
