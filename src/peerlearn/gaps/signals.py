"""The automatic signals of a team, computed from what peerlearn holds and stored as
suggestions (signal_services.suggestions_refresh). Each signal and each repository runs
on its own: one that fails is recorded as a skipped item and the others go on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from peerlearn.audit.services import for_each_isolated
from peerlearn.engines.gaps.local_signals import (
    IslandRow,
    SignalFinding,
    StepMarks,
    island_findings,
    onboarding_findings,
)
from peerlearn.gaps.models import OnboardingMark, OnboardingStep, SignalKind
from peerlearn.gaps.signal_services import RefreshCounts, suggestions_refresh
from peerlearn.knowledge.models import Repository
from peerlearn.knowledge.selectors import account_names, repository_runs
from peerlearn.people.models import Team


@dataclass
class TeamRefresh:
    counts: dict[str, RefreshCounts] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def island_signal(team: Team, *, now: datetime | None = None) -> list[SignalFinding]:
    """Knowledge islands of every repository of the team that has a map."""
    found: list[SignalFinding] = []
    moment = now or timezone.now()

    def one(repository: Repository) -> None:
        runs = repository_runs(repository, with_map=True)
        if runs.map is None:
            return
        data = runs.map.data
        names = {p["key"]: p.get("name") or p["key"] for p in data["people"]}
        names.update(account_names(team, names))
        rows = [
            IslandRow(
                kind=i["kind"],
                path=i["path"],
                person=i["person"],
                size=int(i["size"]),
                changes=int(i["changes"]),
                last_change_at=_when(i["last_change_at"]),
            )
            for i in data["islands"]
        ]
        found.extend(
            island_findings(
                rows,
                now=moment,
                names=names,
                repository=repository.name,
                key_prefix=f"{repository.pk}:",
            )
        )

    for_each_isolated(
        Repository.objects.filter(team=team),
        one,
        job="gaps.signal.islands",
        describe=lambda r: f"repository {r.name} (#{r.pk})",
        organisation_of=lambda _r: team.organisation_id,
    )
    return found


def onboarding_signal(team: Team) -> list[SignalFinding]:
    steps = (
        OnboardingStep.objects.filter(team=team)
        .annotate(marked=Count("marks"), hard=Count("marks", filter=Q(marks__hard=True)))
        .filter(hard__gt=0)
    )
    comments: dict[int, list[str]] = {}
    for step_id, comment in (
        OnboardingMark.objects.filter(step__team=team, hard=True)
        .exclude(comment="")
        .order_by("updated_at", "pk")
        .values_list("step_id", "comment")
    ):
        comments.setdefault(step_id, []).append(comment)
    return onboarding_findings(
        StepMarks(s.pk, s.title, s.marked, s.hard, tuple(comments.get(s.pk, ()))) for s in steps
    )


SIGNALS = {
    SignalKind.KNOWLEDGE_ISLAND: island_signal,
    SignalKind.ONBOARDING: onboarding_signal,
}


def team_signals_refresh(team: Team) -> TeamRefresh:
    result = TeamRefresh()

    def one(kind: SignalKind) -> None:
        result.counts[kind] = suggestions_refresh(team=team, kind=kind, found=SIGNALS[kind](team))

    outcome = for_each_isolated(
        list(SIGNALS),
        one,
        job="gaps.signals",
        describe=lambda k: f"{k.label} of {team.name}",
        organisation_of=lambda _k: team.organisation_id,
    )
    result.failed = [str(kind) for kind in outcome.failed]
    return result
