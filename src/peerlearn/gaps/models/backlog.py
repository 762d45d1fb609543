"""The gap backlog: what a team needs to learn, who asked, who voted, who offers to teach.

A gap raised anonymously (or derived from a private 1:1 note) stores no person at all:
`raised_by` is empty, its history names nobody, and its creation time is kept to the
day so it cannot be matched against who was signed in at that minute.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.people.models import Team


class GapSource(models.TextChoices):
    RETROSPECTIVE = "retrospective", "Retrospective"
    ONE_ON_ONE = "one_on_one", "1:1"
    POST_MORTEM = "post_mortem", "Post-mortem"
    ONBOARDING = "onboarding", "Onboarding"
    ANONYMOUS = "anonymous", "Anonymous ask"
    CODEBASE = "codebase", "Codebase (knowledge map)"
    RECURRING_BUGS = "recurring_bugs", "Recurring bugs"
    NEW_TECHNOLOGY = "new_technology", "New technology"
    OTHER = "other", "Other"


class GapStatus(models.TextChoices):
    OPEN = "open", "Open"
    PLANNED = "planned", "Planned"
    COVERED = "covered", "Covered"
    VERIFIED = "verified", "Verified"
    DROPPED = "dropped", "Dropped"


class Importance(models.IntegerChoices):
    LOW = 0, "Low"
    NORMAL = 1, "Normal"
    HIGH = 2, "High"


class Gap(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="gaps")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)  # Markdown, rendered sanitised
    source = models.CharField(max_length=20, choices=GapSource.choices, default=GapSource.OTHER)
    # Code paths it touches ("src/payments/", "api/auth.py"), as the knowledge map names them.
    code_areas = models.JSONField(default=list, blank=True)
    # Nobody for anonymous asks and for gaps a lead derived from a private 1:1 note.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=GapStatus.choices, default=GapStatus.OPEN)
    dropped_reason = models.CharField(max_length=300, blank=True)
    importance = models.PositiveSmallIntegerField(
        choices=Importance.choices, default=Importance.NORMAL
    )
    # 0..1 for gaps accepted from an automatic signal: how strong its evidence was.
    signal_strength = models.FloatField(default=0.0)
    evidence = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    vote_count = models.PositiveIntegerField(default=0)  # kept by the vote services
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sessions = models.ManyToManyField(
        "schedule.Session", blank=True, related_name="gaps", through="GapSession"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gaps:gap", args=[self.pk])

    @property
    def is_anonymous(self) -> bool:
        return self.raised_by_id is None


class GapSession(models.Model):
    """A session that covers (or will cover) a gap."""

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE)
    session = models.ForeignKey("schedule.Session", on_delete=models.CASCADE)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gap", "session"], name="unique_gap_session")
        ]

    def __str__(self) -> str:
        return f"gap {self.gap_id} / session {self.session_id}"


class GapVote(models.Model):
    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gap", "voter"], name="one_vote_per_person_per_gap")
        ]

    def __str__(self) -> str:
        return f"vote on gap {self.gap_id}"


class TeachingOffer(models.Model):
    """ "I can teach this": on a gap, or a topic someone wants to teach with no gap behind it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="teaching_offers")
    gap = models.ForeignKey(
        Gap, on_delete=models.CASCADE, null=True, blank=True, related_name="offers"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=200, blank=True)  # offers without a gap
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gap", "person"],
                condition=models.Q(gap__isnull=False),
                name="one_offer_per_person_per_gap",
            ),
            models.CheckConstraint(
                condition=models.Q(gap__isnull=False) | ~models.Q(topic=""),
                name="offer_has_gap_or_topic",
            ),
        ]

    def __str__(self) -> str:
        return self.topic or (self.gap.title if self.gap is not None else "")


class GapEvent(models.Model):
    """A gap's own history (created, status changes, merges), shown on its page.

    `actor` is empty for anonymous asks and for what the system did."""

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


class AnonymousAskWindow(models.Model):
    """How many anonymous asks a team received in one hour: a rate limit that counts asks
    per team, never per person, so nothing in it can point at who asked."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "hour"], name="one_ask_window_per_team_hour")
        ]

    def __str__(self) -> str:
        return f"{self.count} asks from {self.hour:%Y-%m-%d %H}:00"
