"""GET /api/audit-events and /api/skipped-items: the audit log and the items background
jobs skipped, read-only, for the people the pages show them to.

Same selector and the same rule as the audit log page (peerlearn.audit): an organisation
admin reads their organisation's entries, an operator every entry, anyone else is
refused with 403. There is no route that writes: entries are never changed or deleted.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import Id, SaneDate, SingleLine
from peerlearn.api.pagination import Page
from peerlearn.audit.access import require_audit_viewer
from peerlearn.audit.models import AuditEvent, ItemFailure
from peerlearn.audit.selectors import AuditFilter, audit_events_filtered, item_failures_for_admin

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int = Field(..., examples=[42])
    at: dt.datetime
    organisation_id: int | None = Field(
        ..., description="null for the installation's own entries.", examples=[1]
    )
    actor_id: int | None = Field(
        ..., description="null for the system, or a person since deleted.", examples=[7]
    )
    actor_name: str = Field(
        ..., description="The actor's name when they acted; empty for the system.",
        examples=["Alice Liddell"],
    )  # fmt: skip
    action: str = Field(..., examples=["membership.role_changed"])
    target_type: str = Field(..., examples=["people.membership"])
    target_id: int | None = Field(..., examples=[12])
    target_name: str = Field(..., examples=["Bob Builder in Platform"])
    details: dict[str, Any] = Field(..., examples=[{"role": ["member", "lead"]}])


class AuditFilterIn(Schema):
    action: SingleLine = Field("", description="Only entries of this kind.", max_length=80)
    actor_id: Id | None = Field(None, description="Only entries this person made.")
    system: bool = Field(False, description="Only entries the system made (no person).")
    since: SaneDate | None = Field(None, description="From this day on (your time zone).")
    until: SaneDate | None = Field(None, description="Up to and including this day.")


@router.get(
    "/audit-events",
    response=list[AuditEventOut],
    summary="The audit log (organisation admins and operators)",
)
@paginate(Page)
def list_audit_events(request: HttpRequest, filters: Query[AuditFilterIn]) -> QuerySet[AuditEvent]:
    viewer = api_user(request)
    require_audit_viewer(viewer)
    if filters.since and filters.until and filters.until < filters.since:
        raise ValidationError({"until": ["The last day is before the first day."]})
    return audit_events_filtered(
        viewer,
        AuditFilter(
            action=filters.action,
            actor_id=filters.actor_id,
            by_system=filters.system,
            since=filters.since,
            until=filters.until,
        ),
    )


class SkippedItemOut(Schema):
    id: int = Field(..., examples=[7])
    at: dt.datetime
    organisation_id: int | None = Field(..., examples=[1])
    job: str = Field(..., examples=["schedule: reminders"])
    item: str = Field(..., examples=["reminder for session 12 (Intro to tracing) to Bob"])
    error: str = Field(..., examples=["ZoneInfoNotFoundError: 'No time zone found'"])


@router.get(
    "/skipped-items",
    response=list[SkippedItemOut],
    summary="Items background jobs skipped (organisation admins and operators)",
)
@paginate(Page)
def list_skipped_items(request: HttpRequest) -> QuerySet[ItemFailure]:
    viewer = api_user(request)
    require_audit_viewer(viewer)
    return item_failures_for_admin(viewer)
