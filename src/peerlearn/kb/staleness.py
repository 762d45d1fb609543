"""Which knowledge-base pages may be out of date, from the team's knowledge maps
(engines/kb/staleness.py says what "changed a lot" means)."""

from __future__ import annotations

from collections.abc import Sequence

from peerlearn.audit.services import for_each_isolated
from peerlearn.engines.kb.staleness import AreaFile, Staleness, staleness
from peerlearn.kb.models import KbPage
from peerlearn.knowledge.models import Repository
from peerlearn.knowledge.selectors import repository_runs
from peerlearn.people.models import Team


def _team_files(team: Team) -> list[AreaFile]:
    files: list[AreaFile] = []

    def read(repository: Repository) -> None:
        stored = repository_runs(repository, with_map=True).map
        if stored is not None:
            files.extend(AreaFile(row.path, row.last_change_at) for row in stored.files)

    # A map that cannot be read leaves its pages unflagged, never the page unshown.
    for_each_isolated(
        Repository.objects.filter(team=team),
        read,
        job="kb.staleness",
        describe=lambda r: f"repository {r.name} (#{r.pk})",
        organisation_of=lambda _r: team.organisation_id,
    )
    return files


def pages_staleness(team: Team, pages: Sequence[KbPage]) -> dict[int, Staleness]:
    """For each page with code areas: how much of its code changed since it was published.
    The team's maps are read once (and kept parsed by the process, knowledge.result)."""
    with_areas = [page for page in pages if page.code_areas]
    if not with_areas:
        return {}
    files = _team_files(team)
    return {page.pk: staleness(page.code_areas, files, page.published_at) for page in with_areas}
