"""The gap backlog through the API beyond the matrix: ranking, votes, merges, offers,
sessions, bad input naming its field, and the sources (suggestions, onboarding,
post-mortems, 1:1 notes) behaving as their pages do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peerlearn.gaps import services
from peerlearn.gaps.models import (
    Gap,
    GapEvent,
    GapVote,
    OneOnOneNote,
    SignalKind,
    Suggestion,
    SuggestionStatus,
    TeachingOffer,
)
from peerlearn.schedule import services as schedule_services
from peerlearn.schedule.models import SessionStatus
from tests.api.conftest import json_of
from tests.conftest import Cast
from tests.gaps.conftest import make_gap
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
REFRESH = "peerlearn.gaps.tasks.refresh_team_signals"


def send(client: Client, method: str, url: str, data: object | None = None) -> Any:
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=data, content_type="application/json")


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    body = json_of(response)
    assert body["message"]
    return {str(e["loc"][-1]): e["msg"] for e in body["detail"]}


def test_the_backlog_is_ranked_like_the_page(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    quiet = make_gap(cast.platform, by=cast.bob, title="Quiet one")
    wanted = make_gap(cast.platform, by=cast.alice, title="Wanted one")
    for voter in (cast.alice, cast.bob, cast.fiona):
        services.gap_vote(gap=wanted, voter=voter, vote=True)
    anonymous = make_gap(cast.platform, title="Nobody's", source="anonymous")
    dropped = make_gap(cast.platform, by=cast.bob, title="Gone")
    services.gap_set_status(gap=dropped, actor=cast.alice, status="dropped", reason="Done")

    body = json_of(send(client_as("bob"), "get", f"/api/teams/{cast.platform.pk}/gaps"))

    ids = [item["id"] for item in body["items"]]
    assert ids[0] == wanted.pk
    assert set(ids) == {quiet.pk, wanted.pk, anonymous.pk}
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id[wanted.pk]["votes"] == 3
    assert by_id[wanted.pk]["voted"] is True
    assert by_id[wanted.pk]["raised_by"] == {"user_id": cast.alice.pk, "name": "Alice"}
    assert by_id[anonymous.pk]["raised_by"] is None
    assert by_id[quiet.pk]["voted"] is False
    scores = [item["priority"]["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert by_id[wanted.pk]["url"] == f"/gaps/{wanted.pk}/"

    dropped_page = json_of(
        send(client_as("bob"), "get", f"/api/teams/{cast.platform.pk}/gaps?show=dropped")
    )
    assert [item["id"] for item in dropped_page["items"]] == [dropped.pk]
    found = json_of(send(client_as("bob"), "get", f"/api/teams/{cast.platform.pk}/gaps?q=quiet"))
    assert [item["id"] for item in found["items"]] == [quiet.pk]
    anon = json_of(
        send(client_as("bob"), "get", f"/api/teams/{cast.platform.pk}/gaps?source=anonymous")
    )
    assert [item["id"] for item in anon["items"]] == [anonymous.pk]


def test_bad_filters_name_the_parameter(cast: Cast, client_as: Callable[[str], Client]) -> None:
    url = f"/api/teams/{cast.platform.pk}/gaps"
    assert "show" in field_errors(send(client_as("bob"), "get", url + "?show=everything"))
    assert "source" in field_errors(send(client_as("bob"), "get", url + "?source=gossip"))


def test_raise_a_gap_and_read_it_back(cast: Cast, client_as: Callable[[str], Client]) -> None:
    response = send(
        client_as("bob"),
        "post",
        f"/api/teams/{cast.platform.pk}/gaps",
        {
            "title": "  Feature flags  ",
            "description": "How are they *retired*?<script>alert(1)</script>",
            "source": "retrospective",
            "code_areas": ["./flags/", "flags/", "api\\flags.py"],
        },
    )

    assert response.status_code == 201
    body = json_of(response)
    gap = Gap.objects.get()
    assert body["id"] == gap.pk
    assert (gap.title, gap.raised_by, gap.source) == ("Feature flags", cast.bob, "retrospective")
    assert body["code_areas"] == gap.code_areas == ["flags/", "api/flags.py"]
    assert "<em>retired</em>" in body["description_html"]
    assert "<script" not in body["description_html"]
    assert body["description"].startswith("How are they *retired*?")
    assert body["can_edit"] is True  # the raiser, while it is open
    assert body["can_triage"] is False
    assert [event["actor"] for event in body["history"]] == ["Bob"]

    detail = json_of(send(client_as("fiona"), "get", f"/api/gaps/{gap.pk}"))
    assert detail["title"] == "Feature flags"
    assert detail["can_triage"] is True
    assert detail["can_edit"] is True
    assert detail["raised_by"]["name"] == "Bob"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Fine", "code_areas": ["../etc/passwd"]}, "code_areas"),
        ({"title": "Fine", "code_areas": ["src/../../secret"]}, "code_areas"),
        ({"title": "Fine", "source": "gossip"}, "source"),
        ({"description": "no title"}, "title"),
    ],
)
def test_bad_gaps_are_refused_naming_the_field(
    cast: Cast, client_as: Callable[[str], Client], data: dict[str, Any], field: str
) -> None:
    response = send(client_as("bob"), "post", f"/api/teams/{cast.platform.pk}/gaps", data)

    errors = field_errors(response)
    assert field in errors, errors
    assert not Gap.objects.exists()


def test_an_unknown_status_names_the_field(cast: Cast, client_as: Callable[[str], Client]) -> None:
    gap = make_gap(cast.platform, by=cast.bob)
    url = f"/api/gaps/{gap.pk}/status"

    assert "status" in field_errors(send(client_as("fiona"), "post", url, {"status": "done"}))
    no_reason = field_errors(send(client_as("fiona"), "post", url, {"status": "dropped"}))
    assert "reason" in no_reason
    gap.refresh_from_db()
    assert gap.status == "open"

    moved = send(client_as("fiona"), "post", url, {"status": "dropped", "reason": "Obsolete"})
    assert moved.status_code == 200
    assert (json_of(moved)["status"], json_of(moved)["dropped_reason"]) == ("dropped", "Obsolete")
    bad_move = send(client_as("fiona"), "post", url, {"status": "verified"})
    assert "status" in field_errors(bad_move)


def test_voting_is_idempotent_and_counts(cast: Cast, client_as: Callable[[str], Client]) -> None:
    gap = make_gap(cast.platform, by=cast.alice)
    url = f"/api/gaps/{gap.pk}/vote"

    first = json_of(send(client_as("bob"), "put", url))
    again = json_of(send(client_as("bob"), "put", url))
    other = json_of(send(client_as("fiona"), "put", url))

    assert first == again == {"gap_id": gap.pk, "votes": 1, "voted": True}
    assert other["votes"] == 2
    assert GapVote.objects.filter(gap=gap).count() == 2
    taken_back = json_of(send(client_as("bob"), "delete", url))
    assert taken_back == {"gap_id": gap.pk, "votes": 1, "voted": False}
    assert json_of(send(client_as("bob"), "delete", url))["votes"] == 1
    gap.refresh_from_db()
    assert gap.vote_count == 1


def test_votes_count_imported_ones_and_closed_gaps_refuse(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    gap = make_gap(cast.platform, by=cast.alice, evidence={"imported_votes": 4})
    assert json_of(send(client_as("bob"), "put", f"/api/gaps/{gap.pk}/vote"))["votes"] == 5
    services.gap_set_status(gap=gap, actor=cast.alice, status="dropped", reason="Not now")

    response = send(client_as("fiona"), "put", f"/api/gaps/{gap.pk}/vote")

    assert response.status_code == 422
    assert "closed" in json_of(response)["message"]
    assert GapVote.objects.filter(gap=gap).count() == 1


def test_merge_keeps_votes_and_refuses_another_teams_target(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    target = make_gap(cast.platform, by=cast.alice, title="Deploys")
    duplicate = make_gap(cast.platform, by=cast.bob, title="How do deploys work")
    services.gap_vote(gap=target, voter=cast.alice, vote=True)
    services.gap_vote(gap=duplicate, voter=cast.alice, vote=True)
    services.gap_vote(gap=duplicate, voter=cast.bob, vote=True)
    foreign = make_gap(cast.mobile, by=cast.charlie, title="Mobile's")

    refused = send(
        client_as("fiona"), "post", f"/api/gaps/{duplicate.pk}/merge", {"into": foreign.pk}
    )
    assert refused.status_code == 404
    assert "Mobile's" not in refused.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None

    response = send(
        client_as("fiona"), "post", f"/api/gaps/{duplicate.pk}/merge", {"into": target.pk}
    )

    assert response.status_code == 200
    body = json_of(response)
    assert body["id"] == target.pk
    assert body["votes"] == 2  # alice voted on both: one vote
    assert body["merged_from"] == [duplicate.pk]
    assert sorted(GapVote.objects.filter(gap=target).values_list("voter", flat=True)) == sorted(
        [cast.alice.pk, cast.bob.pk]
    )
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id, duplicate.status) == (target.pk, "dropped")
    into_itself = send(
        client_as("fiona"), "post", f"/api/gaps/{target.pk}/merge", {"into": target.pk}
    )
    assert into_itself.status_code == 422
    assert "into" in field_errors(
        send(client_as("fiona"), "post", f"/api/gaps/{target.pk}/merge", {"into": 0})
    )


def test_editing_follows_the_pages_rules(cast: Cast, client_as: Callable[[str], Client]) -> None:
    gap = make_gap(cast.platform, by=cast.bob, title="Flags", code_areas=["flags/"])
    url = f"/api/gaps/{gap.pk}"

    reworded = send(client_as("bob"), "patch", url, {"title": "Feature flags"})
    assert reworded.status_code == 200
    assert json_of(reworded)["code_areas"] == ["flags/"]  # left out: unchanged
    importance = send(client_as("bob"), "patch", url, {"importance": 2})
    assert importance.status_code == 403
    assert "code_areas" in field_errors(
        send(client_as("bob"), "patch", url, {"code_areas": ["../up"]})
    )
    assert "title" in field_errors(send(client_as("bob"), "patch", url, {"title": ""}))
    assert "description" in field_errors(
        send(client_as("bob"), "patch", url, {"description": None})
    )
    gap.refresh_from_db()
    assert (gap.title, gap.importance, gap.code_areas) == ("Feature flags", 1, ["flags/"])

    services.gap_set_status(gap=gap, actor=cast.alice, status="planned")
    assert send(client_as("bob"), "patch", url, {"title": "Later"}).status_code == 403
    by_lead = send(client_as("alice"), "patch", url, {"importance": 2, "title": "Flags again"})
    assert by_lead.status_code == 200
    assert (json_of(by_lead)["importance"], json_of(by_lead)["title"]) == (2, "Flags again")
    assert send(client_as("fiona"), "patch", url, {"importance": 7}).status_code == 422


def test_offers_on_gaps_and_topics(cast: Cast, client_as: Callable[[str], Client]) -> None:
    gap = make_gap(cast.platform, by=cast.alice)

    made = send(client_as("bob"), "post", f"/api/gaps/{gap.pk}/offers", {"note": "I can"})
    again = send(client_as("bob"), "post", f"/api/gaps/{gap.pk}/offers", {"note": "Friday?"})
    topic = send(
        client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/offers", {"topic": "Rust"}
    )

    assert made.status_code == again.status_code == topic.status_code == 201
    assert json_of(made)["id"] == json_of(again)["id"]
    assert json_of(again)["note"] == "Friday?"
    assert json_of(topic)["gap_id"] is None
    assert "topic" in field_errors(
        send(client_as("fiona"), "post", f"/api/teams/{cast.platform.pk}/offers", {"topic": ""})
    )
    listed = json_of(send(client_as("bob"), "get", f"/api/teams/{cast.platform.pk}/offers"))
    assert [(o["person"]["name"], o["topic"]) for o in listed["items"]] == [
        ("Bob", ""),
        ("Fiona", "Rust"),
    ]
    detail = json_of(send(client_as("alice"), "get", f"/api/gaps/{gap.pk}"))
    assert detail["offers"] == 1
    assert [o["note"] for o in detail["teaching_offers"]] == ["Friday?"]

    offer_id = json_of(made)["id"]
    assert send(client_as("alice"), "delete", f"/api/offers/{offer_id}").status_code == 404
    assert TeachingOffer.objects.filter(pk=offer_id).exists()
    assert send(client_as("bob"), "delete", f"/api/offers/{offer_id}").status_code == 204
    assert not TeachingOffer.objects.filter(pk=offer_id).exists()


def test_linking_a_session_plans_the_gap(cast: Cast, client_as: Callable[[str], Client]) -> None:
    gap = make_gap(cast.platform, by=cast.bob)
    session = make_session(cast.platform, by=cast.alice)
    mobile_session = make_session(cast.mobile, by=cast.charlie)
    url = f"/api/gaps/{gap.pk}/sessions/{session.pk}"

    linked = send(client_as("fiona"), "put", url)
    assert linked.status_code == 200
    body = json_of(linked)
    assert body["status"] == "planned"
    assert [s["id"] for s in body["sessions"]] == [session.pk]
    again = json_of(send(client_as("fiona"), "put", url))
    assert [s["id"] for s in again["sessions"]] == [session.pk]
    foreign = send(client_as("fiona"), "put", f"/api/gaps/{gap.pk}/sessions/{mobile_session.pk}")
    assert foreign.status_code == 404

    unlinked = json_of(send(client_as("fiona"), "delete", url))
    assert (unlinked["status"], unlinked["sessions"]) == ("open", [])

    schedule_services.session_set_status(
        session=session, status=SessionStatus.CANCELLED, actor=cast.alice
    )
    assert "session" in field_errors(send(client_as("fiona"), "put", url))
    gap.refresh_from_db()
    assert (gap.status, list(gap.sessions.all())) == ("open", [])


def test_suggestions_accept_dismiss_and_refresh(
    cast: Cast,
    client_as: Callable[[str], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    strong = Suggestion.objects.create(
        team=cast.platform,
        kind=SignalKind.KNOWLEDGE_ISLAND,
        key="src/billing",
        title="Only one person knows src/billing",
        code_areas=["src/billing"],
        evidence={"files": 14},
        strength=0.8,
    )
    weak = Suggestion.objects.create(
        team=cast.platform, kind=SignalKind.ONBOARDING, key="vpn", title="VPN is hard", strength=0.3
    )
    url = f"/api/teams/{cast.platform.pk}/gap-suggestions"

    listed = json_of(send(client_as("alice"), "get", url))
    assert [(s["id"], s["evidence"]) for s in listed["items"]] == [
        (strong.pk, {"files": 14}),
        (weak.pk, {}),
    ]
    assert send(client_as("fiona"), "get", url).status_code == 403

    accepted = send(client_as("alice"), "post", f"/api/gap-suggestions/{strong.pk}/accept")
    assert accepted.status_code == 201
    gap = json_of(accepted)
    assert (gap["source"], gap["raised_by"], gap["code_areas"]) == (
        "codebase",
        None,
        ["src/billing"],
    )
    twice = send(client_as("alice"), "post", f"/api/gap-suggestions/{strong.pk}/accept")
    assert twice.status_code == 422
    assert Gap.objects.count() == 1

    dismissed = send(client_as("alice"), "post", f"/api/gap-suggestions/{weak.pk}/dismiss")
    assert json_of(dismissed)["status"] == "dismissed"
    assert [s["id"] for s in json_of(send(client_as("alice"), "get", url))["items"]] == []
    shown = json_of(send(client_as("alice"), "get", url + "?status=dismissed"))
    assert [s["id"] for s in shown["items"]] == [weak.pk]
    assert "status" in field_errors(send(client_as("alice"), "get", url + "?status=maybe"))

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = send(client_as("alice"), "post", url + "/refresh")
        assert response.status_code == 202
        assert not DBTaskResult.objects.exists()  # only once the transaction commits
        for callback in callbacks:
            callback()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == REFRESH
    assert queued.args_kwargs["args"] == [cast.platform.pk]


def test_onboarding_steps_marks_and_counts(cast: Cast, client_as: Callable[[str], Client]) -> None:
    url = f"/api/teams/{cast.platform.pk}/onboarding-steps"
    created = send(client_as("alice"), "post", url, {"title": "Get VPN access"})
    assert created.status_code == 201
    step_id = json_of(created)["id"]
    assert "title" in field_errors(send(client_as("alice"), "post", url, {"title": ""}))

    mark = send(
        client_as("bob"),
        "put",
        f"/api/onboarding-steps/{step_id}/mark",
        {"done": True, "hard": True, "comment": "The guide is old."},
    )
    assert mark.status_code == 200
    send(client_as("fiona"), "put", f"/api/onboarding-steps/{step_id}/mark", {"done": True})

    as_bob = json_of(send(client_as("bob"), "get", url))["items"]
    assert [(s["title"], s["done_count"], s["hard_count"]) for s in as_bob] == [
        ("Get VPN access", 2, 1)
    ]
    assert as_bob[0]["my_mark"]["comment"] == "The guide is old."
    assert json_of(send(client_as("alice"), "get", url))["items"][0]["my_mark"] is None

    assert send(client_as("bob"), "delete", f"/api/onboarding-steps/{step_id}").status_code == 403
    assert send(client_as("alice"), "delete", f"/api/onboarding-steps/{step_id}").status_code == 204
    assert json_of(send(client_as("bob"), "get", url))["items"] == []


def test_a_post_mortem_opens_a_gap(cast: Cast, client_as: Callable[[str], Client]) -> None:
    url = f"/api/teams/{cast.platform.pk}/post-mortems"
    data = {
        "title": "Payments outage",
        "happened_on": "2026-05-03",
        "what_we_did_not_know": "How the retry queue drains.",
        "link": "https://wiki.example.com/pm/42",
    }

    response = send(client_as("fiona"), "post", url, data)

    assert response.status_code == 201
    body = json_of(response)
    gap = Gap.objects.get(pk=body["gap_id"])
    assert (gap.source, gap.raised_by) == ("post_mortem", cast.fiona)
    assert "How the retry queue drains." in gap.description
    assert body["recorded_by"] == "Fiona"
    listed = json_of(send(client_as("alice"), "get", url))
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    bad = field_errors(
        send(client_as("fiona"), "post", url, {**data, "what_we_did_not_know": " ", "link": "x"})
    )
    assert {"what_we_did_not_know", "link"} & set(bad)
    assert Gap.objects.count() == 1


def test_one_on_one_notes_exist_only_for_their_author(
    cast: Cast, client_as: Callable[[str], Client]
) -> None:
    url = f"/api/teams/{cast.platform.pk}/one-on-one-notes"
    created = send(
        client_as("alice"), "post", url, {"held_on": "2026-05-04", "text": "Unsure about flags."}
    )
    assert created.status_code == 201
    note_id = json_of(created)["id"]
    assert "text" in field_errors(
        send(client_as("alice"), "post", url, {"held_on": "2026-05-04", "text": " "})
    )

    assert json_of(send(client_as("olga"), "get", url))["items"] == []  # admin: not hers
    for other in ("olga", "fiona", "bob", "charlie", "zed"):
        to_gap = send(
            client_as(other), "post", f"/api/one-on-one-notes/{note_id}/gap", {"title": "Flags"}
        )
        assert to_gap.status_code == 404, other
        assert "flags" not in to_gap.content.decode().lower()
        assert send(client_as(other), "delete", f"/api/one-on-one-notes/{note_id}").status_code in (
            404,
        ), other
    assert not Gap.objects.exists()

    made = send(
        client_as("alice"), "post", f"/api/one-on-one-notes/{note_id}/gap", {"title": "Flags"}
    )
    assert made.status_code == 201
    gap = json_of(made)
    assert (gap["source"], gap["raised_by"], gap["history"][0]["actor"]) == (
        "one_on_one",
        None,
        None,
    )
    assert json_of(send(client_as("alice"), "get", url))["items"][0]["gap_id"] == gap["id"]
    assert send(client_as("alice"), "delete", f"/api/one-on-one-notes/{note_id}").status_code == 204
    assert not OneOnOneNote.objects.exists()
    assert Gap.objects.filter(pk=gap["id"]).exists()


def test_anonymous_asks_are_limited_per_team(
    cast: Cast, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerlearn.gaps import source_services

    monkeypatch.setattr(source_services, "ANONYMOUS_ASKS_PER_HOUR", 1)
    url = f"/api/teams/{cast.platform.pk}/anonymous-asks"
    assert "title" in field_errors(send(client_as("bob"), "post", url, {"title": ""}))
    assert send(client_as("bob"), "post", url, {"title": "First"}).status_code == 201

    refused = send(client_as("fiona"), "post", url, {"title": "Second"})

    assert refused.status_code == 429
    assert "this hour" in json_of(refused)["detail"]
    assert Gap.objects.count() == 1


def test_history_names_who_did_what(cast: Cast, client_as: Callable[[str], Client]) -> None:
    gap = make_gap(cast.platform, title="Nobody's", source="anonymous")
    services.gap_set_status(gap=gap, actor=cast.fiona, status="planned")
    GapEvent.objects.filter(gap=gap, kind="created").update(
        at=timezone.now() - dt.timedelta(days=1)
    )

    body = json_of(send(client_as("bob"), "get", f"/api/gaps/{gap.pk}"))

    assert [(e["actor"], e["kind"]) for e in body["history"]] == [
        (None, "created"),
        ("Fiona", "status"),
    ]
    assert body["can_edit"] is False
    assert SuggestionStatus.PENDING == "pending"  # the filter's default, as documented
