"""The gap backlog's endpoints by every principal: status, body, and for refused writes,
nothing changed — every row of the gaps app, the session links and the audit log are
compared before and after. The rows of the main matrix (test_permission_matrix.py), for
the endpoints of api/endpoints/gaps.py, gap_sources.py, gap_imports.py and
gap_duplicates.py.

Platform: alice lead, fiona facilitator, bob member. charlie is in Mobile only, olga is
the organisation's admin (in no team), zed belongs to another organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peerlearn.audit.models import AuditEvent
from peerlearn.gaps import services, source_services
from peerlearn.gaps.models import Gap, SignalKind, Suggestion, TrackerIssue
from peerlearn.schedule.models import Session
from tests.api.conftest import PRINCIPALS, json_of
from tests.api.test_permission_matrix import READ_PLATFORM, WRITE_PLATFORM, assert_refusal
from tests.conftest import Cast
from tests.gaps.conftest import make_gap
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db

FACILITATE = {**READ_PLATFORM, "bob": 403}
MANAGE = WRITE_PLATFORM  # leads and organisation admins
# A 1:1 note (alice's) and an offer to teach (bob's) exist only for their author.
AUTHOR_ALICE = {p: (404 if code in (200, 403) else code) for p, code in READ_PLATFORM.items()}
AUTHOR_ALICE["alice"] = 200
AUTHOR_BOB = {**AUTHOR_ALICE, "alice": 404, "bob": 200}
SECRET = "Secret flags"  # a title that must not reach whoever is refused


@dataclass
class World:
    """What the endpoints act on, all of Platform."""

    gap: Gap  # raised by bob, open; everyone in the team voted for it
    other: Gap  # raised by alice, linked to `session` (planned)
    session: Session
    free_session: Session
    suggestion: Suggestion
    step_id: int
    offer_id: int
    note_id: int


@pytest.fixture
def world(cast: Cast) -> World:
    team = cast.platform
    gap = make_gap(team, by=cast.bob, title="How our deploy pipeline works")
    for voter in (cast.olga, cast.alice, cast.fiona, cast.bob):
        services.gap_vote(gap=gap, voter=voter, vote=True)
    other = make_gap(team, by=cast.alice, title=SECRET)
    session = make_session(team, by=cast.alice, title="Flags, hands on")
    services.gap_link_session(gap=other, session=session, actor=cast.alice)
    free_session = make_session(team, by=cast.alice, title="Deploys, end to end")
    suggestion = Suggestion.objects.create(
        team=team, kind=SignalKind.KNOWLEDGE_ISLAND, key="src/billing", title=SECRET, strength=0.7
    )
    step = source_services.onboarding_step_create(team=team, actor=cast.alice, title=SECRET)
    offer = services.offer_create(team=team, person=cast.bob, topic=SECRET)
    note = source_services.note_create(
        team=team, author=cast.alice, held_on=dt.date(2026, 5, 4), text=SECRET
    )
    source_services.post_mortem_record(
        team=team,
        recorded_by=cast.fiona,
        title=SECRET,
        happened_on=dt.date(2026, 5, 3),
        what_we_did_not_know="How the retry queue drains.",
    )
    return World(gap, other, session, free_session, suggestion, step.pk, offer.pk, note.pk)


def everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the gaps app (with the session links) and the audit log."""
    models = [*apps.get_app_config("gaps").get_models(include_auto_created=True), AuditEvent]
    return {
        model._meta.db_table: sorted(model.objects.values_list(), key=repr)  # type: ignore[attr-defined]
        for model in models
    }


@dataclass(frozen=True)
class Case:
    method: str
    url: Callable[[Cast, World], str]
    expected: dict[str, int]
    body: Callable[[Cast, World], dict[str, Any]] | None = None
    form: Callable[[Cast, World], dict[str, Any]] | None = None  # sent as multipart
    prepare: Callable[[Cast, World], None] = field(default=lambda *_: None)
    success: int = 200
    writes: bool = True
    # What a successful answer shows: (cast, world, principal, body) -> None.
    check: Callable[[Cast, World, str, Any], None] = field(default=lambda *_: None)


def team(path: str) -> Callable[[Cast, World], str]:
    return lambda cast, world: f"/api/teams/{cast.platform.pk}/{path}"


def _listed_gaps(cast: Cast, world: World, principal: str, body: Any) -> None:
    ids = [item["id"] for item in body["items"]]
    assert ids[0] == world.gap.pk  # four votes rank it first
    assert world.other.pk in ids
    assert body["items"][0]["voted"] is True


def _gap_detail(cast: Cast, world: World, principal: str, body: Any) -> None:
    assert body["title"] == SECRET
    assert body["can_triage"] is (FACILITATE[principal] == 200)
    assert body["can_edit"] is (FACILITATE[principal] == 200 or principal == "alice")


def _new_gap(title: str) -> Callable[[Cast, World, str, Any], None]:
    def check(cast: Cast, world: World, principal: str, body: Any) -> None:
        assert Gap.objects.get(pk=body["id"]).title == title

    return check


def _anonymous(cast: Cast, world: World, principal: str, body: Any) -> None:
    gap = Gap.objects.get(pk=body["id"])
    assert (gap.raised_by, gap.source) == (None, "anonymous")
    assert "raised_by" not in body


def _voted(count: int, voted: bool) -> Callable[[Cast, World, str, Any], None]:
    def check(cast: Cast, world: World, principal: str, body: Any) -> None:
        assert (body["votes"], body["voted"]) == (count, voted)

    return check


def _merged(cast: Cast, world: World, principal: str, body: Any) -> None:
    assert body["id"] == world.other.pk
    assert body["merged_from"] == [world.gap.pk]
    assert body["votes"] == 4


def _status(cast: Cast, world: World, principal: str, body: Any) -> None:
    assert body["status"] == "dropped"
    assert Gap.objects.get(pk=world.gap.pk).status == "dropped"


MARKDOWN = b"- How our canary releases work (+2)\n- Reading flame graphs\n"
GITHUB = (
    b'[{"number": 3, "title": "Login times out", "state": "open", "labels": ["bug"],'
    b' "created_at": "2026-05-01T10:00:00Z"}]'
)


def _markdown(dry_run: bool) -> Callable[[Cast, World], dict[str, Any]]:
    def form(cast: Cast, world: World) -> dict[str, Any]:
        upload = SimpleUploadedFile("retro.md", MARKDOWN)
        return {"file": upload, "format": "markdown", "dry_run": str(dry_run).lower()}

    return form


def _imported(cast: Cast, world: World, principal: str, body: Any) -> None:
    gaps = Gap.objects.filter(pk__in=body["gap_ids"]).order_by("pk")
    assert [(g.title, g.evidence["imported_votes"]) for g in gaps] == [
        ("How our canary releases work", 2),
        ("Reading flame graphs", 0),
    ]


def _would_import(cast: Cast, world: World, principal: str, body: Any) -> None:
    assert (body["count"], body["gap_ids"]) == (2, [])
    assert not Gap.objects.filter(title="Reading flame graphs").exists()


def _tracked(cast: Cast, world: World, principal: str, body: Any) -> None:
    assert (body["created"], body["updated"], body["bugs"]) == (1, 0, 1)
    assert TrackerIssue.objects.get(team=cast.platform).title == "Login times out"


def _look_alike(cast: Cast, world: World) -> None:
    make_gap(cast.platform, by=cast.fiona, title="How the deploy pipeline works")


def _similar(cast: Cast, world: World, principal: str, body: Any) -> None:
    assert [gap["id"] for gap in body] == [world.gap.pk]
    assert body[0]["votes"] == 4


def _pairs(cast: Cast, world: World, principal: str, body: Any) -> None:
    # The post-mortem's gap repeats the title of `other`: a pair of its own.
    pairs = {(p["older"]["id"], p["newer"]["title"]) for p in body["items"]}
    assert (world.gap.pk, "How the deploy pipeline works") in pairs
    assert (world.other.pk, SECRET) in pairs
    assert body["count"] == 2


CASES: dict[str, Case] = {
    "list_gaps": Case("get", team("gaps"), READ_PLATFORM, writes=False, check=_listed_gaps),
    "create_gap": Case(
        "post",
        team("gaps"),
        READ_PLATFORM,
        body=lambda c, w: {"title": "Feature flags"},
        success=201,
        check=_new_gap("Feature flags"),
    ),
    "anonymous_ask": Case(
        "post",
        team("anonymous-asks"),
        READ_PLATFORM,
        body=lambda c, w: {"title": "On-call handovers"},
        success=201,
        check=_anonymous,
    ),
    "get_gap": Case(
        "get",
        lambda c, w: f"/api/gaps/{w.other.pk}",
        READ_PLATFORM,
        writes=False,
        check=_gap_detail,
    ),
    "edit_gap": Case(
        "patch",
        lambda c, w: f"/api/gaps/{w.other.pk}",
        FACILITATE,
        body=lambda c, w: {"importance": 2},
        check=lambda c, w, p, body: body["importance"] == 2 or pytest.fail("importance"),
    ),
    "set_status": Case(
        "post",
        lambda c, w: f"/api/gaps/{w.gap.pk}/status",
        FACILITATE,
        body=lambda c, w: {"status": "dropped", "reason": "Obsolete"},
        check=_status,
    ),
    "vote": Case(
        "put", lambda c, w: f"/api/gaps/{w.other.pk}/vote", READ_PLATFORM, check=_voted(1, True)
    ),
    "unvote": Case(
        "delete", lambda c, w: f"/api/gaps/{w.gap.pk}/vote", READ_PLATFORM, check=_voted(3, False)
    ),
    "merge": Case(
        "post",
        lambda c, w: f"/api/gaps/{w.gap.pk}/merge",
        FACILITATE,
        body=lambda c, w: {"into": w.other.pk},
        check=_merged,
    ),
    "offer_on_gap": Case(
        "post",
        lambda c, w: f"/api/gaps/{w.gap.pk}/offers",
        READ_PLATFORM,
        body=lambda c, w: {"note": "I can"},
        success=201,
        check=lambda c, w, p, body: body["gap_id"] == w.gap.pk or pytest.fail("gap"),
    ),
    "list_offers": Case(
        "get",
        team("offers"),
        READ_PLATFORM,
        writes=False,
        check=lambda c, w, p, body: (
            [o["id"] for o in body["items"]] == [w.offer_id] or pytest.fail("offers")
        ),
    ),
    "offer_topic": Case(
        "post",
        team("offers"),
        READ_PLATFORM,
        body=lambda c, w: {"topic": "Rust"},
        success=201,
        check=lambda c, w, p, body: body["topic"] == "Rust" or pytest.fail("topic"),
    ),
    "withdraw_offer": Case(
        "delete", lambda c, w: f"/api/offers/{w.offer_id}", AUTHOR_BOB, success=204
    ),
    "link_session": Case(
        "put",
        lambda c, w: f"/api/gaps/{w.gap.pk}/sessions/{w.free_session.pk}",
        FACILITATE,
        check=lambda c, w, p, body: body["status"] == "planned" or pytest.fail("status"),
    ),
    "unlink_session": Case(
        "delete",
        lambda c, w: f"/api/gaps/{w.other.pk}/sessions/{w.session.pk}",
        FACILITATE,
        check=lambda c, w, p, body: (
            (body["status"], body["sessions"]) == ("open", []) or pytest.fail("unlinked")
        ),
    ),
    "list_suggestions": Case(
        "get",
        team("gap-suggestions"),
        MANAGE,
        writes=False,
        check=lambda c, w, p, body: (
            [s["id"] for s in body["items"]] == [w.suggestion.pk] or pytest.fail("suggestions")
        ),
    ),
    "accept_suggestion": Case(
        "post",
        lambda c, w: f"/api/gap-suggestions/{w.suggestion.pk}/accept",
        MANAGE,
        success=201,
        check=lambda c, w, p, body: body["raised_by"] is None or pytest.fail("raised_by"),
    ),
    "dismiss_suggestion": Case(
        "post",
        lambda c, w: f"/api/gap-suggestions/{w.suggestion.pk}/dismiss",
        MANAGE,
        check=lambda c, w, p, body: body["status"] == "dismissed" or pytest.fail("status"),
    ),
    "refresh_suggestions": Case(
        "post", team("gap-suggestions/refresh"), MANAGE, success=202, writes=False
    ),
    "list_steps": Case(
        "get",
        team("onboarding-steps"),
        READ_PLATFORM,
        writes=False,
        check=lambda c, w, p, body: (
            [s["id"] for s in body["items"]] == [w.step_id] or pytest.fail("steps")
        ),
    ),
    "create_step": Case(
        "post",
        team("onboarding-steps"),
        MANAGE,
        body=lambda c, w: {"title": "Read the runbook"},
        success=201,
    ),
    "remove_step": Case(
        "delete", lambda c, w: f"/api/onboarding-steps/{w.step_id}", MANAGE, success=204
    ),
    "mark_step": Case(
        "put",
        lambda c, w: f"/api/onboarding-steps/{w.step_id}/mark",
        READ_PLATFORM,
        body=lambda c, w: {"done": True, "hard": True},
        check=lambda c, w, p, body: body["hard"] is True or pytest.fail("hard"),
    ),
    "list_post_mortems": Case(
        "get",
        team("post-mortems"),
        FACILITATE,
        writes=False,
        check=lambda c, w, p, body: body["count"] == 1 or pytest.fail("count"),
    ),
    "record_post_mortem": Case(
        "post",
        team("post-mortems"),
        FACILITATE,
        body=lambda c, w: {
            "title": "Outage",
            "happened_on": "2026-05-03",
            "what_we_did_not_know": "Queues.",
        },
        success=201,
        check=lambda c, w, p, body: (
            Gap.objects.filter(pk=body["gap_id"]).exists() or pytest.fail("gap")
        ),
    ),
    "list_notes": Case(
        "get",
        team("one-on-one-notes"),
        MANAGE,
        writes=False,
        check=lambda c, w, p, body: (
            [n["id"] for n in body["items"]] == ([w.note_id] if p == "alice" else [])
            or pytest.fail("notes")
        ),
    ),
    "create_note": Case(
        "post",
        team("one-on-one-notes"),
        MANAGE,
        body=lambda c, w: {"held_on": "2026-05-05", "text": "Flags again."},
        success=201,
    ),
    "note_to_gap": Case(
        "post",
        lambda c, w: f"/api/one-on-one-notes/{w.note_id}/gap",
        AUTHOR_ALICE,
        body=lambda c, w: {"title": "How flags are retired"},
        success=201,
        check=lambda c, w, p, body: (
            (body["source"], body["raised_by"]) == ("one_on_one", None) or pytest.fail("note gap")
        ),
    ),
    "delete_note": Case(
        "delete", lambda c, w: f"/api/one-on-one-notes/{w.note_id}", AUTHOR_ALICE, success=204
    ),
    "import_gaps": Case(
        "post", team("gap-imports"), FACILITATE, form=_markdown(False), success=201, check=_imported
    ),
    "import_gaps_dry_run": Case(
        "post",
        team("gap-imports"),
        FACILITATE,
        form=_markdown(True),
        writes=False,
        check=_would_import,
    ),
    "import_tracker_issues": Case(
        "post",
        team("tracker-imports"),
        FACILITATE,
        form=lambda c, w: {"file": SimpleUploadedFile("issues.json", GITHUB), "kind": "github"},
        check=_tracked,
    ),
    "similar_gaps": Case(
        "get",
        team("gaps/similar?title=deploy+pipeline"),
        READ_PLATFORM,
        writes=False,
        check=_similar,
    ),
    "duplicate_gaps": Case(
        "get",
        team("gaps/duplicates"),
        FACILITATE,
        writes=False,
        prepare=_look_alike,
        check=_pairs,
    ),
}


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("name", list(CASES))
def test_gap_endpoint(
    cast: Cast,
    world: World,
    client_as: Callable[[str], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
    name: str,
    principal: str,
) -> None:
    case = CASES[name]
    client = client_as(principal)
    if principal not in ("anonymous", "revoked", "expired"):
        client.get("/api/me")  # records the token's use, so only the request under test writes
    case.prepare(cast, world)
    before = everything()
    kwargs: dict[str, Any] = {}
    if case.body is not None:
        kwargs = {"data": case.body(cast, world), "content_type": "application/json"}
    elif case.form is not None:
        kwargs = {"data": case.form(cast, world)}  # the test client's default: multipart

    with django_capture_on_commit_callbacks() as queued:
        response = getattr(client, case.method)(case.url(cast, world), **kwargs)

    expected = case.success if case.expected[principal] == 200 else case.expected[principal]
    assert response.status_code == expected, response.content[:300]
    if expected == case.success:
        if expected == 204:
            assert response.content == b""
        else:
            case.check(cast, world, principal, json_of(response))
        if case.writes:
            assert everything() != before
        assert len(queued) == (1 if name == "refresh_suggestions" else 0)
    else:
        assert_refusal(response, expected)
        assert SECRET not in response.content.decode()
        assert everything() == before
        assert queued == []
