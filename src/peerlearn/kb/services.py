"""Every write to the knowledge base: publishing a session's page (what the facilitator
confirmed of the proposed takeaways and action items), editing and removing it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from peerlearn.audit.services import audit_record
from peerlearn.capture import services as capture_services
from peerlearn.capture.models import ActionItem
from peerlearn.gaps.rules import clean_areas
from peerlearn.kb import rules
from peerlearn.kb.models import KbLabel, KbPage
from peerlearn.people.models import User
from peerlearn.schedule.models import Session, SessionRole
from peerlearn.search.services import search_entry_remove, search_entry_upsert


@dataclass(frozen=True)
class ConfirmedAction:
    text: str
    owner: User | None


@dataclass
class Published:
    page: KbPage
    created: bool
    action_items: list[ActionItem]


def _teachers(session: Session) -> list[User]:
    return list(
        User.objects.filter(
            session_roles__session=session, session_roles__role__in=SessionRole.LEADING_ROLES
        ).distinct()
    )


@transaction.atomic
def kb_page_publish(
    *,
    session: Session,
    actor: User,
    title: str,
    summary: str,
    takeaways: Sequence[str],
    tags: Iterable[str] = (),
    code_areas: Iterable[str] = (),
    open_to_organisation: bool = False,
    action_items: Sequence[ConfirmedAction] = (),
) -> Published:
    """Publish (or update) the session's page with what the facilitator confirmed, and
    create the action items they kept."""
    if session.pk is None:
        raise ValidationError("Only a session that is planned or held gets a page.")
    fields = {
        "title": rules.clean_title(title),
        "summary": rules.clean_summary(summary),
        "takeaways": rules.clean_takeaways(takeaways),
        "tags": rules.clean_tags(tags),
        "code_areas": clean_areas(code_areas),
        "open_to_organisation": bool(open_to_organisation),
    }
    if not fields["summary"] and not fields["takeaways"]:
        raise ValidationError("A page needs a summary or at least one takeaway.")
    now = timezone.now()
    page = KbPage.objects.select_for_update().filter(session=session).first()
    created = page is None
    if page is None:
        page = KbPage(session=session, team=session.team, published_by=actor, published_at=now)
    for name, value in fields.items():
        setattr(page, name, value)
    page.format = session.format
    page.held_on = session.starts_at.date()
    page.updated_at = now
    page.slug = slugify(page.title)[:80] or "session"
    page.save()
    page.teachers.set(_teachers(session))
    page.labels.all().delete()
    KbLabel.objects.bulk_create(
        [KbLabel(page=page, team=page.team, kind=KbLabel.TAG, value=tag) for tag in page.tags]
        + [KbLabel(page=page, team=page.team, kind=KbLabel.AREA, value=a) for a in page.code_areas]
    )
    made = [
        capture_services.action_item_create(
            team=session.team, created_by=actor, text=item.text, owner=item.owner, session=session
        )
        for item in action_items
    ]
    search_entry_upsert(obj=page)
    audit_record(
        actor=actor,
        organisation=session.team.organisation_id,
        action="kb.published" if created else "kb.updated",
        target=page,
        details={"takeaways": len(page.takeaways), "action_items": len(made)},
    )
    return Published(page, created, made)


@transaction.atomic
def kb_page_remove(*, page: KbPage, actor: User) -> None:
    audit_record(
        actor=actor, organisation=page.team.organisation_id, action="kb.removed", target=page
    )
    search_entry_remove(obj=page)
    page.delete()
