"""Reads the knowledge pages share; each is a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower

from peerlearn.knowledge.models import Analysis, AnalysisStatus, Repository
from peerlearn.knowledge.result import Overview, StoredMap, load_map
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
    good: Analysis | None  # the newest successful run, without its result and state
    map: StoredMap | None  # the whole map, when asked for
    overview: Overview | None = None  # what the repository page shows, when asked for

    @property
    def latest(self) -> Analysis | None:
        return self.recent[0] if self.recent else None

    @property
    def in_progress(self) -> bool:
        return self.latest is not None and not self.latest.is_finished


# What the run table and the map's heading show. Listed so no query reads past the map
# and history state: SQLite stores columns in order and reaches one after them (the
# repository's id among them) only by reading through them.
RUN_FIELDS = ("status", "created_at", "finished_at", "error", "incremental", "commits_read")
GOOD_FIELDS = (*RUN_FIELDS, "tip", "commits_analysed", "files_analysed", "truck_factor")


def repository_runs(
    repository: Repository, *, with_map: bool = True, with_overview: bool = False
) -> RepositoryRuns:
    """The recent runs and the newest good one; its whole map (`with_map`) or only its
    overview (`with_overview`, bounded whatever the repository's size). Two queries."""
    recent = list(Analysis.objects.filter(repository=repository).only(*RUN_FIELDS)[:RECENT_RUNS])
    if not (with_map or with_overview):
        return RepositoryRuns(recent, None, None)
    # The shown run is the newest good one, the only one that keeps its map and overview
    # (services._finish_done); testing the overview's row, not the map, reads no map.
    good_runs = Analysis.objects.filter(repository=repository, status=AnalysisStatus.DONE)
    fields = list(GOOD_FIELDS)
    if with_map:
        good_runs = good_runs.exclude(result="")
        fields.append("result")
    if with_overview:
        good_runs = good_runs.filter(map_overview__isnull=False).select_related("map_overview")
        fields.append("map_overview__text")
    good = good_runs.only(*fields).first()
    if good is None:
        return RepositoryRuns(recent, None, None)
    stored = None
    if with_map:
        stored = load_map(
            good.pk, good.finished_at, good.result, budget=settings.KNOWLEDGE_MAP_CACHE_BYTES
        )
    overview = None
    if with_overview:
        overview = Overview.parse(good.map_overview.text)  # tens of kilobytes
    return RepositoryRuns(recent, good, stored, overview)


# Databases cap the number of parameters in one query (older SQLite at 999).
_IN_BATCH = 500


def account_names(team: Team, emails: Iterable[str] | None = None) -> dict[str, str]:
    """E-mail (case-folded) -> account name, for the team's organisation: git identities
    are matched to people by e-mail. With `emails` (case-folded, as maps hold them), only
    the accounts with one of these: one query per 500 addresses, not the organisation."""
    rows = (
        User.objects.filter(organisation_id=team.organisation_id, is_active=True)
        .exclude(email="")
        .only("email", "display_name", "first_name", "last_name", "username")
    )
    wanted = sorted(set(emails)) if emails is not None else None
    if wanted is None or not all(email.isascii() for email in wanted):
        # SQL's lower() is not Python's casefold() beyond ASCII (SQLite's is ASCII only).
        return {user.email.casefold(): user.name for user in rows}
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _IN_BATCH):
        batch = wanted[start : start + _IN_BATCH]
        # By the e-mail index alone (people_user_email_lower): given the organisation too,
        # SQLite without statistics walks the whole organisation instead.
        matches = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=batch, is_active=True)
            .only("email", "display_name", "first_name", "last_name", "username", "organisation")
        )
        for user in matches:
            if user.organisation_id == team.organisation_id:
                found[user.email.casefold()] = user.name
    return found
