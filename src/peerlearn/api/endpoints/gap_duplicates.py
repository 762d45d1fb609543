"""/api/teams/{id}/gaps/similar and /gaps/duplicates: what the backlog pages show of gaps
that look alike (gaps.duplicate_views) — the gaps most like one being written (anyone in
the team), and the pairs to review and merge (facilitators, leads, organisation admins).

Same readers (`gaps.duplicates.similar_gaps`, `duplicate_pairs`: TF-IDF over the team's
open and planned gaps) and thresholds; only the team's own gaps are ever compared.
"""

# No `from __future__ import annotations`: ninja must see `Query[SimilarQuery]` as a type.
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import Id, MultiLine, SingleLine, id_in_path
from peerlearn.api.pagination import Page
from peerlearn.gaps import rules
from peerlearn.gaps.duplicates import DESCRIPTION_READ, duplicate_pairs, similar_gaps
from peerlearn.gaps.models import Gap, GapStatus
from peerlearn.people.access import get_team_for_user
from peerlearn.people.roles import TeamAction

router = Router(tags=["gaps"])

SIMILAR_LIMIT_MAX = 20


class AlikeGapOut(Schema):
    id: int = Field(..., examples=[7])
    title: str = Field(..., examples=["How our deploy pipeline works"])
    status: GapStatus = Field(..., examples=[GapStatus.OPEN])
    votes: int = Field(..., description="Votes here plus imported ones.", examples=[3])
    url: str = Field(..., examples=["/gaps/7/"])


class SimilarOut(AlikeGapOut):
    score: float = Field(..., description="How alike, 0 to 1 (shown from 0.35).", examples=[0.62])


def _alike(gap: Gap) -> AlikeGapOut:
    imported = gap.evidence.get("imported_votes", 0)
    return AlikeGapOut(
        id=gap.pk,
        title=gap.title,
        status=GapStatus(gap.status),
        votes=gap.vote_count + (imported if isinstance(imported, int) else 0),
        url=gap.get_absolute_url(),
    )


class SimilarQuery(Schema):
    title: SingleLine = Field(
        "", max_length=rules.TITLE_MAX, description="The title being written.", examples=["deploys"]
    )
    description: MultiLine = Field(
        "",
        max_length=DESCRIPTION_READ,
        description=f"The description being written (its first {DESCRIPTION_READ:,} "
        "characters are what counts).",
        examples=[""],
    )
    exclude: Id | None = Field(
        None, description="A gap to leave out (the one being edited).", examples=[None]
    )
    limit: int = Field(5, ge=1, le=SIMILAR_LIMIT_MAX, description="At most this many.")


@router.get(
    "/teams/{team_id}/gaps/similar",
    response=list[SimilarOut],
    summary="Open or planned gaps most like a title being written, best first",
)
def similar(
    request: HttpRequest, query: Query[SimilarQuery], team_id: int = id_in_path()
) -> list[SimilarOut]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.VIEW)
    text = query.title + "\n" + query.description
    found = similar_gaps(team, text, exclude=query.exclude, limit=query.limit)
    return [SimilarOut(**_alike(a.gap).model_dump(), score=round(a.score, 4)) for a in found]


class DuplicatePairOut(Schema):
    older: AlikeGapOut = Field(..., description="The gap to keep (merge the newer into it).")
    newer: AlikeGapOut
    score: float = Field(..., description="How alike, 0 to 1 (listed from 0.5).", examples=[0.8])


@router.get(
    "/teams/{team_id}/gaps/duplicates",
    response=list[DuplicatePairOut],
    summary="Pairs of open or planned gaps that look like one, most alike first (triagers)",
)
@paginate(Page)
def duplicates(request: HttpRequest, team_id: int = id_in_path()) -> list[DuplicatePairOut]:
    team = get_team_for_user(api_user(request), team_id, TeamAction.FACILITATE)
    return [
        DuplicatePairOut(
            older=_alike(pair.older), newer=_alike(pair.newer), score=round(pair.score, 4)
        )
        for pair in duplicate_pairs(team)
    ]
