"""Automatic signals become suggestions a lead decides; dismissed ones stay dismissed
until their evidence grows. Islands are read from a real analysed repository."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerlearn.audit.models import ItemFailure
from peerlearn.engines.gaps.local_signals import IslandRow, SignalFinding, island_findings
from peerlearn.gaps import signal_services, source_services
from peerlearn.gaps.models import Gap, Suggestion, SuggestionStatus, TrackerIssue
from peerlearn.gaps.signals import team_signals_refresh
from peerlearn.knowledge.models import Repository
from tests.conftest import Cast, client_for
from tests.engines.knowledge.gitrepo import GitRepo
from tests.knowledge.conftest import ALICE, BOB, DAY, Register

pytestmark = pytest.mark.django_db


def finding(key: str, strength: float) -> SignalFinding:
    return SignalFinding(key=key, title=f"Learn {key}", strength=strength, description="why")


def test_refresh_adds_updates_and_forgets_pending_suggestions(cast: Cast) -> None:
    counts = signal_services.suggestions_refresh(
        team=cast.platform, kind="onboarding", found=[finding("a", 0.5), finding("b", 0.4)]
    )
    assert (counts.new, counts.updated) == (2, 0)
    counts = signal_services.suggestions_refresh(
        team=cast.platform, kind="onboarding", found=[finding("a", 0.7)]
    )
    assert (counts.new, counts.updated, counts.gone) == (0, 1, 1)
    assert list(Suggestion.objects.values_list("key", "strength")) == [("a", 0.7)]


def test_a_dismissed_suggestion_returns_only_when_its_evidence_grows(cast: Cast) -> None:
    signal_services.suggestions_refresh(
        team=cast.platform, kind="onboarding", found=[finding("a", 0.4)]
    )
    suggestion = Suggestion.objects.get()
    signal_services.suggestion_dismiss(suggestion=suggestion, lead=cast.alice)
    for strength in (0.4, 0.45, 0.3):  # same, a little more, less: stays dismissed
        signal_services.suggestions_refresh(
            team=cast.platform, kind="onboarding", found=[finding("a", strength)]
        )
        assert Suggestion.objects.get().status == SuggestionStatus.DISMISSED
    signal_services.suggestions_refresh(team=cast.platform, kind="onboarding", found=[])
    assert Suggestion.objects.get().status == SuggestionStatus.DISMISSED  # not forgotten
    counts = signal_services.suggestions_refresh(
        team=cast.platform, kind="onboarding", found=[finding("a", 0.6)]
    )
    assert counts.returned == 1
    assert Suggestion.objects.get().status == SuggestionStatus.PENDING


def test_accepting_makes_a_gap_with_the_evidence_and_no_person(cast: Cast) -> None:
    signal_services.suggestions_refresh(
        team=cast.platform,
        kind="knowledge_island",
        found=[
            SignalFinding(
                key="1:directory:src/billing",
                title="Share billing",
                strength=0.8,
                code_areas=("src/billing",),
                evidence={"person": "Alice"},
            )
        ],
    )
    gap = signal_services.suggestion_accept(suggestion=Suggestion.objects.get(), lead=cast.alice)
    assert (gap.source, gap.code_areas, gap.raised_by) == ("codebase", ["src/billing"], None)
    assert gap.signal_strength == 0.8
    assert gap.evidence["person"] == "Alice"
    assert Suggestion.objects.get().gap == gap
    with pytest.raises(ValidationError, match="Already accepted"):
        signal_services.suggestion_accept(suggestion=Suggestion.objects.get(), lead=cast.alice)
    with pytest.raises(ValidationError, match="drop the gap"):
        signal_services.suggestion_dismiss(suggestion=Suggestion.objects.get(), lead=cast.alice)


def test_islands_of_an_analysed_repository_are_suggested(
    cast: Cast, source: GitRepo, register: Register
) -> None:
    register(str(source.path), kind="local")

    result = team_signals_refresh(cast.platform)

    assert result.failed == []
    keys = set(Suggestion.objects.filter(kind="knowledge_island").values_list("key", flat=True))
    repository = Repository.objects.get()
    assert f"{repository.pk}:directory:src/billing" in keys
    assert f"{repository.pk}:file:docs/guide.md" in keys
    assert not any(k.startswith(f"{repository.pk}:file:src/billing/") for k in keys)
    billing = Suggestion.objects.get(key=f"{repository.pk}:directory:src/billing")
    assert "Alice" in billing.title
    assert billing.evidence["files"] == 2


def test_one_broken_repository_does_not_stop_the_others(
    cast: Cast, source: GitRepo, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(str(source.path), kind="local")
    Repository.objects.create(team=cast.platform, name="broken", kind="local", location="/x")
    import peerlearn.gaps.signals as signals

    real = signals.repository_runs

    def runs(repository: Repository, **kwargs: object) -> object:
        if repository.name == "broken":
            raise RuntimeError("stored map unreadable")
        return real(repository, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(signals, "repository_runs", runs)
    team_signals_refresh(cast.platform)
    assert Suggestion.objects.filter(kind="knowledge_island").exists()
    assert ItemFailure.objects.get().item.startswith("repository broken")


def test_island_findings_skip_old_areas_and_files_inside_directory_islands() -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    recent = now - dt.timedelta(days=10)
    rows = [
        IslandRow("directory", "src/pay", "a@x", 12, 40, recent),
        IslandRow("directory", "src/pay/cards", "a@x", 3, 9, recent),
        IslandRow("file", "src/pay/cards/visa.py", "a@x", 900, 5, recent),
        IslandRow("file", "tools/old.sh", "b@x", 100, 2, now - dt.timedelta(days=400)),
        IslandRow("file", "README.md", "b@x", 100, 2, recent),
    ]
    found = island_findings(rows, now=now, names={"a@x": "Ann"}, repository="app", key_prefix="")
    assert [f.key for f in found] == ["directory:src/pay", "file:README.md"]
    assert found[0].strength > found[1].strength
    assert "Ann" in found[0].title


def test_onboarding_steps_found_hard_by_two_people_are_suggested(cast: Cast) -> None:
    step = source_services.onboarding_step_create(team=cast.platform, actor=cast.alice, title="VPN")
    easy = source_services.onboarding_step_create(
        team=cast.platform, actor=cast.alice, title="Mail"
    )
    source_services.onboarding_mark(
        step=step, person=cast.bob, done=True, hard=True, comment="certs"
    )
    source_services.onboarding_mark(step=easy, person=cast.bob, done=True, hard=False)
    team_signals_refresh(cast.platform)
    assert not Suggestion.objects.filter(kind="onboarding").exists()  # one person only
    source_services.onboarding_mark(step=step, person=cast.fiona, done=False, hard=True)
    source_services.onboarding_mark(step=step, person=cast.alice, done=True, hard=False)
    team_signals_refresh(cast.platform)
    suggestion = Suggestion.objects.get(kind="onboarding")
    assert suggestion.title == "Onboarding: VPN"
    assert suggestion.strength == pytest.approx(2 / 3, abs=1e-3)
    assert "> certs" in suggestion.description


def test_suggestion_page_accepts_and_dismisses(cast: Cast) -> None:
    signal_services.suggestions_refresh(
        team=cast.platform, kind="onboarding", found=[finding("a", 0.5), finding("b", 0.5)]
    )
    first, second = Suggestion.objects.order_by("key")
    client = client_for(cast.alice)
    page = client.get(reverse("gaps:suggestions", args=[cast.platform.pk])).content.decode()
    assert "Learn a" in page
    assert "Learn b" in page
    client.post(reverse("gaps:suggestion_decide", args=[first.pk]), {"decision": "accept"})
    client.post(reverse("gaps:suggestion_decide", args=[second.pk]), {"decision": "dismiss"})
    assert Gap.objects.get().title == "Learn a"
    assert Suggestion.objects.get(pk=second.pk).status == SuggestionStatus.DISMISSED
    assert timezone.now() - Suggestion.objects.get(pk=second.pk).updated_at < dt.timedelta(
        minutes=1
    )


def test_a_dependency_added_lately_is_suggested_with_who_brought_it(
    cast: Cast, roots: Path, register: Register
) -> None:
    repo = GitRepo(roots / "svc")
    now = int(time.time())
    old = '[project]\nname = "svc"\ndependencies = ["requests>=2"]\n'
    repo.commit(
        ALICE, write={"pyproject.toml": old, "svc/old.py": "import requests\n"}, at=now - 300 * DAY
    )
    new = old.replace('["requests>=2"]', '["requests>=2", "httpx>=0.27"]')
    repo.commit(
        BOB,
        write={
            "pyproject.toml": new,
            "svc/client.py": "import httpx\n",
            "svc/api.py": "import httpx\n",
        },
        at=now - 10 * DAY,
    )
    register(str(repo.path), kind="local", name="svc")

    team_signals_refresh(cast.platform)

    suggestions = Suggestion.objects.filter(kind="new_technology")
    assert [s.evidence["dependency"] for s in suggestions] == ["httpx"]
    httpx = suggestions.get()
    assert httpx.evidence["introduced_by"] == "Bob Builder"
    assert httpx.evidence["importers"] == 2
    assert httpx.code_areas == ["svc/"]
    assert "Bob Builder added `httpx`" in httpx.description


def test_recurring_bugs_are_linked_to_the_code_their_fixes_touched(
    cast: Cast, roots: Path, register: Register
) -> None:
    now = timezone.now()
    repo = GitRepo(roots / "shop")
    repo.commit(ALICE, write={"README.md": "shop\n"}, at=int(time.time()) - 200 * DAY)
    for number, days in ((11, 150), (12, 100), (13, 40)):
        opened = now - dt.timedelta(days=days)
        TrackerIssue.objects.create(
            team=cast.platform,
            key=f"#{number}",
            title="Checkout crashes when the cart is empty",
            body="Stack trace in cart.py",
            labels=["bug"],
            state="closed",
            opened_at=opened,
            closed_at=opened + dt.timedelta(days=2),
            is_bug=True,
        )
        repo.commit(
            BOB,
            write={"shop/cart/cart.py": f"# fix {number}\n"},
            at=int((opened + dt.timedelta(days=1)).timestamp()),
            message=f"Fix empty cart crash (fixes #{number})",
        )
    register(str(repo.path), kind="local", name="shop")

    team_signals_refresh(cast.platform)

    bugs = Suggestion.objects.get(kind="recurring_bugs")
    assert bugs.evidence["reports"] == 3
    assert bugs.code_areas == ["shop/cart"]
    assert "Recurring bugs" in bugs.title
