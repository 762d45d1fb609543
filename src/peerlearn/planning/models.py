"""A team's plans (a proposal a lead edits and accepts into sessions) and pairing rounds.

A plan is a draft until a lead accepts it; accepting creates the sessions and links
their gaps, and the plan accepted before it is then `replaced`. Entries keep what the
planner said (the reason) beside what the lead changed. Pairing rounds keep who was
left unmatched, which is how the next round knows who has waited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.people.models import Team
from peerlearn.schedule.models import FORMAT_CHOICES


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACCEPTED = "accepted", "Accepted"
    REPLACED = "replaced", "Replaced by a later plan"


class Plan(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # What the lead asked for: start, weekday, time, zone, count, minutes, engine options.
    options = models.JSONField(default=dict)
    horizon_start = models.DateField()
    horizon_end = models.DateField()
    # The planner's findings beside the entries: [{"starts_at", "minutes", "reason"}],
    # [{"person", "reason"}], [gap titles], and the most-voted baseline's spread.
    unfilled = models.JSONField(default=list)
    keepers = models.JSONField(default=list)
    left_out = models.JSONField(default=list)
    baseline = models.JSONField(default=dict)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"plan {self.pk} of {self.team} ({self.status})"


class PlanEntry(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="entries")
    # The plan's team, kept here so the access choke point fetches an entry in one query.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    minutes = models.PositiveIntegerField()
    gap = models.ForeignKey(
        "gaps.Gap", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=200)
    area = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, blank=True)  # engines.planning.TopicKind
    format = models.CharField(max_length=40, choices=FORMAT_CHOICES)
    change_link = models.CharField(max_length=500, blank=True)  # Code Review needs one
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    co_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    audience = models.JSONField(default=list)  # user ids invited first; [] = the team
    reason = models.TextField(blank=True)
    session = models.ForeignKey(
        "schedule.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fixed = models.BooleanField(default=False)  # an accepted session kept by a re-plan

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d}: {self.topic}"


class PairingRound(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pairing_rounds")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rules = models.JSONField(default=dict)
    unmatched = models.JSONField(default=list)  # user ids of learners left without a pair

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["team", "number"], name="unique_pairing_round")
        ]

    def __str__(self) -> str:
        return f"round {self.number} of {self.team}"


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Pairing(models.Model):
    round = models.ForeignKey(PairingRound, on_delete=models.CASCADE, related_name="pairings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")  # the round's
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    area = models.CharField(max_length=300)
    weight = models.FloatField()
    status = models.CharField(
        max_length=10, choices=PairingStatus.choices, default=PairingStatus.PROPOSED
    )
    # Each side's answer; the pair is accepted once both said yes, declined by either no.
    expert_answer = models.CharField(max_length=10, blank=True)
    learner_answer = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"{self.expert} with {self.learner} on {self.area}"
