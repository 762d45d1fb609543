"""The knowledge base's pages: publish a session's page, browse a team's, read one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from peerlearn.capture.access import CaptureAction, get_capture_access
from peerlearn.capture.models import SessionNotes
from peerlearn.engines.capture.action_lines import parse_action_lines
from peerlearn.engines.schedule import formats
from peerlearn.gaps.models import Gap
from peerlearn.kb import rules, services
from peerlearn.kb.access import get_kb_page_access
from peerlearn.kb.export import export_zip
from peerlearn.kb.forms import PublishForm
from peerlearn.kb.models import KbPage
from peerlearn.kb.selectors import Filters, proposal, team_pages, team_tags, team_teachers
from peerlearn.kb.staleness import pages_staleness
from peerlearn.people.access import get_team_access
from peerlearn.people.models import Membership
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.models import FORMAT_CHOICES, Session
from peerlearn.validation import parse_id
from peerlearn.web.http import AuthedRequest, query_text, require_GET_or_POST

PAGES_PER_PAGE = 30


def _initial(session: Session) -> dict[str, object]:
    page = KbPage.objects.filter(session=session).first()
    gaps = list(Gap.objects.filter(sessions=session).only("code_areas"))
    areas = sorted({area for gap in gaps for area in gap.code_areas})
    if page is not None:
        return {
            "title": page.title,
            "summary": page.summary,
            "takeaways": "\n".join(page.takeaways),
            "tags": ", ".join(page.tags),
            "code_areas": "\n".join(page.code_areas),
            "open_to_organisation": page.open_to_organisation,
        }
    proposed = proposal(session)
    lines = [
        f"- [ ] @{item.owner.username} {item.text}" if item.owner else f"- [ ] {item.text}"
        for item in proposed.actions
    ]
    return {
        "title": session.title,
        "takeaways": "\n".join(proposed.takeaways),
        "action_items": "\n".join(lines),
        "code_areas": "\n".join(areas),
    }


def _confirmed_actions(session: Session, text: str) -> list[services.ConfirmedAction]:
    parsed = parse_action_lines(text)
    if parsed.problems:
        problem = parsed.problems[0]
        raise ValidationError({"action_items": [f"Line {problem.line}: {problem.message}"]})
    usernames = {line.mention.casefold() for line in parsed.items if line.mention}
    members = {
        m.user.username.casefold(): m.user
        for m in Membership.objects.filter(team=session.team).select_related("user")
        if m.user.username.casefold() in usernames
    }
    actions = []
    for line in parsed.items:
        owner = members.get(line.mention.casefold()) if line.mention else None
        if line.mention and owner is None:
            raise ValidationError(
                {
                    "action_items": [
                        f"Line {line.line}: nobody in the team is called @{line.mention}."
                    ]
                }
            )
        actions.append(services.ConfirmedAction(line.text, owner))
    return actions


@login_required
@require_GET_or_POST
def publish(request: AuthedRequest, session_id: int) -> HttpResponse:
    access = get_capture_access(request.user, session_id, CaptureAction.MANAGE)
    session = access.obj
    existing = KbPage.objects.filter(session=session).first()
    form = PublishForm(
        request.POST or None, initial=_initial(session) if not request.POST else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            published = services.kb_page_publish(
                session=session,
                actor=request.user,
                title=data["title"],
                summary=data["summary"],
                takeaways=data["takeaways"].splitlines(),
                tags=rules.split_list(data["tags"]),
                code_areas=data["code_areas"].splitlines(),
                open_to_organisation=data["open_to_organisation"],
                action_items=_confirmed_actions(session, data["action_items"]),
            )
        except ValidationError as error:
            form.attach(error)
        else:
            made = len(published.action_items)
            messages.success(
                request,
                ("Published." if published.created else "Page updated.")
                + (f" {made} action item(s) created." if made else ""),
            )
            return redirect("kb:page", published.page.pk)
    context = {"session": session, "team": access.team, "form": form, "existing": existing}
    return render(request, "kb/publish.html", context)


def _filters(request: AuthedRequest) -> Filters:
    person = request.GET.get("person", "")
    try:
        person_id = parse_id(person, what="person") if person else None
    except Exception:
        person_id = None
    return Filters(
        tag=query_text(request, "tag", max_length=40),
        area=query_text(request, "area", max_length=300),
        format=query_text(request, "format", max_length=40),
        person=person_id,
    )


@login_required
@require_safe
def team_index(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id)
    filters = _filters(request)
    pages = Paginator(team_pages(access.team, filters), PAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "team": access.team,
        "pages": pages,
        "stale": {k for k, v in pages_staleness(access.team, list(pages)).items() if v.stale},
        "filters": filters,
        "tags": team_tags(access.team),
        "teachers": team_teachers(access.team),
        "formats": FORMAT_CHOICES,
    }
    return render(request, "kb/index.html", context)


@login_required
@require_safe
def page_detail(request: AuthedRequest, page_id: int) -> HttpResponse:
    access = get_kb_page_access(request.user, page_id, TeamAction.VIEW)
    page = access.obj
    notes = SessionNotes.objects.filter(session_id=page.session_id).first()
    context = {
        "page": page,
        "team": access.team,
        "teachers": list(page.teachers.all()),
        "gaps": list(Gap.objects.filter(sessions=page.session_id).only("pk", "title", "status")),
        "diagrams": _diagrams(notes.body if notes else ""),
        "can_edit": access.allows(TeamAction.FACILITATE),
        "format_name": formats.get_format(page.format).name,
        "staleness": pages_staleness(access.team, [page]).get(page.pk),
    }
    return render(request, "kb/page.html", context)


def _diagrams(notes: str) -> str:
    """The notes' Mermaid blocks, as Markdown again: the page shows the pictures."""
    blocks: list[str] = []
    inside: list[str] | None = None
    for line in notes.splitlines():
        if inside is None and line.strip().startswith("```mermaid"):
            inside = []
        elif inside is not None and line.strip().startswith("```"):
            blocks.append("```mermaid\n" + "\n".join(inside) + "\n```")
            inside = None
        elif inside is not None:
            inside.append(line)
    return "\n\n".join(blocks)


@login_required
@require_POST
def page_remove(request: AuthedRequest, page_id: int) -> HttpResponse:
    access = get_kb_page_access(request.user, page_id, TeamAction.FACILITATE)
    team_id = access.team.pk
    services.kb_page_remove(page=access.obj, actor=request.user)
    messages.success(request, "The page is removed from the knowledge base.")
    return redirect("kb:index", team_id)


@login_required
@require_safe
def team_export(request: AuthedRequest, team_id: int) -> HttpResponse:
    """The team's pages as a zip: Markdown with front matter, or a static HTML site."""
    access = get_team_access(request.user, team_id)
    format = request.GET.get("format", "markdown")
    if format not in ("markdown", "html", "wiki"):
        format = "markdown"
    data = export_zip(
        organisation_id=access.team.organisation_id, team_id=access.team.pk, format=format
    )
    name = f"{slugify(access.team.name) or 'team'}-knowledge-base-{format}.zip"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
