"""The automatic signals of a team, computed from what peerlearn holds and stored as
suggestions (signal_services.suggestions_refresh). Each signal and each repository runs
on its own: one that fails is recorded as a skipped item and the others go on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone

from peerlearn.audit.services import for_each_isolated
from peerlearn.engines.gaps.bug_signal import bug_findings, recurring_clusters
from peerlearn.engines.gaps.bugs import BugCluster
from peerlearn.engines.gaps.bugs import TrackerIssue as ParsedIssue
from peerlearn.engines.gaps.fix_commits import FixCommit, areas_for_issues, fix_commits
from peerlearn.engines.gaps.local_signals import (
    IslandRow,
    SignalFinding,
    StepMarks,
    island_findings,
    onboarding_findings,
)
from peerlearn.engines.gaps.new_technologies import new_dependencies
from peerlearn.engines.gaps.tech_signal import tech_findings
from peerlearn.gaps.models import OnboardingMark, OnboardingStep, SignalKind, TrackerIssue
from peerlearn.gaps.signal_services import RefreshCounts, suggestions_refresh
from peerlearn.knowledge.models import AnalysisStatus, Repository
from peerlearn.knowledge.selectors import account_names, repository_runs
from peerlearn.knowledge.sources import SourceError, git_source
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


NEW_TECHNOLOGY_MONTHS = 6


def _history_of(repository: Repository) -> Path | None:
    """The git directory of a repository whose analysis succeeded (so a clone exists),
    checked against the allowed roots again; None when it cannot be read now."""
    if not repository.analyses.filter(status=AnalysisStatus.DONE).exists():
        return None
    try:
        return git_source(repository).read
    except SourceError:
        return None


def new_technology_signal(team: Team, *, now: datetime | None = None) -> list[SignalFinding]:
    """Dependencies added to the team's repositories in the last six months."""
    since = (now or timezone.now()) - timedelta(days=30 * NEW_TECHNOLOGY_MONTHS)
    found: list[SignalFinding] = []

    def one(repository: Repository) -> None:
        path = _history_of(repository)
        if path is None:
            return
        report = new_dependencies(path, since=since)
        found.extend(
            tech_findings(
                report.dependencies, repository=repository.name, key_prefix=f"{repository.pk}:"
            )
        )

    for_each_isolated(
        Repository.objects.filter(team=team),
        one,
        job="gaps.signal.new_technologies",
        describe=lambda r: f"repository {r.name} (#{r.pk})",
        organisation_of=lambda _r: team.organisation_id,
    )
    return found


def fix_areas(
    team: Team, clusters: list[BugCluster]
) -> dict[tuple[str, ...], list[tuple[str, int]]]:
    """The code areas the commits fixing each cluster's reports touched, over the team's
    repositories (commit messages that name the issue: `fixes #12`, `PROJ-4`)."""
    commits: list[FixCommit] = []
    since = min(cluster.first_seen for cluster in clusters) - timedelta(days=30)

    def one(repository: Repository) -> None:
        path = _history_of(repository)
        if path is not None:
            commits.extend(fix_commits(path, since=since))

    for_each_isolated(
        Repository.objects.filter(team=team),
        one,
        job="gaps.signal.fix_commits",
        describe=lambda r: f"repository {r.name} (#{r.pk})",
        organisation_of=lambda _r: team.organisation_id,
    )
    if not commits:
        return {}
    return {cluster.keys: areas_for_issues(commits, cluster.keys) for cluster in clusters}


# Reading every imported issue of a team is bounded: the newest this many reports.
BUG_REPORTS_READ = 50_000


def bug_signal(team: Team) -> list[SignalFinding]:
    """Clusters of imported bug reports that keep coming back."""
    rows = (
        TrackerIssue.objects.filter(team=team, is_bug=True)
        .order_by("-opened_at")
        .values_list(
            "key", "title", "body", "labels", "issue_type", "state", "opened_at", "closed_at", "url"
        )[:BUG_REPORTS_READ]
    )
    issues = [
        ParsedIssue(
            key=key,
            title=title,
            body=body[:2000],
            labels=tuple(labels),
            issue_type=issue_type or None,
            state=state,
            created_at=opened_at,
            closed_at=closed_at,
            url=url or None,
        )
        for key, title, body, labels, issue_type, state, opened_at, closed_at, url in rows
    ]
    titles = {issue.key: issue.title for issue in issues}
    clusters = recurring_clusters(issues)
    return bug_findings(
        clusters, areas=fix_areas(team, clusters) if clusters else {}, titles=titles
    )


SIGNALS = {
    SignalKind.KNOWLEDGE_ISLAND: island_signal,
    SignalKind.RECURRING_BUGS: bug_signal,
    SignalKind.NEW_TECHNOLOGY: new_technology_signal,
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
