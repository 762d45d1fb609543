"""Reads of the audit log and item failures, scoped to what the viewer may see."""

from __future__ import annotations

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
