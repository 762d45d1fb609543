"""Repositories a team registered, and the analyses of their history.

An analysis row is written once when it finishes and never changed after, so its
parsed result can be cached per process (selectors.py). The history state that makes
the next run incremental is kept only on the newest successful analysis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.people.models import Team


class SourceKind(models.TextChoices):
    LOCAL = "local", "Local path on the server"
    CLONE = "clone", "Clone URL"


class Repository(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="repositories")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    # An absolute path inside PEERLEARN_REPOSITORY_ROOTS, or a clone URL (never a secret:
    # URLs with a password are refused).
    location = models.CharField(max_length=1000)
    # Chosen by the server itself (the demo's repository in its data folder), never by a
    # user: exempt from PEERLEARN_REPOSITORY_ROOTS. No view or form can set it.
    server_managed = models.BooleanField(default=False, editable=False)
    active_months = models.PositiveSmallIntegerField(default=6)
    prune_truck_factor = models.BooleanField(default=False)
    extra_exclusions = models.TextField(blank=True)  # glob patterns, one a line
    bot_patterns = models.TextField(blank=True)  # regular expressions, one a line; blank = defaults
    aliases = models.TextField(blank=True)  # the engine's alias file format
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["team", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="unique_repository_name")
        ]
        verbose_name_plural = "repositories"

    def __str__(self) -> str:
        return self.name


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Analysis(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # git's or the engine's message: shown to those who can change the repository only.
    error = models.TextField(blank=True)
    # host:pid:start of the worker process running it (workers.py), to notice it died.
    worker = models.CharField(max_length=200, blank=True, editable=False)
    incremental = models.BooleanField(null=True)
    commits_read = models.PositiveIntegerField(null=True)
    commits_analysed = models.PositiveIntegerField(null=True)
    tip = models.CharField(max_length=64, blank=True)
    truck_factor = models.PositiveIntegerField(null=True)
    files_analysed = models.PositiveIntegerField(null=True)
    # The map as JSON (result.py). Text, not JSONField: pages parse it once per process.
    result = models.TextField(blank=True)
    # HistoryState.dumps(): ~60 bytes per file and contributor (docs/knowledge-map.md).
    state = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["repository", "status", "-created_at"])]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"{self.repository} analysis {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (AnalysisStatus.DONE, AnalysisStatus.FAILED)


class MapOverview(models.Model):
    """What the repository page shows of an analysis' map (result.py), bounded whatever
    the map's size: the page reads this, not the map. In a table of its own because
    SQLite reaches a column stored after the map only by reading through the map."""

    analysis = models.OneToOneField(
        Analysis, on_delete=models.CASCADE, primary_key=True, related_name="map_overview"
    )
    text = models.TextField()

    def __str__(self) -> str:
        return f"overview of {self.analysis_id}"
