"""What happened: who changed what (append-only), and which item a job could not handle.

Neither kind of row is ever edited. `AuditEvent` answers "who did that?" for people and
for the impact and rotation features, which read their history from it. `ItemFailure`
is how a loop over many items (reminders, invitations, feeds, imports) reports the one
item it skipped, so the rest go on and an admin still sees what went wrong.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils import timezone

from peerlearn.people.models import Organisation, User


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted one by one.")


class AppendOnly(models.Model):
    """Rows are inserted once; saving an existing row or deleting one raises."""

    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted one by one.")


class AuditEvent(AppendOnly):
    # Rows go with their organisation (an installation that deletes an organisation
    # deletes its history too); nothing else removes them.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The actor's name is kept as it was, so the log still reads after the person goes.
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_name = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"])]

    def __str__(self) -> str:
        who = self.actor_name or "the system"
        return f"{self.at:%Y-%m-%d %H:%M} {who}: {self.action} {self.target_name}".strip()


class ItemFailure(AppendOnly):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    job = models.CharField(max_length=120)
    item = models.CharField(max_length=300)
    error = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"])]

    def __str__(self) -> str:
        return f"{self.job}: {self.item}"
