"""/api/teams/{id}/repositories and /api/repositories/{id}: the knowledge map (reads;
registering, changing, re-running and deleting: repository_writes.py).

What the repository pages show, through `peerlearn.knowledge.access` and the pages'
own selectors and summaries (`knowledge.selectors`, `knowledge.pages`): anyone in the
team reads; git's error message of a failed analysis only reaches those who can change
the repository (facilitators, leads, organisation admins), as on the pages, because it
can tell whether a host or port answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import id_in_path
from peerlearn.api.pagination import Page
from peerlearn.knowledge import pages
from peerlearn.knowledge.access import get_repository_access
from peerlearn.knowledge.models import Analysis, AnalysisStatus, Repository, SourceKind
from peerlearn.knowledge.result import ISLANDS_SHOWN, LOSS_SHOWN, PEOPLE_SHOWN
from peerlearn.knowledge.selectors import account_names, repository_runs, team_repositories
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction

router = Router(tags=["repositories"])

HIDDEN_ERROR = (
    "The repository could not be analysed. The team's facilitators and leads can see why."
)


def _error(status: str | None, error: str, *, can_facilitate: bool) -> str | None:
    if status != AnalysisStatus.FAILED:
        return None
    return error if can_facilitate else HIDDEN_ERROR


class RepositoryOut(Schema):
    id: int = Field(..., examples=[3])
    team_id: int = Field(..., examples=[1])
    name: str = Field(..., examples=["billing"])
    kind: SourceKind = Field(..., examples=[SourceKind.CLONE])
    location: str = Field(..., examples=["https://git.example.com/billing.git"])
    created_at: dt.datetime
    last_status: AnalysisStatus | None = Field(
        ..., description="The newest analysis's status; null if none ran.", examples=["done"]
    )
    last_error: str | None = Field(
        ...,
        description="Why the newest analysis failed (its detail for facilitators, leads and "
        "organisation admins only); null unless it failed.",
        examples=[None],
    )
    truck_factor: int | None = Field(..., description="Of the last good map.", examples=[2])
    files_analysed: int | None = Field(..., examples=[412])
    map_finished_at: dt.datetime | None = Field(..., description="When the last good map was made.")


@router.get(
    "/teams/{team_id}/repositories",
    response=list[RepositoryOut],
    summary="A team's repositories and the state of their maps",
)
@paginate(Page)
def list_repositories(request: HttpRequest, team_id: int = id_in_path()) -> list[RepositoryOut]:
    access = get_team_access(api_user(request), team_id, TeamAction.VIEW)
    can_facilitate = access.allows(TeamAction.FACILITATE)
    return [
        RepositoryOut(
            id=row.pk,
            team_id=row.team_id,
            name=row.name,
            kind=SourceKind(row.kind),
            location=row.location,
            created_at=row.created_at,
            last_status=row.last_status,  # type: ignore[attr-defined]
            last_error=_error(
                row.last_status,  # type: ignore[attr-defined]
                row.last_error or "",  # type: ignore[attr-defined]
                can_facilitate=can_facilitate,
            ),
            truck_factor=row.good_truck_factor,  # type: ignore[attr-defined]
            files_analysed=row.good_files,  # type: ignore[attr-defined]
            map_finished_at=row.good_finished_at,  # type: ignore[attr-defined]
        )
        for row in team_repositories(access.team).order_by("name", "pk")
    ]


class AnalysisOut(Schema):
    id: int = Field(..., examples=[9])
    status: AnalysisStatus = Field(..., examples=[AnalysisStatus.DONE])
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    incremental: bool | None = Field(..., examples=[True])
    commits_read: int | None = Field(..., examples=[12])
    error: str | None = Field(..., description="As `last_error` of the list.", examples=[None])


def analysis_out(run: Analysis, *, can_facilitate: bool) -> AnalysisOut:
    return AnalysisOut(
        id=run.pk,
        status=AnalysisStatus(run.status),
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        incremental=run.incremental,
        commits_read=run.commits_read,
        error=_error(run.status, run.error, can_facilitate=can_facilitate),
    )


class TruckPersonOut(Schema):
    key: str = Field(..., description="The person's key in the map (an e-mail).")
    name: str = Field(..., examples=["Alice Liddell"])
    files: int = Field(..., description="Files they author.", examples=[130])


class TruckFactorOut(Schema):
    value: int = Field(..., examples=[2])
    people: list[TruckPersonOut]
    total_files: int = Field(..., examples=[412])
    coverage_percent: int = Field(
        ..., description="Files that keep an author if these people leave.", examples=[48]
    )


class LostAreaOut(Schema):
    kind: str = Field(..., description="directory or file.", examples=["directory"])
    path: str = Field(..., description='"" is the whole repository.', examples=["src/legacy"])
    files: int = Field(..., examples=[12])
    known_by: list[str] = Field(
        ..., description="Who knew it (none active), most files first, at most 3."
    )


class SummaryOut(Schema):
    knowledge_loss: str = Field(..., examples=["260 of 1,793 files (15 %) have no active author."])
    files_without_active_author: int = Field(..., examples=[260])
    lost: list[LostAreaOut] = Field(
        ...,
        description=f"Topmost lost directories, then lost files, at most {LOSS_SHOWN}.",
    )
    lost_total: int = Field(..., examples=[14])
    truck_factor: str = Field(..., description="The greedy count, in a sentence.")
    reference_truck_factor: str = Field(
        ..., description="The reference tool's pruned list, in a sentence."
    )
    reference_value: int = Field(..., examples=[1])
    reference_people: list[str] = Field(..., description="Their keys, in removal order.")


class IslandOut(Schema):
    kind: str = Field(..., description="file or directory.", examples=["directory"])
    path: str = Field(..., examples=["src/billing"])
    person: str = Field(..., description="The only active author's key.")
    name: str = Field(..., examples=["Alice Liddell"])
    size: int = Field(..., description="Bytes (file) or files (directory).", examples=[2])
    last_change: dt.datetime | None
    nested: int = Field(0, description="Islands inside this directory, counted in it.")
    fixture: bool = Field(False, description="Under a test-fixture or data directory.")


class PersonOut(Schema):
    key: str = Field(..., examples=["alice@example.com"])
    name: str = Field(..., description="The account's name, else the git name.")
    matched: bool = Field(..., description="Whether an account has this e-mail.")
    files_authored: int = Field(..., examples=[130])
    commits: int = Field(..., examples=[210])
    last_commit: dt.datetime | None
    active: bool
    in_truck_factor: bool


class MapOut(Schema):
    analysis_id: int = Field(..., examples=[9])
    finished_at: dt.datetime | None
    tip: str = Field(..., description="The analysed commit.", examples=["3f9c1a0b7d2e"])
    commits_analysed: int | None = Field(..., examples=[840])
    files_analysed: int | None = Field(..., examples=[412])
    active_since: str = Field(..., description="Active: a commit since this moment.")
    truck_factor: TruckFactorOut
    summary: SummaryOut | None = Field(
        ..., description="What the page states first; null for maps from before it."
    )
    islands: list[IslandOut] = Field(..., description=f"Largest first, at most {ISLANDS_SHOWN}.")
    islands_total: int = Field(..., examples=[7])
    people: list[PersonOut] = Field(
        ..., description=f"Who authors the most files first, at most {PEOPLE_SHOWN}."
    )
    people_total: int = Field(..., examples=[14])
    bots: list[str] = Field(..., description="Identities left out as bots.")


class RepositoryDetailOut(RepositoryOut):
    analyses: list[AnalysisOut] = Field(..., description="The recent analyses, newest first.")
    map: MapOut | None = Field(..., description="The last good map; null if none succeeded.")
    can_facilitate: bool = Field(..., description="Whether you may change, re-run or delete it.")


def _summary(stored: Any, said: dict[str, Any] | None) -> SummaryOut | None:
    if said is None:
        return None
    loss = stored.data["knowledge_loss"]
    reference = stored.data["truck_factor"]["reference_people"]
    return SummaryOut(
        knowledge_loss=said["loss"],
        files_without_active_author=loss["files_without_active_author"],
        lost=[
            LostAreaOut(
                kind=area["kind"], path=area["path"], files=area["files"], known_by=area["known_by"]
            )
            for area in said["areas"]
        ],
        lost_total=loss["areas_total"],
        truck_factor=said["truck"],
        reference_truck_factor=said["reference"],
        reference_value=len(reference),
        reference_people=list(reference),
    )


def _map(repository: Repository, runs: Any) -> MapOut | None:
    # The overview the repository page reads (bounded whatever the repository's size),
    # never the whole map.
    stored, good = runs.overview, runs.good
    if stored is None or good is None:
        return None
    names = pages.Names(stored, account_names(repository.team, pages.emails_of(stored)))
    truck = pages.truck_factor(stored, names)
    islands = pages.islands(stored, names)
    people = pages.people(stored, names)
    return MapOut(
        analysis_id=good.pk,
        finished_at=good.finished_at,
        tip=good.tip,
        commits_analysed=good.commits_analysed,
        files_analysed=good.files_analysed,
        active_since=str(stored.data.get("active_since", "")),
        truck_factor=TruckFactorOut(
            value=truck["value"],
            people=[TruckPersonOut(**row) for row in truck["people_rows"]],
            total_files=truck["total_files"],
            coverage_percent=truck["coverage_percent"],
        ),
        summary=_summary(stored, pages.summary(stored, names)),
        islands=[
            IslandOut(
                kind=row["kind"],
                path=row["path"],
                person=row["person"],
                name=row["name"],
                size=row["size"],
                last_change=row["last_change"],
                nested=row.get("nested", 0),
                fixture=row.get("fixture", False),
            )
            for row in islands["rows"]
        ],
        islands_total=islands["total"],
        people=[
            PersonOut(
                key=row["key"],
                name=row["display"],
                matched=row["matched"],
                files_authored=row["files_authored"],
                commits=row["commits"],
                last_commit=row["last_commit"],
                active=row["active"],
                in_truck_factor=row["in_truck_factor"],
            )
            for row in people["rows"]
        ],
        people_total=people["total"],
        bots=list(stored.data.get("bots", [])),
    )


@router.get(
    "/repositories/{repository_id}",
    response=RepositoryDetailOut,
    summary="One repository: its analyses and the overview of its knowledge map",
)
def get_repository(request: HttpRequest, repository_id: int = id_in_path()) -> RepositoryDetailOut:
    access = get_repository_access(api_user(request), repository_id, TeamAction.VIEW)
    return repository_detail(access.obj, can_facilitate=access.allows(TeamAction.FACILITATE))


def repository_detail(repository: Repository, *, can_facilitate: bool) -> RepositoryDetailOut:
    """What GET /api/repositories/{id} answers, also after a change."""
    runs = repository_runs(repository, with_map=False, with_overview=True)
    latest = runs.latest
    good = runs.good
    return RepositoryDetailOut(
        id=repository.pk,
        team_id=repository.team_id,
        name=repository.name,
        kind=SourceKind(repository.kind),
        location=repository.location,
        created_at=repository.created_at,
        last_status=AnalysisStatus(latest.status) if latest else None,
        last_error=(
            _error(latest.status, latest.error, can_facilitate=can_facilitate) if latest else None
        ),
        truck_factor=good.truck_factor if good else None,
        files_analysed=good.files_analysed if good else None,
        map_finished_at=good.finished_at if good else None,
        analyses=[analysis_out(run, can_facilitate=can_facilitate) for run in runs.recent],
        map=_map(repository, runs),
        can_facilitate=can_facilitate,
    )
