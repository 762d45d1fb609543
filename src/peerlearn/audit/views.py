"""The manage area's records: the audit log (filtered, paginated) and the items
background jobs skipped. Both read-only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peerlearn.audit.access import require_audit_viewer
from peerlearn.audit.forms import AuditFilterForm
from peerlearn.audit.selectors import (
    audit_actions,
    audit_actors,
    audit_events_filtered,
    item_failures_for_admin,
)
from peerlearn.web.http import AuthedRequest

EVENTS_PER_PAGE = 50
FAILURES_PER_PAGE = 50


@require_GET
@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    require_audit_viewer(request.user)
    viewer = request.user
    form = AuditFilterForm(
        request.GET or None, actions=audit_actions(viewer), actors=audit_actors(viewer)
    )
    events = audit_events_filtered(viewer, form.audit_filter())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    # The filter, kept in the pager's links.
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "form": form,
        "page": page,
        "query": urlencode(kept),
        "show_organisation": viewer.is_operator,
    }
    return render(request, "audit/audit_log.html", context)


@require_GET
@login_required
def skipped_items(request: AuthedRequest) -> HttpResponse:
    """What reminders, invitations, feeds and analyses could not do, item by item."""
    require_audit_viewer(request.user)
    failures = item_failures_for_admin(request.user).select_related("organisation")
    page = Paginator(failures, FAILURES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "show_organisation": request.user.is_operator}
    return render(request, "audit/skipped_items.html", context)
