"""Every operation of the OpenAPI document, called with hostile parameters and bodies.

The operations come from /api/openapi.json, so a new endpoint is fuzzed the day it is
documented. Path and query parameters get hostile ids and numbers; JSON bodies are built
from the operation's schema with one to all properties hostile (wrong types included),
and some bodies are not JSON at all. Every answer must be JSON and below 500 (a 204 has
no body); a refusal must leave every table as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from peerlearn.planning.models import Pairing, Plan, PlanEntry
from peerlearn.schedule.models import Series
from peerlearn.schedule.selectors import series_slots, series_with_rows
from peerlearn.validation import MAX_ID
from tests.fuzz.conftest import World
from tests.fuzz.hostile import (
    EXTREME_DATES,
    HOSTILE_IDS,
    hostile_integers,
    hostile_json_scalar,
    hostile_text,
)
from tests.fuzz.outcome import Findings, judge

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25
RAW_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"role"',
    b"\x00",
    b"\xff\xfe{}",
    b'{"role": "member"' + b" " * 10 + b"}" * 3,
    json.dumps({"role": "member", "joined_on": "2025-01-06", "x": "y" * 100_000}).encode(),
    b'{"role": "\\ud800"}',
    b'{"joined_on": "9999-12-31", "role": "lead"}',
    b'{"role": "member", "joined_on": 1e400}',
    b"[" * 10_000 + b"]" * 10_000,
]


@dataclass
class Operation:
    method: str
    path: str  # "/api/teams/{team_id}/members/{user_id}"
    parameters: list[dict[str, Any]]
    body: dict[str, Any] | None  # the JSON schema of the body, $refs resolved

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return _resolve({**target, **{k: v for k, v in schema.items() if k != "$ref"}}, document)
    return schema


def operations(client: Client) -> list[Operation]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            body = None
            content = spec.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _resolve(content["application/json"]["schema"], document)
                body["properties"] = {
                    name: _resolve(prop, document)
                    for name, prop in body.get("properties", {}).items()
                }
            found.append(Operation(method, path, spec.get("parameters", []), body))
    return found


def _valid_property(schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("examples"):
        return schema["examples"][0]
    return None


def _hostile_property(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    kinds = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
    formats = {schema.get("format")} | {o.get("format") for o in schema.get("anyOf", [])}
    if "date" in formats or "date-time" in formats:
        return st.one_of(st.sampled_from(EXTREME_DATES), hostile_json_scalar)
    if "integer" in kinds:
        return st.one_of(hostile_integers.map(int_or_text), hostile_json_scalar)
    return hostile_json_scalar


def int_or_text(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value


@dataclass
class Call:
    path_values: dict[str, str]
    query: list[tuple[str, str]]
    body: bytes | None


def _first_date(world: World) -> str:
    """The key of the seeded series' first date (its occurrence in URLs)."""
    series = series_with_rows(Series.objects.filter(pk=world.series.pk)).get()
    now = timezone.now()
    return series_slots(series, now, now + dt.timedelta(weeks=4))[0].key


def _ids(world: World) -> dict[str, list[str]]:
    cast = world.cast
    return {
        "team_id": [str(cast.platform.pk), str(cast.mobile.pk), str(cast.foreign_team.pk)],
        "user_id": [str(cast.bob.pk), str(cast.charlie.pk), str(cast.alice.pk)],
        "session_id": [str(world.session.pk)],
        "series_id": [str(world.series.pk)],
        "repository_id": [str(world.repository.pk)],
        "occurrence": [_first_date(world)],
        "plan_id": [str(pk) for pk in Plan.objects.values_list("pk", flat=True)[:1]],
        "entry_id": [str(pk) for pk in PlanEntry.objects.values_list("pk", flat=True)[:1]],
        "pairing_id": [str(pk) for pk in Pairing.objects.values_list("pk", flat=True)[:1]],
    }


@st.composite
def _call(draw: st.DrawFn, operation: Operation, ids: dict[str, list[str]]) -> Call:
    path_values = {}
    query = []
    for parameter in operation.parameters:
        name = parameter["name"]
        valid = ids.get(name, ["1"])
        if parameter["in"] == "path":
            value = draw(
                st.one_of(st.sampled_from(valid), st.sampled_from(HOSTILE_IDS), hostile_text)
            )
            path_values[name] = value
        elif parameter["in"] == "query" and draw(st.booleans()):
            query.append((name, draw(st.one_of(hostile_integers, hostile_text))))
    body = None
    if operation.body is not None:
        if draw(st.integers(0, 4)) == 0:
            body = draw(st.sampled_from(RAW_BODIES))
        else:
            properties = operation.body.get("properties", {})
            data = {name: _valid_property(p) for name, p in properties.items()}
            data = {k: v for k, v in data.items() if v is not None}
            hostile = draw(st.lists(st.sampled_from(sorted(properties)), min_size=1, unique=True))
            for name in hostile:
                if draw(st.integers(0, 5)) == 0:
                    data.pop(name, None)
                else:
                    data[name] = draw(_hostile_property(properties[name]))
            if draw(st.integers(0, 5)) == 0:
                data[draw(hostile_text)] = draw(hostile_json_scalar)
            body = json.dumps(data, allow_nan=True).encode("utf-8", "surrogatepass")
    return Call(path_values, query, body)


def _wire(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _sender(client: Client, operation: Operation, call: Call) -> Callable[[], HttpResponse]:
    path = operation.path
    for name, value in call.path_values.items():
        path = path.replace("{" + name + "}", _wire(value))
    query = urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in call.query])
    send = getattr(client, operation.method)
    if call.body is None:
        return lambda: send(path, QUERY_STRING=query)
    return lambda: send(path, call.body, content_type="application/json", QUERY_STRING=query)


def _judge(client: Client, operation: Operation, call: Call, findings: Findings) -> None:
    body = (call.body or b"")[:80]
    what = f"{operation} {call.path_values} ?{call.query} {body!r}"
    outcome = judge(what, client, _sender(client, operation, call), findings, expect_json=True)
    if outcome.status == 204 and operation.method != "delete":
        findings.add(f"{what}: 204 from a {operation.method.upper()}")


def fuzz_operation(
    client: Client, operation: Operation, ids: dict[str, list[str]], findings: Findings
) -> None:
    # The sweep: each raw body, and each hostile id in each path parameter, once.
    valid = {
        p["name"]: ids.get(p["name"], ["1"])[0] for p in operation.parameters if p["in"] == "path"
    }
    if operation.body is not None:
        for raw in RAW_BODIES:
            _judge(client, operation, Call(valid, [], raw), findings)
    for name in valid:
        for hostile_id in HOSTILE_IDS:
            default = b'{"role": "member"}' if operation.body is not None else None
            _judge(client, operation, Call({**valid, name: hostile_id}, [], default), findings)

    @settings(
        derandomize=True,
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(_call(operation, ids))
    def run(call: Call) -> None:
        _judge(client, operation, call, findings)

    run()


def test_openapi_lists_every_operation(world: World) -> None:
    client = Client(headers={"Authorization": f"Bearer {world.token}"})
    found = {str(op) for op in operations(client)}
    assert {
        "GET /api/me",
        "GET /api/teams",
        "GET /api/teams/{team_id}",
        "GET /api/teams/{team_id}/members",
        "PUT /api/teams/{team_id}/members/{user_id}",
        "DELETE /api/teams/{team_id}/members/{user_id}",
        "GET /api/teams/{team_id}/sessions",
        "POST /api/teams/{team_id}/sessions",
        "PATCH /api/sessions/{session_id}",
        "PUT /api/sessions/{session_id}/rsvp",
        "POST /api/teams/{team_id}/series",
        "POST /api/series/{series_id}/skips",
        "PUT /api/series/{series_id}/occurrences/{occurrence}/rsvp",
        "GET /api/repositories/{repository_id}",
    } <= found


def test_every_operation_survives_hostile_input(world: World) -> None:
    client = Client(
        headers={"Authorization": f"Bearer {world.token}"}, raise_request_exception=False
    )
    findings = Findings()
    ids = _ids(world)
    for operation in operations(client):
        fuzz_operation(client, operation, ids, findings)
    assert not findings.items, findings.report()


def test_every_integer_parameter_is_bounded(world: World) -> None:
    """An unbounded integer parameter reached the database as 10**30 (a 500)."""
    client = Client(headers={"Authorization": f"Bearer {world.token}"})
    document = client.get("/api/openapi.json").json()
    unbounded = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            for parameter in spec.get("parameters", []):
                schema = parameter["schema"]
                options = [schema, *schema.get("anyOf", [])]
                integers = [o for o in options if o.get("type") == "integer"]
                if any(o.get("maximum", 2**64) > MAX_ID for o in integers):
                    unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert not unbounded, unbounded
