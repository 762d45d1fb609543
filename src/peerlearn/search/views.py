"""The search results page of a team: what its knowledge base, notes and transcripts say."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from peerlearn.people.access import get_team_access
from peerlearn.search.models import EntryKind
from peerlearn.search.selectors import MAX_OFFSET, search
from peerlearn.web.http import AuthedRequest, query_text

PER_PAGE = 20
QUERY_MAX = 500
MAX_PAGE = MAX_OFFSET // PER_PAGE + 1


def _page_number(request: AuthedRequest) -> int:
    text = query_text(request, "page", max_length=8)
    number = int(text) if text.isascii() and text.isdigit() else 1
    return max(1, min(MAX_PAGE, number))


@login_required
@require_safe
def team_search(request: AuthedRequest, team_id: int) -> HttpResponse:
    access = get_team_access(request.user, team_id)
    text = query_text(request, "q", max_length=QUERY_MAX).strip()
    kinds = [kind for kind in request.GET.getlist("kind") if kind in EntryKind.values]
    number = _page_number(request)
    results = (
        search(
            query=text,
            team_ids=[access.team.pk],
            kinds=kinds,
            limit=PER_PAGE,
            offset=(number - 1) * PER_PAGE,
        )
        if text
        else None
    )

    def link(page: int) -> str:
        pairs = [("q", text), *(("kind", kind) for kind in kinds), ("page", str(page))]
        return "?" + urlencode(pairs)

    context = {
        "team": access.team,
        "q": text,
        "kinds": kinds,
        "kind_choices": EntryKind.choices,
        "results": results,
        "page_number": number,
        "previous_url": link(number - 1) if number > 1 else "",
        "next_url": link(number + 1) if results and results.has_more and number < MAX_PAGE else "",
    }
    return render(request, "search/results.html", context)
