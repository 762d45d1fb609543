"""Notes and action items through the API: the same rules and services as the capture
page (tests/capture), every endpoint by every kind of caller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerlearn.capture import services
from peerlearn.capture.models import ActionItem, SessionNotes
from tests.api.capture_world import (
    FACILITATE,
    OPEN_READ,
    OPEN_WRITE,
    READ,
    WHO,
    Case,
    check_matrix,
    recordings_dir,
)
from tests.api.conftest import json_of
from tests.conftest import Cast
from tests.schedule.conftest import make_session

__all__ = ["recordings_dir"]  # the fixture, used by every test here
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("recordings_dir")]

S = "/api/sessions/{session}"
CASES: list[Case] = [
    ("get", S + "/notes", None, READ),
    ("get", "/api/sessions/{open}/notes", None, OPEN_READ),
    ("put", S + "/notes", {"body": "# New\n", "base_version": 1}, READ),
    ("put", "/api/sessions/{open}/notes", {"body": "New", "base_version": 1}, OPEN_WRITE),
    ("get", S + "/notes/revisions", None, READ),
    ("get", S + "/action-items", None, READ),
    ("get", "/api/sessions/{open}/action-items", None, OPEN_READ),
    ("post", S + "/action-items", {"text": "Write it down"}, READ),
    ("post", "/api/sessions/{open}/action-items", {"text": "Write it down"}, OPEN_WRITE),
    ("get", "/api/action-items/{item}", None, READ),
    ("patch", "/api/action-items/{item}", {"text": "Runbook v2"}, FACILITATE),
    ("post", "/api/action-items/{item}/close", {"evidence_url": "https://g.example/1"}, FACILITATE),
    ("post", "/api/action-items/{closed}/reopen", {}, FACILITATE),
    ("get", "/api/teams/{team}/action-items", None, READ),
    ("get", "/api/teams/{team}/action-items?show=closed", None, READ),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_permission_matrix(
    cast: Cast, client_as: Callable[[str], Client], who: str, case: Case
) -> None:
    check_matrix(cast, client_as, who, case)


@pytest.mark.parametrize("who", WHO)
def test_my_action_items_are_mine_only(
    cast: Cast, client_as: Callable[[str], Client], who: str
) -> None:
    item = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Fiona's", owner=cast.fiona
    )
    response = client_as(who).get("/api/me/action-items")
    if who == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = [row["id"] for row in json_of(response)["items"]]
    assert ids == ([item.pk] if who == "fiona" else [])


def test_notes_are_read_with_their_version_and_safe_html(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    empty = json_of(client_as("bob").get(f"/api/sessions/{session.pk}/notes"))
    assert (empty["body"], empty["version"], empty["updated_by"], empty["updated_at"]) == (
        "",
        0,
        None,
        None,
    )
    body = "# Tracing\n<script>alert(1)</script>\n[x](javascript:alert(1))\n"
    services.notes_save(session=session, author=cast.fiona, body=body, base_version=0)
    notes = json_of(client_as("bob").get(f"/api/sessions/{session.pk}/notes"))
    assert notes["body"] == body
    assert notes["version"] == 1
    assert notes["updated_by"] == {"id": cast.fiona.pk, "name": "Fiona"}
    assert "<h1" in notes["html"]
    assert "<script" not in notes["html"]
    assert 'href="javascript' not in notes["html"]


def test_saving_notes_makes_their_action_items(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    body = "- [ ] @bob write the runbook (due 2030-04-01)\n- [ ] @nobody tidy up\n"
    response = client_as("fiona").put(
        f"/api/sessions/{session.pk}/notes",
        {"body": body, "base_version": 0},
        content_type="application/json",
    )
    assert response.status_code == 200
    saved = json_of(response)
    assert (saved["version"], saved["changed"]) == (1, True)
    made = {item["text"]: item for item in saved["created_action_items"]}
    assert made["write the runbook"]["owner"]["id"] == cast.bob.pk
    assert made["write the runbook"]["due"] == "2030-04-01"
    assert made["write the runbook"]["from_notes"] is True
    assert any("@nobody" in problem for problem in saved["problems"])
    again = client_as("fiona").put(
        f"/api/sessions/{session.pk}/notes",
        {"body": body, "base_version": 1},
        content_type="application/json",
    )
    assert json_of(again)["changed"] is False
    assert ActionItem.objects.filter(session=session).count() == 2


def test_a_save_on_an_old_version_is_a_409_with_both_texts_and_overwrites_nothing(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    services.notes_save(session=session, author=cast.fiona, body="Fiona's", base_version=0)
    response = client_as("bob").put(
        f"/api/sessions/{session.pk}/notes",
        {"body": "Bob's", "base_version": 0},
        content_type="application/json",
    )
    assert response.status_code == 409
    conflict = json_of(response)
    assert conflict["stored"]["body"] == "Fiona's"
    assert conflict["stored"]["version"] == 1
    assert conflict["stored"]["updated_by"] == "Fiona"
    assert conflict["submitted"] == {"body": "Bob's", "base_version": 0}
    assert "Fiona saved version 1" in conflict["detail"]
    notes = SessionNotes.objects.get(session=session)
    assert (notes.body, notes.version) == ("Fiona's", 1)
    retry = client_as("bob").put(
        f"/api/sessions/{session.pk}/notes",
        {"body": "Fiona's\nBob's", "base_version": conflict["stored"]["version"]},
        content_type="application/json",
    )
    assert retry.status_code == 200
    assert json_of(retry)["version"] == 2


def test_revisions_are_paged_newest_first(cast: Cast, client_as: Callable[[str], Client]) -> None:
    session = make_session(cast.platform)
    for version, text in enumerate(["one", "two", "three"]):
        services.notes_save(session=session, author=cast.bob, body=text, base_version=version)
    url = f"/api/sessions/{session.pk}/notes/revisions?page_size=2"
    first = json_of(client_as("alice").get(url))
    assert (first["count"], first["page"], first["page_size"]) == (3, 1, 2)
    assert [(r["version"], r["body"]) for r in first["items"]] == [(3, "three"), (2, "two")]
    assert first["items"][0]["author"]["id"] == cast.bob.pk
    second = json_of(client_as("alice").get(url + "&page=2"))
    assert [r["version"] for r in second["items"]] == [1]


def test_a_notes_body_the_rules_refuse_is_a_422(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    response = client_as("bob").put(
        f"/api/sessions/{session.pk}/notes",
        {"body": "a\x00b", "base_version": 0},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert json_of(response)["message"].startswith("body: ")
    assert not SessionNotes.objects.filter(session=session, version__gt=0).exists()


def test_an_item_is_added_changed_closed_and_reopened(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    created = client_as("bob").post(
        f"/api/sessions/{session.pk}/action-items",
        {"text": "Write the runbook", "owner_id": cast.bob.pk, "due": "2030-04-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    item = json_of(created)
    assert (item["owner"]["id"], item["due"], item["status"], item["can_change"]) == (
        cast.bob.pk,
        "2030-04-01",
        "open",
        True,
    )
    url = f"/api/action-items/{item['id']}"
    changed = json_of(client_as("bob").patch(url, {"due": None}, content_type="application/json"))
    assert (changed["text"], changed["owner"]["id"], changed["due"]) == (
        "Write the runbook",
        cast.bob.pk,
        None,
    )
    closed = client_as("bob").post(
        url + "/close",
        {"status": "dropped", "evidence_note": "Not needed"},
        content_type="application/json",
    )
    assert (json_of(closed)["status"], json_of(closed)["evidence_note"]) == (
        "dropped",
        "Not needed",
    )
    reopened = json_of(client_as("fiona").post(url + "/reopen"))
    assert (reopened["status"], reopened["closed_at"]) == ("open", None)
    row = ActionItem.objects.get(pk=item["id"])
    assert (row.status, row.session_id) == ("open", session.pk)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Do", "owner_id": "charlie"}, "owner_id"),
        ({"text": ""}, "text"),
        ({"text": "Do", "due": "1900-01-01"}, "due"),
    ],
)
def test_an_item_the_rules_refuse_is_a_422_and_not_kept(
    cast: Cast, client_as: Callable[[str], Client], body: dict[str, Any], field: str
) -> None:
    session = make_session(cast.platform)
    if body.get("owner_id") == "charlie":
        body = {**body, "owner_id": cast.charlie.pk}  # in the organisation, not the team
    response = client_as("bob").post(
        f"/api/sessions/{session.pk}/action-items", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in json_of(response)["message"]
    assert not ActionItem.objects.exists()


def test_closing_needs_a_web_link_as_evidence(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    item = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="X", owner=cast.bob
    )
    response = client_as("bob").post(
        f"/api/action-items/{item.pk}/close",
        {"evidence_url": "javascript:alert(1)"},
        content_type="application/json",
    )
    assert response.status_code == 422
    item.refresh_from_db()
    assert item.status == "open"


def test_can_change_says_who_may_change_each_item(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    session = make_session(cast.platform)
    mine = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Bob's", owner=cast.bob, session=session
    )
    services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Fiona's", owner=cast.fiona, session=session
    )
    rows = json_of(client_as("bob").get(f"/api/sessions/{session.pk}/action-items"))["items"]
    assert {row["text"]: row["can_change"] for row in rows} == {"Bob's": True, "Fiona's": False}
    facilitator = json_of(client_as("fiona").get(f"/api/teams/{cast.platform.pk}/action-items"))
    assert all(row["can_change"] for row in facilitator["items"])
    assert json_of(client_as("bob").get(f"/api/action-items/{mine.pk}"))["can_change"] is True


def test_team_items_filter_open_overdue_and_closed(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()
    late = services.action_item_create(team=cast.platform, created_by=cast.alice, text="Late")
    ActionItem.objects.filter(pk=late.pk).update(due=today - dt.timedelta(days=2))
    soon = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="Soon", due=today + dt.timedelta(days=2)
    )
    done = services.action_item_create(team=cast.platform, created_by=cast.alice, text="Done")
    services.action_item_close(item=done, actor=cast.alice)
    services.action_item_create(team=cast.mobile, created_by=cast.charlie, text="Mobile's")
    url = f"/api/teams/{cast.platform.pk}/action-items"

    def shown(query: str) -> list[str]:
        return [row["text"] for row in json_of(client_as("bob").get(url + query))["items"]]

    assert shown("") == ["Late", "Soon"]
    assert shown("?show=overdue") == ["Late"]
    assert shown("?show=closed") == ["Done"]
    assert client_as("bob").get(url + "?show=everything").status_code == 422
    rows = json_of(client_as("bob").get(url))["items"]
    assert [row["overdue"] for row in rows] == [True, False]
    assert soon.pk in [row["id"] for row in rows]


def test_my_items_put_overdue_first_and_undated_last(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    today = timezone.localdate()

    def mine(text: str, due: dt.date | None, team: Any = None) -> ActionItem:
        item = services.action_item_create(
            team=team or cast.platform, created_by=cast.alice, text=text, owner=cast.bob
        )
        ActionItem.objects.filter(pk=item.pk).update(due=due)
        return item

    mine("Undated", None)
    mine("Next week", today + dt.timedelta(days=7))
    mine("Late", today - dt.timedelta(days=1))
    mine("Tomorrow", today + dt.timedelta(days=1))
    closed = mine("Closed", today)
    services.action_item_close(item=closed, actor=cast.bob)
    services.action_item_create(team=cast.platform, created_by=cast.alice, text="Not mine")
    rows = json_of(client_as("bob").get("/api/me/action-items"))["items"]
    assert [row["text"] for row in rows] == ["Late", "Tomorrow", "Next week", "Undated"]
    assert [row["overdue"] for row in rows] == [True, False, False, False]
    assert all(row["can_change"] for row in rows)


def test_closing_without_a_body_closes_as_done(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    item = services.action_item_create(
        team=cast.platform, created_by=cast.alice, text="X", owner=cast.bob
    )
    response = client_as("bob").post(
        f"/api/action-items/{item.pk}/close", content_type="application/json"
    )
    assert response.status_code == 200
    assert json_of(response)["status"] == "done"
