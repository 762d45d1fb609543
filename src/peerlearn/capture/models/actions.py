"""Action items: what someone will do after a session, followed up until closed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.people.models import Team
from peerlearn.schedule.models import Series, Session


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItem(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="action_items")
    # Where it was agreed; its series carries it into the next sessions' agenda.
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    # A line of the session's notes it came from (a digest of its text), so saving the
    # notes again does not make it twice.
    notes_key = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What shows it was done: a merged change, a page, a document.
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "notes_key"],
                condition=~models.Q(notes_key=""),
                name="one_action_per_notes_line",
            )
        ]
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due is not None and self.due < today


class DigestSent(models.Model):
    """The claim for one person's weekly digest: the unique constraint is what makes it go
    out once a week, whichever worker inserts the row first."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week in the person's time zone: 2026-W49
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "week"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"digest {self.week} to {self.person_id}"
