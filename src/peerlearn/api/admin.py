from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from peerlearn.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Read-only: admins can see tokens; people create and revoke their own in the app."""

    list_display = ["name", "user", "display_prefix", "created_at", "last_used_at", "expires_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    # The hash is not secret-equivalent, but there is nothing to learn from showing it.
    exclude = ["secret_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
