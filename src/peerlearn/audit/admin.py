from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from peerlearn.audit.models import AuditEvent, ItemFailure


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """The log is never edited, not even by the installation's operator."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "organisation", "actor_name", "action", "target_name"]
    list_filter = ["action", "organisation"]
    search_fields = ["actor_name", "action", "target_name"]


@admin.register(ItemFailure)
class ItemFailureAdmin(ReadOnlyAdmin):
    list_display = ["at", "organisation", "job", "item"]
    list_filter = ["job", "organisation"]
    search_fields = ["job", "item", "error"]
