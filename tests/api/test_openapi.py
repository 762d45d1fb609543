"""The OpenAPI document: loads, lists every endpoint, declares how to authenticate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import json_of

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/me"),
    ("get", "/api/teams"),
    ("get", "/api/teams/{team_id}"),
    ("get", "/api/teams/{team_id}/members"),
    ("put", "/api/teams/{team_id}/members/{user_id}"),
    ("delete", "/api/teams/{team_id}/members/{user_id}"),
    ("get", "/api/teams/{team_id}/sessions"),
    ("post", "/api/teams/{team_id}/sessions"),
    ("get", "/api/sessions/{session_id}"),
    ("patch", "/api/sessions/{session_id}"),
    ("post", "/api/sessions/{session_id}/cancel"),
    ("put", "/api/sessions/{session_id}/rsvp"),
    ("get", "/api/sessions/{session_id}/roles"),
    ("put", "/api/sessions/{session_id}/roles"),
    ("get", "/api/sessions/{session_id}/attendance"),
    ("put", "/api/sessions/{session_id}/attendance"),
    ("get", "/api/teams/{team_id}/series"),
    ("post", "/api/teams/{team_id}/series"),
    ("get", "/api/series/{series_id}"),
    ("post", "/api/series/{series_id}/cancel"),
    ("patch", "/api/series/{series_id}"),
    ("post", "/api/series/{series_id}/skips"),
    ("delete", "/api/series/{series_id}/skips/{skip_id}"),
    ("put", "/api/series/{series_id}/occurrences/{occurrence}/rsvp"),
    ("patch", "/api/series/{series_id}/occurrences/{occurrence}"),
    ("post", "/api/series/{series_id}/occurrences/{occurrence}/cancel"),
    ("put", "/api/series/{series_id}/occurrences/{occurrence}/facilitator"),
    ("get", "/api/teams/{team_id}/repositories"),
    ("post", "/api/teams/{team_id}/repositories"),
    ("get", "/api/repositories/{repository_id}"),
    ("patch", "/api/repositories/{repository_id}"),
    ("delete", "/api/repositories/{repository_id}"),
    ("post", "/api/repositories/{repository_id}/analyses"),
    ("get", "/api/teams/{team_id}/gaps"),
    ("post", "/api/teams/{team_id}/gaps"),
    ("post", "/api/teams/{team_id}/anonymous-asks"),
    ("get", "/api/gaps/{gap_id}"),
    ("patch", "/api/gaps/{gap_id}"),
    ("post", "/api/gaps/{gap_id}/status"),
    ("put", "/api/gaps/{gap_id}/vote"),
    ("delete", "/api/gaps/{gap_id}/vote"),
    ("post", "/api/gaps/{gap_id}/merge"),
    ("post", "/api/gaps/{gap_id}/offers"),
    ("get", "/api/teams/{team_id}/offers"),
    ("post", "/api/teams/{team_id}/offers"),
    ("delete", "/api/offers/{offer_id}"),
    ("put", "/api/gaps/{gap_id}/sessions/{session_id}"),
    ("delete", "/api/gaps/{gap_id}/sessions/{session_id}"),
    ("get", "/api/teams/{team_id}/gap-suggestions"),
    ("post", "/api/gap-suggestions/{suggestion_id}/accept"),
    ("post", "/api/gap-suggestions/{suggestion_id}/dismiss"),
    ("post", "/api/teams/{team_id}/gap-suggestions/refresh"),
    ("get", "/api/teams/{team_id}/onboarding-steps"),
    ("post", "/api/teams/{team_id}/onboarding-steps"),
    ("delete", "/api/onboarding-steps/{step_id}"),
    ("put", "/api/onboarding-steps/{step_id}/mark"),
    ("get", "/api/teams/{team_id}/post-mortems"),
    ("post", "/api/teams/{team_id}/post-mortems"),
    ("get", "/api/teams/{team_id}/one-on-one-notes"),
    ("post", "/api/teams/{team_id}/one-on-one-notes"),
    ("post", "/api/one-on-one-notes/{note_id}/gap"),
    ("delete", "/api/one-on-one-notes/{note_id}"),
    ("post", "/api/teams/{team_id}/gap-imports"),
    ("post", "/api/teams/{team_id}/tracker-imports"),
    ("get", "/api/teams/{team_id}/gaps/similar"),
    ("get", "/api/teams/{team_id}/gaps/duplicates"),
    ("get", "/api/teams/{team_id}/kb-pages"),
    ("get", "/api/kb-pages/{page_id}"),
    ("delete", "/api/kb-pages/{page_id}"),
    ("get", "/api/teams/{team_id}/chat-webhooks"),
    ("post", "/api/teams/{team_id}/chat-webhooks"),
    ("patch", "/api/chat-webhooks/{webhook_id}"),
    ("delete", "/api/chat-webhooks/{webhook_id}"),
    ("post", "/api/chat-webhooks/{webhook_id}/test"),
    ("get", "/api/teams/{team_id}/chat-deliveries"),
    ("get", "/api/sessions/{session_id}/kb-proposal"),
    ("put", "/api/sessions/{session_id}/kb-page"),
    ("get", "/api/sessions/{session_id}/notes"),
    ("put", "/api/sessions/{session_id}/notes"),
    ("get", "/api/sessions/{session_id}/notes/revisions"),
    ("get", "/api/sessions/{session_id}/action-items"),
    ("post", "/api/sessions/{session_id}/action-items"),
    ("get", "/api/action-items/{item_id}"),
    ("patch", "/api/action-items/{item_id}"),
    ("post", "/api/action-items/{item_id}/close"),
    ("post", "/api/action-items/{item_id}/reopen"),
    ("get", "/api/teams/{team_id}/action-items"),
    ("get", "/api/me/action-items"),
    ("get", "/api/sessions/{session_id}/consent"),
    ("put", "/api/sessions/{session_id}/consent/me"),
    ("get", "/api/sessions/{session_id}/recording"),
    ("post", "/api/sessions/{session_id}/recording/link"),
    ("post", "/api/sessions/{session_id}/recording/upload"),
    ("get", "/api/sessions/{session_id}/recording/file"),
    ("delete", "/api/sessions/{session_id}/recording"),
    ("get", "/api/sessions/{session_id}/transcript"),
    ("post", "/api/sessions/{session_id}/transcript"),
    ("post", "/api/teams/{team_id}/plans"),
    ("get", "/api/teams/{team_id}/plans"),
    ("get", "/api/plans/{plan_id}"),
    ("patch", "/api/plan-entries/{entry_id}"),
    ("post", "/api/plans/{plan_id}/accept"),
    ("get", "/api/teams/{team_id}/rotation"),
    ("post", "/api/teams/{team_id}/pairing-rounds"),
    ("get", "/api/teams/{team_id}/pairing-rounds"),
    ("post", "/api/pairings/{pairing_id}/accept"),
    ("post", "/api/pairings/{pairing_id}/decline"),
    ("get", "/api/teams/{team_id}/search"),
    ("get", "/api/audit-events"),
    ("get", "/api/skipped-items"),
}


@pytest.fixture
def document() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = json_of(response)
    return body


def test_document_lists_every_endpoint(document: dict[str, Any]) -> None:
    listed = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert listed == ENDPOINTS
    assert document["info"]["title"] == "peerlearn API"


def test_document_declares_bearer_and_session_security(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["PersonalTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    for method, path in ENDPOINTS:
        security = document["paths"][path][method]["security"]
        assert {"PersonalTokenAuth": []} in security, (method, path)


def test_schemas_carry_examples(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["MembershipIn"]["properties"]["role"]  # documented request body
    assert schemas["MeOut"]["properties"]["username"]["examples"] == ["alice"]
    assert schemas["TeamOut"]["properties"]["name"]["examples"] == ["Platform"]
    assert schemas["MemberOut"]["properties"]["joined_on"]["examples"] == ["2025-01-06"]
    assert schemas["SessionIn"]["properties"]["title"]["examples"] == ["Intro to tracing"]
    assert schemas["SeriesIn"]["properties"]["frequency"]
    assert schemas["SkipIn"]["properties"]["on"]["examples"] == ["2026-05-27"]
    assert schemas["RepositoryDetailOut"]["properties"]["map"]
    assert schemas["GapIn"]["properties"]["title"]["examples"] == ["How our deploy pipeline works"]
    assert schemas["GapOut"]["properties"]["raised_by"]["description"]
    assert schemas["AnonymousAskIn"]["properties"]["title"]["examples"]
    assert "raised_by" not in schemas["AskedOut"]["properties"]
    assert schemas["MarkIn"]["properties"]["done"]["examples"] == [True]
    assert schemas["NoteIn"]["properties"]["held_on"]["examples"] == ["2026-05-04"]
    assert schemas["RefusedOut"]["properties"]["problems"]["description"]
    assert schemas["ProblemOut"]["properties"]["line"]["description"]
    assert schemas["TrackerImportedOut"]["properties"]["bugs"]["description"]
    assert schemas["SimilarOut"]["properties"]["score"]["description"]


def test_imports_take_a_multipart_file(document: dict[str, Any]) -> None:
    for path, fields in [
        ("/api/teams/{team_id}/gap-imports", {"file", "format"}),
        ("/api/teams/{team_id}/tracker-imports", {"file", "kind"}),
    ]:
        operation = document["paths"][path]["post"]
        body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert set(body["required"]) == fields, path
        assert body["properties"]["file"]["format"] == "binary"
        assert {"400", "413"} <= set(operation["responses"]), path


def test_capture_uploads_take_a_multipart_file(document: dict[str, Any]) -> None:
    for path, refusals in [
        ("/api/sessions/{session_id}/transcript", {"400", "409", "413"}),
        ("/api/sessions/{session_id}/recording/upload", {"409", "413", "415"}),
    ]:
        operation = document["paths"][path]["post"]
        body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert body["required"] == ["file"], path
        assert body["properties"]["file"]["format"] == "binary"
        assert refusals <= set(operation["responses"]), path


def test_every_operation_has_a_summary(document: dict[str, Any]) -> None:
    for method, path in ENDPOINTS:
        assert document["paths"][path][method].get("summary"), (method, path)


def test_docs_page_is_served_from_local_files() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_every_operation_is_documented(document: dict[str, Any]) -> None:
    """docs/api.md has an Endpoints section and a roles row for every operation."""
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "api.md").read_text()

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path)

    headings = {
        (method.lower(), shape(path))
        for method, path in re.findall(r"^### `(\w+) (/api/\S+)`", text, re.MULTILINE)
    }
    rows = {
        (method.lower(), shape(path))
        for method, path in re.findall(r"^\| `(\w+) (/api/\S+)` \|", text, re.MULTILINE)
    }
    operations = {(method, shape(path)) for method, path in ENDPOINTS}
    assert operations - headings == set()
    assert operations - rows == set()
