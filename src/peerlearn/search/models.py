"""The search index's rows: one per knowledge-base page, session notes and transcript.

A row holds the text as it is searched (written only by `search.services`, inside the
transaction of the write it follows). The database's own full-text index is built on it
by the migration, not by a model field: an FTS5 table kept current by triggers on
SQLite, a generated tsvector column with a GIN index on PostgreSQL (search.backends).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from peerlearn.people.models import Team
from peerlearn.schedule.models import Session


class EntryKind(models.TextChoices):
    PAGE = "page", "Knowledge-base page"
    NOTES = "notes", "Session notes"
    TRANSCRIPT = "transcript", "Transcript"


class SearchEntry(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    object_id = models.PositiveBigIntegerField()  # the page's, notes' or transcript's id
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    # Tokens the search filters on inside the full-text index, so a team's or a kind's
    # rows are found by the index itself, not by reading every match and then filtering:
    # "t<team> g<organisation> k<kind>", and "o<organisation>" when anyone in it may read.
    scope = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_object")
        ]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
