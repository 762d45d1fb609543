"""Every backlog view by every kind of visitor. Outsiders get 404, members lacking the
right 403, anonymous the login page; refused writes change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from peerlearn.gaps import import_services, services, source_services
from peerlearn.gaps.models import (
    Gap,
    GapEvent,
    GapSession,
    GapVote,
    OnboardingMark,
    OnboardingStep,
    OneOnOneNote,
    PendingImport,
    PostMortem,
    Suggestion,
    TeachingOffer,
)
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

from .conftest import make_gap

pytestmark = pytest.mark.django_db

REFUSED = {"charlie": 404, "zed": 404, "anonymous": 302}
VIEW = {"olga": 200, "alice": 200, "fiona": 200, "bob": 200, **REFUSED}
TRIAGE = {"olga": 200, "alice": 200, "fiona": 200, "bob": 403, **REFUSED}
DECIDE = {"olga": 200, "alice": 200, "fiona": 403, "bob": 403, **REFUSED}
# Only the author (alice) has her notes and her upload; anyone else is told they do not exist.
NOTE_AUTHOR = {"olga": 404, "alice": 200, "fiona": 404, "bob": 404, **REFUSED}
# Only bob made the offer; only he can take it back.
OFFER_AUTHOR = {"olga": 404, "alice": 404, "fiona": 404, "bob": 200, **REFUSED}
# Every lead keeps their own notes: olga (an admin) and alice have a page, the rest not.
NOTES_PAGE = DECIDE


class World:
    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.gap = make_gap(cast.platform, by=cast.bob, title="Observability")
        self.other = make_gap(cast.platform, by=cast.bob, title="Tracing")
        self.session = make_session(cast.platform)
        self.linked = make_session(cast.platform, title="Linked one")
        services.gap_link_session(gap=self.other, session=self.linked, actor=cast.alice)
        self.offer = services.offer_create(team=cast.platform, person=cast.bob, topic="Vim")
        self.note = source_services.note_create(
            team=cast.platform, author=cast.alice, held_on=dt.date(2026, 11, 2), text="Wants k8s"
        )
        self.step = source_services.onboarding_step_create(
            team=cast.platform, actor=cast.alice, title="Run the app locally"
        )
        self.pending = import_services.pending_import_create(
            team=cast.platform, uploaded_by=cast.alice, file_name="retro.csv", data=b"Title\nA\n"
        )
        self.suggestion = Suggestion.objects.create(
            team=cast.platform,
            kind="onboarding",
            key="step:1",
            title="Onboarding: run",
            strength=0.5,
        )

    def arg(self, what: str) -> int:
        return {
            "team": self.cast.platform.pk,
            "gap": self.gap.pk,
            "offer": self.offer.pk,
            "note": self.note.pk,
            "step": self.step.pk,
            "suggestion": self.suggestion.pk,
            "pending": self.pending.pk,
        }[what]


Data = Callable[[World], dict[str, Any]]

CASES: list[tuple[str, tuple[str, ...], str, Data, dict[str, int]]] = [
    ("backlog", ("team",), "get", lambda w: {}, VIEW),
    ("gap_create", ("team",), "get", lambda w: {}, VIEW),
    ("gap_create", ("team",), "post", lambda w: {"title": "New", "source": "other"}, VIEW),
    ("anonymous_ask", ("team",), "get", lambda w: {}, VIEW),
    ("anonymous_ask", ("team",), "post", lambda w: {"title": "Psst"}, VIEW),
    ("topic_offer", ("team",), "post", lambda w: {"topic": "Emacs"}, VIEW),
    ("onboarding", ("team",), "get", lambda w: {}, VIEW),
    ("onboarding", ("team",), "post", lambda w: {"title": "Get access"}, DECIDE),
    ("post_mortem", ("team",), "get", lambda w: {}, TRIAGE),
    (
        "post_mortem",
        ("team",),
        "post",
        lambda w: {"title": "Outage", "happened_on": "2026-11-01", "what_we_did_not_know": "DNS"},
        TRIAGE,
    ),
    ("notes", ("team",), "get", lambda w: {}, NOTES_PAGE),
    ("notes", ("team",), "post", lambda w: {"held_on": "2026-11-03", "text": "x"}, NOTES_PAGE),
    ("suggestions", ("team",), "get", lambda w: {}, DECIDE),
    ("suggestions_refresh", ("team",), "post", lambda w: {}, DECIDE),
    ("similar", ("team",), "get", lambda w: {"title": "observability"}, VIEW),
    ("duplicates", ("team",), "get", lambda w: {}, TRIAGE),
    ("import", ("team",), "get", lambda w: {}, TRIAGE),
    (
        "import",
        ("team",),
        "post",
        lambda w: {"kind": "markdown", "source": "retrospective", "text": "- Kafka"},
        TRIAGE,
    ),
    ("import_columns", ("pending",), "get", lambda w: {}, NOTE_AUTHOR),
    (
        "import_columns",
        ("pending",),
        "post",
        lambda w: {"title": "Title", "source": "other"},
        NOTE_AUTHOR,
    ),
    ("tracker_import", ("team",), "get", lambda w: {}, TRIAGE),
    ("gap", ("gap",), "get", lambda w: {}, VIEW),
    ("gap_edit", ("gap",), "get", lambda w: {}, TRIAGE | {"bob": 200}),  # bob raised it
    ("gap_edit", ("gap",), "post", lambda w: {"title": "Observability!"}, TRIAGE | {"bob": 200}),
    ("gap_status", ("gap",), "post", lambda w: {"status": "planned"}, TRIAGE),
    ("gap_vote", ("gap",), "post", lambda w: {"vote": "1"}, VIEW),
    ("gap_merge", ("gap",), "post", lambda w: {"into": w.other.pk}, TRIAGE),
    ("gap_offer", ("gap",), "post", lambda w: {"note": "me"}, VIEW),
    ("gap_link_session", ("gap",), "post", lambda w: {"session": w.session.pk}, TRIAGE),
    ("offer_withdraw", ("offer",), "post", lambda w: {}, OFFER_AUTHOR),
    ("note_to_gap", ("note",), "post", lambda w: {"title": "Kubernetes"}, NOTE_AUTHOR),
    ("note_delete", ("note",), "post", lambda w: {}, NOTE_AUTHOR),
    ("onboarding_mark", ("step",), "post", lambda w: {"done": "on", "hard": "on"}, VIEW),
    ("onboarding_step_remove", ("step",), "post", lambda w: {}, DECIDE),
    ("suggestion_decide", ("suggestion",), "post", lambda w: {"decision": "dismiss"}, DECIDE),
]


def snapshot() -> list[Any]:
    return [
        *Gap.objects.values_list("pk", "title", "status", "vote_count", "merged_into"),
        *GapVote.objects.values_list("pk"),
        *GapEvent.objects.values_list("pk"),
        *GapSession.objects.values_list("pk"),
        *TeachingOffer.objects.values_list("pk", "note"),
        *OneOnOneNote.objects.values_list("pk", "gap"),
        *PostMortem.objects.values_list("pk"),
        *OnboardingStep.objects.values_list("pk"),
        *OnboardingMark.objects.values_list("pk"),
        *Suggestion.objects.values_list("pk", "status"),
        *PendingImport.objects.values_list("pk"),
    ]


@pytest.mark.parametrize("who", ["olga", "alice", "fiona", "bob", "charlie", "zed", "anonymous"])
@pytest.mark.parametrize(
    ("name", "args", "method", "data", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_permission_matrix(
    cast: Cast,
    who: str,
    name: str,
    args: tuple[str, ...],
    method: str,
    data: Data,
    expected: dict[str, int],
) -> None:
    world = World(cast)
    user = None if who == "anonymous" else getattr(cast, who)
    url = reverse(f"gaps:{name}", args=[world.arg(a) for a in args])
    before = snapshot()
    client = client_for(user)
    response = client.get(url, data(world)) if method == "get" else client.post(url, data(world))
    status = expected[who]
    if status == 200 and method == "post":
        assert response.status_code in (200, 302), (who, name)
        if name not in ("suggestions_refresh",):
            assert snapshot() != before, (who, name, "an allowed write changed nothing")
        return
    assert response.status_code == status, (who, name, method)
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if method == "post":
        assert snapshot() == before  # refused: nothing changed


def test_another_teams_backlog_and_gaps_are_not_found(cast: Cast) -> None:
    gap = make_gap(cast.mobile, by=cast.charlie)
    client = client_for(cast.bob)
    assert client.get(reverse("gaps:gap", args=[gap.pk])).status_code == 404
    assert client.get(reverse("gaps:backlog", args=[cast.mobile.pk])).status_code == 404
    assert client.post(reverse("gaps:gap_vote", args=[gap.pk]), {"vote": "1"}).status_code == 404
    assert not GapVote.objects.exists()


def test_merging_into_a_gap_alice_cannot_see_says_there_is_none(cast: Cast) -> None:
    mine = make_gap(cast.platform, by=cast.alice)
    theirs = make_gap(cast.mobile, by=cast.charlie)
    client = client_for(cast.alice)
    response = client.post(
        reverse("gaps:gap_merge", args=[mine.pk]), {"into": theirs.pk}, follow=True
    )
    assert f"There is no gap #{theirs.pk} you can merge into." in response.content.decode()
    mine.refresh_from_db()
    assert mine.merged_into is None
    assert Gap.objects.get(pk=theirs.pk).status == "open"
