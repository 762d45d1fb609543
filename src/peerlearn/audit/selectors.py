"""Reads of the audit log and item failures, scoped to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from peerlearn.audit.models import AuditEvent, ItemFailure
from peerlearn.people.models import User


def audit_events_for_admin(viewer: User) -> QuerySet[AuditEvent]:
    """An organisation admin's organisation; the installation operator sees everything."""
    if viewer.is_operator:
        return AuditEvent.objects.all()
    if viewer.is_org_admin and viewer.organisation_id is not None:
        return AuditEvent.objects.filter(organisation_id=viewer.organisation_id)
    return AuditEvent.objects.none()


def item_failures_for_admin(viewer: User) -> QuerySet[ItemFailure]:
    if viewer.is_operator:
        return ItemFailure.objects.all()
    if viewer.is_org_admin and viewer.organisation_id is not None:
        return ItemFailure.objects.filter(organisation_id=viewer.organisation_id)
    return ItemFailure.objects.none()


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log page and API narrow the log by; dates are the viewer's days."""

    action: str = ""
    actor_id: int | None = None
    by_system: bool = False  # entries no person made (the system's own)
    since: dt.date | None = None
    until: dt.date | None = None


def _start_of(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def audit_events_filtered(viewer: User, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The viewer's audit log, newest first, narrowed by `filters`."""
    events = audit_events_for_admin(viewer)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.by_system:
        events = events.filter(actor__isnull=True, actor_name="")
    elif filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    zone = ZoneInfo(viewer.time_zone or "UTC")
    if filters.since is not None:
        events = events.filter(at__gte=_start_of(filters.since, zone))
    if filters.until is not None:
        events = events.filter(at__lt=_start_of(filters.until + dt.timedelta(days=1), zone))
    return events.select_related("organisation")


def audit_actions(viewer: User) -> list[str]:
    """The kinds of entry in the viewer's log, for a filter's choices."""
    actions = audit_events_for_admin(viewer).order_by("action").values_list("action", flat=True)
    return list(actions.distinct())


def audit_actors(viewer: User) -> list[tuple[int, str]]:
    """The people who appear as actors in the viewer's log (id, name as recorded)."""
    rows = (
        audit_events_for_admin(viewer)
        .filter(actor__isnull=False)
        .order_by("actor_name", "actor_id")
        .values_list("actor_id", "actor_name")
        .distinct()
    )
    seen: dict[int, str] = {}
    for actor_id, name in rows:
        seen.setdefault(actor_id, name)
    return sorted(seen.items(), key=lambda item: (item[1].lower(), item[0]))
