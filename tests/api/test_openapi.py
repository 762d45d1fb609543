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


def test_docs_page_is_served_from_local_files() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
