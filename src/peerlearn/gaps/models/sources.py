"""Where gaps come from besides the quick form: private 1:1 notes, post-mortems, the
onboarding checklist, imported tracker issues, and suggestions from automatic signals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.gaps.models.backlog import Gap
from peerlearn.people.models import Team


class OneOnOneNote(models.Model):
    """A lead's private note from a 1:1. Only its author sees it; the gap a lead makes
    from it names nobody (neither the lead nor the person the 1:1 was with)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField()
    text = models.TextField()
    gap = models.ForeignKey(Gap, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"1:1 note of {self.held_on}"


class PostMortem(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="post_mortems")
    title = models.CharField(max_length=200)
    happened_on = models.DateField()
    what_we_did_not_know = models.TextField()
    what_would_have_helped = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    gap = models.ForeignKey(Gap, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class OnboardingStep(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="onboarding_steps")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class OnboardingMark(models.Model):
    """One newcomer's word on one step: done, and whether it was hard (with why)."""

    step = models.ForeignKey(OnboardingStep, on_delete=models.CASCADE, related_name="marks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done = models.BooleanField(default=False)
    hard = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "person"], name="one_mark_per_step_person")
        ]

    def __str__(self) -> str:
        return f"mark on step {self.step_id}"


class TrackerIssue(models.Model):
    """An issue imported from a tracker export (GitHub, GitLab, Jira), for bug clustering."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)  # "#123", "PROJ-45"
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    labels = models.JSONField(default=list, blank=True)
    issue_type = models.CharField(max_length=60, blank=True)
    state = models.CharField(max_length=20, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    is_bug = models.BooleanField(default=False)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "key"], name="unique_tracker_issue_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class SignalKind(models.TextChoices):
    KNOWLEDGE_ISLAND = "knowledge_island", "Knowledge island"
    RECURRING_BUGS = "recurring_bugs", "Recurring bugs"
    NEW_TECHNOLOGY = "new_technology", "New technology"
    ONBOARDING = "onboarding", "Onboarding friction"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a lead"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class Suggestion(models.Model):
    """A gap an automatic signal proposes, with its evidence, until a lead decides.

    `key` names what the evidence is about (an area's path, a dependency, a cluster's
    first issue, a checklist step), so a refresh updates the same row. A dismissed one
    comes back only when its evidence grows past what it was when dismissed."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="gap_suggestions")
    kind = models.CharField(max_length=20, choices=SignalKind.choices)
    key = models.CharField(max_length=500)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    code_areas = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    strength = models.FloatField(default=0.0)  # 0..1, compared against dismissed_strength
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    dismissed_strength = models.FloatField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gap = models.ForeignKey(Gap, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-strength", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "kind", "key"], name="one_suggestion_per_key")
        ]

    def __str__(self) -> str:
        return self.title


class PendingImport(models.Model):
    """An uploaded retrospective export waiting for its columns to be mapped (the CSV
    import's second step). Only its uploader reaches it; it is deleted once imported,
    and when older than a day by the next upload of anyone."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file_name
