"""The knowledge base: a team's pages, one page, the proposal a facilitator confirms,
publishing and removing (exports are zip files, from the team's knowledge-base page).
Same choke points (`kb.access`, `capture.access`, `people.access`) and services
(`kb.services`) as the pages.
"""

# No `from __future__ import annotations`: ninja must see `Query[PageFilter]` as a type.
import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import MultiLine, SingleLine, id_in_path
from peerlearn.api.pagination import Page
from peerlearn.capture.access import CaptureAction, get_capture_access
from peerlearn.gaps.models import Gap
from peerlearn.kb import services
from peerlearn.kb.access import get_kb_page_access
from peerlearn.kb.models import KbPage
from peerlearn.kb.rules import SUMMARY_MAX, TAKEAWAY_MAX, TAKEAWAYS_MAX, TITLE_MAX
from peerlearn.kb.selectors import Filters, proposal, team_pages
from peerlearn.kb.staleness import pages_staleness
from peerlearn.markdown import render_markdown
from peerlearn.people.access import get_team_access
from peerlearn.people.models import Membership
from peerlearn.people.roles import TeamAction
from peerlearn.validation import MAX_ID

router = Router(tags=["knowledge base"])


class PersonRef(Schema):
    id: int
    name: str


class KbPageOut(Schema):
    id: int = Field(..., examples=[4])
    team_id: int
    session_id: int
    title: str = Field(..., examples=["How our deploy pipeline really works"])
    held_on: dt.date
    format: str = Field(..., examples=["lunch_and_learn"])
    summary: str = Field(..., description="Markdown.")
    takeaways: list[str]
    tags: list[str] = Field(..., examples=[["deploy", "ci"]])
    code_areas: list[str] = Field(..., examples=[["deploy"]])
    teachers: list[PersonRef]
    open_to_organisation: bool = Field(
        ..., description="Everyone in the organisation may read it (the team chose so)."
    )
    published_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_teachers(page: KbPage) -> list[PersonRef]:
        return [PersonRef(id=p.pk, name=p.name) for p in page.teachers.all()]


class StalenessOut(Schema):
    files: int = Field(..., description="Files of the page's code areas the knowledge maps know.")
    changed: int = Field(..., description="Of them, changed after the page was published.")
    stale: bool = Field(..., description="A third or more changed: it may be out of date.")


class KbPageDetailOut(KbPageOut):
    summary_html: str = Field(..., description="The summary, rendered and sanitised.")
    gaps: list[PersonRef] = Field(..., description="Backlog gaps the session covered (id, title).")
    staleness: StalenessOut | None


def page_out(page: KbPage) -> KbPageOut:
    return KbPageOut.from_orm(page)


class PageFilter(Schema):
    tag: str = Field("", max_length=40, description="Only pages with this tag.")
    area: str = Field("", max_length=300, description="Only pages about this path or under it.")
    format: str = Field("", max_length=40, description="Only sessions of this format.")
    person: int | None = Field(None, gt=0, le=MAX_ID, description="Only pages this person taught.")


@router.get(
    "/teams/{team_id}/kb-pages",
    response=list[KbPageOut],
    summary="A team's knowledge-base pages, newest first (anyone in the team)",
)
@paginate(Page)
def list_pages(
    request: HttpRequest, filters: Query[PageFilter], team_id: int = id_in_path()
) -> list[KbPageOut]:  # a queryset, validated a page at a time
    team = get_team_access(api_user(request), team_id).team
    chosen = Filters(
        tag=filters.tag, area=filters.area, format=filters.format, person=filters.person
    )
    return team_pages(team, chosen)  # type: ignore[return-value]  # paginate maps the page


@router.get(
    "/kb-pages/{page_id}",
    response=KbPageDetailOut,
    summary="One page (the team; everyone in the organisation if the team opened it)",
)
def get_page(request: HttpRequest, page_id: int = id_in_path()) -> KbPageDetailOut:
    access = get_kb_page_access(api_user(request), page_id, TeamAction.VIEW)
    page = access.obj
    stale = pages_staleness(access.team, [page]).get(page.pk)
    gaps = Gap.objects.filter(sessions=page.session_id).only("pk", "title")
    # What the detail adds to the list's fields, read by its schema from the page.
    page.summary_html = str(render_markdown(page.summary))  # type: ignore[attr-defined]
    page.gaps = [PersonRef(id=gap.pk, name=gap.title) for gap in gaps]  # type: ignore[attr-defined]
    page.staleness = (  # type: ignore[attr-defined]
        StalenessOut(files=stale.files, changed=stale.changed, stale=stale.stale)
        if stale is not None
        else None
    )
    return KbPageDetailOut.from_orm(page)


class ProposedActionOut(Schema):
    text: str
    owner_id: int | None = Field(..., description="The team member the engine's name matched.")
    owner_said: str = Field(..., description="The name as said or written, if any.")
    quote: str = Field(..., description="The sentence it came from.")


class ProposalOut(Schema):
    takeaways: list[str]
    action_items: list[ProposedActionOut]


@router.get(
    "/sessions/{session_id}/kb-proposal",
    response=ProposalOut,
    summary="Takeaways and action items proposed from the notes and transcript "
    "(facilitators); nothing is published until PUT /sessions/{id}/kb-page",
)
def get_proposal(request: HttpRequest, session_id: int = id_in_path()) -> ProposalOut:
    access = get_capture_access(api_user(request), session_id, CaptureAction.MANAGE)
    found = proposal(access.obj)
    return ProposalOut(
        takeaways=found.takeaways,
        action_items=[
            ProposedActionOut(
                text=item.text,
                owner_id=item.owner.pk if item.owner else None,
                owner_said=item.owner_said,
                quote=item.quote,
            )
            for item in found.actions
        ],
    )


class ConfirmedActionIn(Schema):
    text: SingleLine = Field(..., max_length=500)
    owner_id: int | None = Field(
        None, gt=0, le=MAX_ID, description="A member of the session's team."
    )


class PublishIn(Schema):
    title: SingleLine = Field(..., max_length=TITLE_MAX)
    summary: MultiLine = Field("", max_length=SUMMARY_MAX)
    takeaways: list[SingleLine] = Field(
        default_factory=list, max_length=TAKEAWAYS_MAX * 2,
        description=f"At most {TAKEAWAYS_MAX}, {TAKEAWAY_MAX} characters each.",
    )  # fmt: skip
    tags: list[SingleLine] = Field(default_factory=list, max_length=20)
    code_areas: list[SingleLine] = Field(default_factory=list, max_length=100)
    open_to_organisation: bool = False
    action_items: list[ConfirmedActionIn] = Field(
        default_factory=list, max_length=50, description="Created when the page is published."
    )


@router.put(
    "/sessions/{session_id}/kb-page",
    response={200: KbPageOut, 201: KbPageOut},
    summary="Publish or update the session's page with what you confirmed (facilitators)",
)
def publish_page(
    request: HttpRequest, payload: PublishIn, session_id: int = id_in_path()
) -> Status[KbPageOut]:
    user = api_user(request)
    session = get_capture_access(user, session_id, CaptureAction.MANAGE).obj
    owners = {
        m.user_id: m.user
        for m in Membership.objects.filter(
            team=session.team, user_id__in=[a.owner_id for a in payload.action_items if a.owner_id]
        ).select_related("user")
    }
    actions = []
    for number, item in enumerate(payload.action_items, start=1):
        if item.owner_id is not None and item.owner_id not in owners:
            raise ValidationError(
                {"action_items": [f"Item {number}: person {item.owner_id} is not in the team."]}
            )
        actions.append(services.ConfirmedAction(item.text, owners.get(item.owner_id or 0)))
    published = services.kb_page_publish(
        session=session,
        actor=user,
        title=payload.title,
        summary=payload.summary,
        takeaways=payload.takeaways,
        tags=payload.tags,
        code_areas=payload.code_areas,
        open_to_organisation=payload.open_to_organisation,
        action_items=actions,
    )
    return Status(201 if published.created else 200, page_out(published.page))


@router.delete(
    "/kb-pages/{page_id}",
    response={204: None},
    summary="Remove a page from the knowledge base (facilitators)",
)
def remove_page(request: HttpRequest, page_id: int = id_in_path()) -> Status[None]:
    user = api_user(request)
    page = get_kb_page_access(user, page_id, TeamAction.FACILITATE).obj
    services.kb_page_remove(page=page, actor=user)
    return Status(204, None)
