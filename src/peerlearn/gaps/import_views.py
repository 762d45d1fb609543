"""Imports: a retrospective export (CSV: upload, map the columns, import; or a Markdown
bullet list) into the backlog, and a tracker export for the recurring-bugs signal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render

from peerlearn.engines.gaps.imports.markdown_list import parse_markdown_bullets
from peerlearn.engines.gaps.imports.problems import ImportProblems
from peerlearn.engines.gaps.imports.retro_csv import (
    ColumnMapping,
    csv_columns,
    guess_mapping,
    parse_retro_csv,
)
from peerlearn.engines.gaps.imports.trackers import PARSERS
from peerlearn.gaps import import_services, source_services
from peerlearn.gaps.access import get_own_pending_import
from peerlearn.gaps.forms import (
    HAND_SOURCES,
    MAX_UPLOAD_BYTES,
    TRACKER_MAX_BYTES,
    ImportUploadForm,
)
from peerlearn.gaps.tasks import refresh_team_signals
from peerlearn.gaps.views import team_nav
from peerlearn.people.access import get_team_access
from peerlearn.people.models import Team
from peerlearn.people.roles import TeamAction
from peerlearn.validation import HardenedFormMixin
from peerlearn.web.http import AuthedRequest, require_GET_or_POST


class MappingForm(HardenedFormMixin, forms.Form):
    source = forms.ChoiceField(choices=HAND_SOURCES)

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((c, c) for c in columns)]
        for field in ("title", "description", "votes", "category"):
            self.fields[field] = forms.ChoiceField(
                choices=choices, required=field == "title", label=f"{field.title()} column"
            )
        self.order_fields(["title", "description", "votes", "category", "source"])


def _upload_bytes(form: ImportUploadForm) -> tuple[str, bytes]:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return upload.name or "upload", upload.read(MAX_UPLOAD_BYTES + 1)
    return "pasted text", form.cleaned_data.get("text", "").encode()


def _refused(form: forms.Form, error: ImportProblems | ValidationError) -> None:
    problems = error.problems if isinstance(error, ImportProblems) else error.messages
    for problem in problems:
        form.add_error(None, str(problem))


@login_required
@require_GET_or_POST
def gaps_import(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.FACILITATE)
    team = access.team
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = _upload_bytes(form)
        source = form.cleaned_data["source"]
        try:
            if form.cleaned_data["kind"] == "markdown":
                text = data.decode("utf-8-sig", errors="strict")
                items = parse_markdown_bullets(text)
                return _import(request, team, items, source=source, origin=name)
            csv_columns(data)  # refuses an unreadable file before it is kept
            pending = import_services.pending_import_create(
                team=team, uploaded_by=request.user, file_name=name, data=data
            )
        except UnicodeDecodeError as error:
            form.add_error(None, f"The text is not UTF-8 (byte {error.start + 1}).")
        except (ImportProblems, ValidationError) as error:
            _refused(form, error)
        else:
            return redirect("gaps:import_columns", pending.pk)
    context = {**team_nav(access), "form": form}
    return render(request, "gaps/import.html", context)


def _import(
    request: AuthedRequest, team: Team, items: list[Any], *, source: str, origin: str
) -> HttpResponse:
    created = source_services.gaps_import(
        team=team, actor=request.user, items=items, source=source, origin=origin
    )
    messages.success(request, f"Imported {len(created)} gaps from {origin}.")
    return redirect("gaps:backlog", team.pk)


@login_required
@require_GET_or_POST
def import_columns(request: AuthedRequest, pending_id: int) -> HttpResponse:
    pending = get_own_pending_import(request.user, pending_id)
    access = get_team_access(request.user, pending.team_id, TeamAction.FACILITATE)
    data = bytes(pending.data)
    columns = csv_columns(data)
    initial = {**guess_mapping(columns), "source": "retrospective"}
    form = MappingForm(request.POST or None, columns=columns, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data
        mapping = ColumnMapping(
            title=chosen["title"],
            description=chosen["description"] or None,
            votes=chosen["votes"] or None,
            category=chosen["category"] or None,
        )
        try:
            items = parse_retro_csv(data, mapping)
            with transaction.atomic():
                response = _import(
                    request, access.team, items, source=chosen["source"], origin=pending.file_name
                )
                pending.delete()
            return response
        except (ImportProblems, ValidationError) as error:
            _refused(form, error)
    context = {**team_nav(access), "form": form, "pending": pending, "columns": columns}
    return render(request, "gaps/import_columns.html", context)


class TrackerImportForm(HardenedFormMixin, forms.Form):
    KINDS = [
        ("github", "GitHub issues (JSON from the API or `gh issue list --json`)"),
        ("gitlab", "GitLab issues (“Export as CSV”, or issues.ndjson of a project export)"),
        ("jira", "Jira (“Export CSV (all fields)”)"),
    ]
    kind = forms.ChoiceField(choices=KINDS, widget=forms.RadioSelect, initial="github")
    file = forms.FileField(help_text="At most 20 MB.")


@login_required
@require_GET_or_POST
def tracker_import(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id, TeamAction.FACILITATE)
    form = TrackerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > TRACKER_MAX_BYTES:
            form.add_error("file", f"The file is {upload.size:,} bytes; at most 20 MB.")
        else:
            try:
                issues = PARSERS[form.cleaned_data["kind"]](upload.read())
                new, updated = import_services.tracker_issues_import(
                    team=access.team, actor=request.user, issues=issues, origin=upload.name or ""
                )
            except (ImportProblems, ValidationError) as error:
                _refused(form, error)
            else:
                team_id_ = access.team.pk
                transaction.on_commit(lambda: refresh_team_signals.enqueue(team_id_))
                messages.success(
                    request,
                    f"{new} new issues, {updated} brought up to date; recurring bugs are "
                    "being looked for (see Suggestions).",
                )
                return redirect("gaps:backlog", access.team.pk)
    context = {**team_nav(access), "form": form}
    return render(request, "gaps/tracker_import.html", context)
