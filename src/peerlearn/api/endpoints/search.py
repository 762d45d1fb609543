"""Search a team's knowledge-base pages, session notes and transcripts: the selector and
access rule of the search page (`search.selectors`, `people.access`)."""

# No `from __future__ import annotations`: ninja must see `Query[SearchParams]` as a type.
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from peerlearn.api.auth import api_user
from peerlearn.api.fields import id_in_path
from peerlearn.people.access import get_team_access
from peerlearn.search.selectors import MAX_LIMIT, MAX_OFFSET, search

router = Router(tags=["search"])

_KINDS = "^(page|notes|transcript)(,(page|notes|transcript))*$"


class SearchParams(Schema):
    q: str = Field(
        ..., max_length=500,
        description='Words to find (all of them); "quoted words" for a phrase, -word to leave out.',
    )  # fmt: skip
    kind: str = Field(
        "", pattern=f"{_KINDS}|^$", examples=["page,notes"],
        description="Only these kinds, comma-separated: page, notes, transcript.",
    )  # fmt: skip
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class SearchHitOut(Schema):
    kind: Literal["page", "notes", "transcript"]
    title: str = Field(..., description="Plain text.")
    title_html: str = Field(..., description="The title, escaped, matches in <mark>.")
    snippet_html: str = Field(
        ..., description="A passage around the first match: escaped text, matches in <mark>."
    )
    url: str = Field(..., examples=["/kb/4/"])
    session_id: int
    updated_at: dt.datetime


class SearchOut(Schema):
    items: list[SearchHitOut]
    limit: int
    offset: int
    has_more: bool = Field(..., description="More results after these (ask with a larger offset).")


@router.get(
    "/teams/{team_id}/search",
    response=SearchOut,
    summary="Search a team's pages, notes and transcripts, best match first (anyone in the team)",
)
def team_search(
    request: HttpRequest, params: Query[SearchParams], team_id: int = id_in_path()
) -> SearchOut:
    team = get_team_access(api_user(request), team_id).team
    kinds = [kind for kind in params.kind.split(",") if kind]
    # Control characters mean nothing in a search (and PostgreSQL refuses NUL).
    text = "".join(c for c in params.q if c >= " " and c != "\x7f")
    results = search(
        query=text, team_ids=[team.pk], kinds=kinds, limit=params.limit, offset=params.offset
    )
    return SearchOut(
        items=[
            SearchHitOut(
                kind=hit.kind,  # type: ignore[arg-type]
                title=hit.title,
                title_html=str(hit.title_html),
                snippet_html=str(hit.snippet_html),
                url=hit.url,
                session_id=hit.session_id,
                updated_at=hit.updated_at,
            )
            for hit in results.hits
        ],
        limit=results.limit,
        offset=results.offset,
        has_more=results.has_more,
    )
