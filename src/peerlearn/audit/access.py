"""Who may read the audit log: an organisation's admins (their organisation's entries) and
the installation's operators (every entry). `selectors.audit_events_for_admin` scopes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from peerlearn.people.models import User


def can_view_audit_log(user: User | AnonymousUser) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_operator or (user.is_org_admin and user.organisation_id is not None)


def require_audit_viewer(user: User | AnonymousUser) -> None:
    if not user.is_authenticated:
        raise Http404("Not found.")
    if not can_view_audit_log(user):
        raise PermissionDenied("Only an organisation admin can see the audit log.")
