"""Reads the knowledge pages share; each is a fixed number of queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from peerlearn.knowledge.models import Analysis, AnalysisStatus, Repository
from peerlearn.knowledge.result import StoredMap, load_map
from peerlearn.people.models import Team, User

RECENT_RUNS = 8


def team_repositories(team: Team) -> QuerySet[Repository]:
    """The team's repositories with their newest run's status and last good figures."""
    runs = Analysis.objects.filter(repository=OuterRef("pk"))
    good = runs.filter(status=AnalysisStatus.DONE)
    return Repository.objects.filter(team=team).annotate(
        last_status=Subquery(runs.values("status")[:1]),
        last_error=Subquery(runs.values("error")[:1]),
        good_truck_factor=Subquery(good.values("truck_factor")[:1]),
        good_files=Subquery(good.values("files_analysed")[:1]),
        good_finished_at=Subquery(good.values("finished_at")[:1]),
    )


@dataclass(frozen=True)
class RepositoryRuns:
    recent: list[Analysis]  # newest first, without their (large) result and state
    good: Analysis | None  # the newest successful run, with its result
    map: StoredMap | None

    @property
    def latest(self) -> Analysis | None:
        return self.recent[0] if self.recent else None

    @property
    def in_progress(self) -> bool:
        return self.latest is not None and not self.latest.is_finished


def repository_runs(repository: Repository, *, with_map: bool = True) -> RepositoryRuns:
    recent = list(
        Analysis.objects.filter(repository=repository).defer("result", "state")[:RECENT_RUNS]
    )
    good = None
    stored = None
    if with_map:
        good = (
            Analysis.objects.filter(repository=repository, status=AnalysisStatus.DONE)
            .exclude(result="")
            .defer("state")
            .first()
        )
        if good is not None:
            stored = load_map(
                good.pk, good.finished_at, good.result, budget=settings.KNOWLEDGE_MAP_CACHE_BYTES
            )
    return RepositoryRuns(recent, good, stored)


def account_names(team: Team) -> dict[str, str]:
    """E-mail (lower case) -> account name, for the team's organisation: git identities
    are matched to people by e-mail. One query, bounded by the organisation's size."""
    rows = (
        User.objects.filter(organisation_id=team.organisation_id, is_active=True)
        .exclude(email="")
        .only("email", "display_name", "first_name", "last_name", "username")
    )
    return {user.email.casefold(): user.name for user in rows}
