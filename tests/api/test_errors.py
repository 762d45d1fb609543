"""The error format for refusals that come from services rather than schemas."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.test import RequestFactory

from peerlearn.api.errors import validation_message
from peerlearn.api.router import api


def test_service_validation_error_is_422_naming_the_field() -> None:
    request = RequestFactory().put("/api/teams/1/members/2")
    error = ValidationError({"joined_on": ["Enter a valid date."]})

    response = api.on_exception(request, error)

    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["message"] == "joined_on: Enter a valid date."
    assert body["detail"] == [
        {"loc": ["body", "joined_on"], "msg": "Enter a valid date.", "type": "value_error"}
    ]


def test_non_field_service_error_is_reported_for_the_request() -> None:
    request = RequestFactory().put("/api/teams/1/members/2")
    response = api.on_exception(request, ValidationError("Not in this organisation."))
    assert json.loads(response.content)["message"] == "request: Not in this organisation."


def test_message_joins_several_problems() -> None:
    errors = [
        {"loc": ["query", "page"], "msg": "too small"},
        {"loc": ["body", "payload", "role"], "msg": "unknown"},
    ]
    assert validation_message(errors) == "page: too small; role: unknown"
