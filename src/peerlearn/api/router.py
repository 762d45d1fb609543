"""The REST API (django-ninja). Every endpoint uses the same access functions as the UI."""

from __future__ import annotations

from ninja import NinjaAPI

from peerlearn.api.auth import API_AUTH
from peerlearn.api.endpoints import (
    audit,
    capture,
    chat,
    gap_duplicates,
    gap_imports,
    gap_sources,
    gaps,
    kb,
    me,
    members,
    occurrences,
    planning,
    recordings,
    repositories,
    repository_writes,  # noqa: F401  (on repositories.router)
    search,
    series,
    session_people,
    sessions,
    teams,
)
from peerlearn.api.errors import install_error_handlers

api = NinjaAPI(
    title="peerlearn API",
    version="1",
    description=(
        "Teams, people, sessions, series, repositories, session capture (notes, action items, "
        "recordings, transcripts) and the peer-learning program. "
        "Authenticate with a personal API token (`Authorization: Bearer pl_…`, create one "
        "at /account/tokens/) or, from "
        "the browser, with your session (unsafe methods then need the `X-CSRFToken` "
        'header). Errors are `{"detail": …}`; see docs/api.md.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
)
# /api/docs is ninja's swagger-ui from its own static files; it runs under the site's strict
# CSP unchanged (no inline script or style is needed), so it gets no csp_override.
# tests/api/test_docs_browser.py checks that in Chromium.
install_error_handlers(api)
api.add_router("", me.router)
api.add_router("", teams.router)
api.add_router("", members.router)
api.add_router("", sessions.router)
api.add_router("", session_people.router)
api.add_router("", series.router)
api.add_router("", occurrences.router)
api.add_router("", repositories.router)
api.add_router("", gaps.router)
api.add_router("", gap_sources.router)
api.add_router("", gap_imports.router)
api.add_router("", gap_duplicates.router)
api.add_router("", kb.router)
api.add_router("", chat.router)
api.add_router("", capture.router)
api.add_router("", recordings.router)
api.add_router("", planning.router)
api.add_router("", search.router)
api.add_router("", audit.router)
