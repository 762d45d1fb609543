"""Register, change, re-run and delete repositories: what the knowledge pages' forms do,
through the same choke points (`TeamAction.FACILITATE` on the team or the repository)
and the same services (`peerlearn.knowledge.services`).

The services check the source as for the page: a local path must lie inside
PEERLEARN_REPOSITORY_ROOTS, a clone URL is https://, ssh://, git@host:path or file://
under those roots, never with a password or a remote helper; patterns and aliases are
read line by line. The analysis runs in a worker after the answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema, Status
from pydantic import ConfigDict

from peerlearn.api.auth import api_user
from peerlearn.api.endpoints import repositories
from peerlearn.api.endpoints.repositories import (
    AnalysisOut,
    RepositoryDetailOut,
    analysis_out,
    repository_detail,
)
from peerlearn.api.fields import MultiLine, SingleLine, id_in_path
from peerlearn.knowledge import services
from peerlearn.knowledge.access import get_repository_for_user
from peerlearn.knowledge.models import SourceKind
from peerlearn.knowledge.options import MAX_ACTIVE_MONTHS, OPTION_FIELDS
from peerlearn.people.access import get_team_for_user
from peerlearn.people.roles import TeamAction

# The router of the reads: ninja answers a path from the first router that declares it,
# so a second router's PATCH on /repositories/{id} would never be reached (405).
router = repositories.router

MAX_LINES_TEXT = 100_000  # patterns and aliases, one a line


class OptionsFields(Schema):
    active_months: int = Field(
        6,
        ge=1,
        le=MAX_ACTIVE_MONTHS,
        description="A person is active with a commit in this many months before the analysis.",
        examples=[6],
    )
    prune_truck_factor: bool = Field(
        False,
        description="Leave out truck-factor people who author under 10 % of the top one's files.",
        examples=[False],
    )
    extra_exclusions: MultiLine = Field(
        "",
        max_length=MAX_LINES_TEXT,
        description="Globs to exclude, one a line (added to the defaults).",
        examples=["docs/*\n*.snap"],
    )
    bot_patterns: MultiLine = Field(
        "",
        max_length=MAX_LINES_TEXT,
        description="Regular expressions matched against “Name <email>”, one a line; empty: "
        "the defaults.",
        examples=[""],
    )
    aliases: MultiLine = Field(
        "",
        max_length=MAX_LINES_TEXT,
        description="One person a line, identities joined by “=”.",
        examples=["Robert Tables <bobby@example.com> = <rt@laptop.local>"],
    )


class RepositoryIn(OptionsFields):
    name: SingleLine = Field(..., min_length=1, max_length=120, examples=["billing"])
    kind: SourceKind = Field(
        ..., description="local (a path on the server) or clone (a URL).", examples=["clone"]
    )
    location: SingleLine = Field(
        ...,
        min_length=1,
        max_length=1000,
        description="A clone URL the server can reach, or an absolute path inside "
        "PEERLEARN_REPOSITORY_ROOTS.",
        examples=["https://git.example.com/billing.git"],
    )


@router.post(
    "/teams/{team_id}/repositories",
    response={201: RepositoryDetailOut},
    summary="Register a repository; its first analysis is queued (facilitators, leads, admins)",
)
def create_repository(
    request: HttpRequest, payload: RepositoryIn, team_id: int = id_in_path()
) -> Status[RepositoryDetailOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.FACILITATE)
    repository = services.repository_create(
        team=team,
        created_by=actor,
        name=payload.name,
        kind=payload.kind,
        location=payload.location,
        **{name: getattr(payload, name) for name in OPTION_FIELDS},
    )
    return Status(201, repository_detail(repository, can_facilitate=True))


class RepositoryPatch(Schema):
    """Only the fields sent change; `null` is refused. The source cannot change: register
    another repository for that."""

    # A `kind` or `location` sent would otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    name: SingleLine | None = Field(None, min_length=1, max_length=120)
    active_months: int | None = Field(None, ge=1, le=MAX_ACTIVE_MONTHS)
    prune_truck_factor: bool | None = None
    extra_exclusions: MultiLine | None = Field(None, max_length=MAX_LINES_TEXT)
    bot_patterns: MultiLine | None = Field(None, max_length=MAX_LINES_TEXT)
    aliases: MultiLine | None = Field(None, max_length=MAX_LINES_TEXT)


@router.patch(
    "/repositories/{repository_id}",
    response=RepositoryDetailOut,
    summary="Change a repository's name and options; the map is rebuilt (facilitators, leads, "
    "admins)",
)
def edit_repository(
    request: HttpRequest, payload: RepositoryPatch, repository_id: int = id_in_path()
) -> RepositoryDetailOut:
    actor = api_user(request)
    repository = get_repository_for_user(actor, repository_id, TeamAction.FACILITATE)
    sent = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in sent.items() if value is None]
    if nulls:
        raise ValidationError({name: ["Give a value, or leave the field out."] for name in nulls})
    # The settings page sends every field; what is not sent keeps its value.
    fields: dict[str, Any] = {
        name: sent.get(name, getattr(repository, name)) for name in ("name", *OPTION_FIELDS)
    }
    services.repository_update(repository=repository, requested_by=actor, **fields)
    return repository_detail(repository, can_facilitate=True)


@router.delete(
    "/repositories/{repository_id}",
    response={204: None},
    summary="Delete a repository and its analyses (facilitators, leads, organisation admins)",
)
def delete_repository(request: HttpRequest, repository_id: int = id_in_path()) -> Status[None]:
    actor = api_user(request)
    repository = get_repository_for_user(actor, repository_id, TeamAction.FACILITATE)
    services.repository_delete(repository=repository, deleted_by=actor)
    return Status(204, None)


@router.post(
    "/repositories/{repository_id}/analyses",
    response={202: AnalysisOut},
    summary="Queue an analysis of the new commits (facilitators, leads, organisation admins)",
)
def request_analysis(
    request: HttpRequest, repository_id: int = id_in_path()
) -> Status[AnalysisOut]:
    actor = api_user(request)
    repository = get_repository_for_user(actor, repository_id, TeamAction.FACILITATE)
    run = services.analysis_request(repository=repository, requested_by=actor)
    return Status(202, analysis_out(run, can_facilitate=True))
