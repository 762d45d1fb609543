"""Sessions, recurring series, RSVP, attendance, reminders and calendar feed tokens.

A series keeps its recurrence rule as the source of truth for occurrences nobody has
touched. An occurrence becomes a `Session` row (unique per series and original start)
only when it is changed, RSVPed to, or about to happen; the rule keeps describing the
rest, so one moved or cancelled date never breaks the series.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone

from peerlearn.engines.schedule.formats import FORMATS
from peerlearn.people.models import Team, User, validate_time_zone

FORMAT_CHOICES = [(fmt.key, fmt.name) for fmt in FORMATS.values()]


def new_uid() -> str:
    # Calendar clients match updates and cancellations by UID, so it must never change.
    return f"{uuid.uuid4()}@peerlearn"


class Audience(models.TextChoices):
    TEAM = "team", "The team"
    ORGANISATION = "organisation", "Open to the organisation"


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every N weeks on a weekday"
    SPRINT = "sprint", "Once per sprint, anchored to a sprint start"
    MONTHLY = "monthly", "The nth weekday of the month"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, "1st"
    SECOND = 2, "2nd"
    THIRD = 3, "3rd"
    FOURTH = 4, "4th"
    FIFTH = 5, "5th (months without one have no session)"
    LAST = -1, "last"


class Series(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="session_series")
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=40, choices=FORMAT_CHOICES)
    topic = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.TEAM)
    facilitator = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    co_facilitator = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The slot is a wall-clock time in a zone, so it stays at 12:00 across DST changes.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    starts_on = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField()
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    # Weeks between sessions (weekly), sprint length in weeks (sprint), or months (monthly).
    interval = models.PositiveSmallIntegerField(default=1)
    # The weekday it meets on; for a sprint slot, the weekday in the sprint's first week.
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(choices=WeekOfMonth.choices, null=True, blank=True)
    # A known sprint start: the slot stays in step with sprints whatever the first date.
    sprint_start = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    whiteboard_link = models.URLField(max_length=500, blank=True)
    is_protected_slot = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    uid = models.CharField(max_length=100, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "series"
        ordering = ["team", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(is_protected_slot=True),
                name="one_protected_slot_per_team",
            ),
            models.CheckConstraint(
                condition=models.Q(interval__gte=1), name="series_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("schedule:series", args=[self.pk])


class SeriesSkip(models.Model):
    """A date the series does not meet (holiday, release day): EXDATE in calendars."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="skips")
    on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["series", "on"], name="unique_series_skip")]

    def __str__(self) -> str:
        return f"{self.series} skips {self.on:%Y-%m-%d}"


class Session(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="learning_sessions")
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="occurrences"
    )
    # The start the series rule gave this occurrence; RECURRENCE-ID in calendars. Kept
    # when the occurrence is moved, so the override still points at the right date.
    original_start = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=40, choices=FORMAT_CHOICES)
    topic = models.TextField(blank=True)
    change_link = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.TEAM)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    duration_minutes = models.PositiveIntegerField()
    location = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    whiteboard_link = models.URLField(max_length=500, blank=True)
    uid = models.CharField(max_length=100, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"],
                condition=models.Q(series__isnull=False),
                name="unique_occurrence_per_series",
            ),
            models.CheckConstraint(
                condition=models.Q(series__isnull=True, original_start__isnull=True)
                | models.Q(series__isnull=False, original_start__isnull=False),
                name="occurrence_has_original_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["team", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("schedule:session", args=[self.pk])

    @property
    def calendar_uid(self) -> str:
        # An occurrence is an override of its series' event, so it shares the series UID.
        return self.series.uid if self.series is not None else self.uid

    @property
    def local_start(self) -> dt.datetime:
        from zoneinfo import ZoneInfo

        return self.starts_at.astimezone(ZoneInfo(self.time_zone))

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def change_link_is_web(self) -> bool:
        """Whether the change under discussion is a link to open (a commit range is not).
        A row saved before links were checked may hold a `javascript:` one: text only."""
        from peerlearn.validation import web_url_problem

        return bool(self.change_link) and web_url_problem(self.change_link) is None


class SessionRole(models.Model):
    """A person's part in a session: facilitator, co-facilitator or a format role."""

    FACILITATOR = "facilitator"
    CO_FACILITATOR = "co_facilitator"
    LEADING_ROLES = (FACILITATOR, CO_FACILITATOR)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_roles")
    role = models.CharField(max_length=40)

    class Meta:
        ordering = ["role", "person__display_name", "person__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "role"], name="unique_session_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.session}"


class RsvpAnswer(models.TextChoices):
    GOING = "going", "Going"
    MAYBE = "maybe", "Maybe"
    NOT_GOING = "not_going", "Not going"


class Rsvp(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="rsvps")
    answer = models.CharField(max_length=20, choices=RsvpAnswer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="unique_rsvp_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.answer} for {self.session}"


class Attendance(models.Model):
    """One row per person who was there, recorded after the session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="attendance")
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.person} attended {self.session}"


class ReminderSent(models.Model):
    """The claim for one reminder. The unique constraint is what makes it go out once,
    whichever of several workers inserts the row first."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="unique_reminder")
        ]

    def __str__(self) -> str:
        return f"reminder to {self.person} for {self.session}"


class CalendarFeed(models.Model):
    """A secret feed URL of one person: their own calendar, or one of their teams'.

    Only a SHA-256 of the token is stored; the URL is shown once. Access is checked
    again on every fetch, so leaving the team ends the team feed too.
    """

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The ETag last served and when the content first had it: that moment is the honest
    # Last-Modified, even when the feed changed by losing events (a team left, say).
    content_etag = models.CharField(max_length=80, blank=True)
    content_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(team__isnull=True),
                name="one_personal_feed",
            ),
            models.UniqueConstraint(
                fields=["owner", "team"],
                condition=models.Q(team__isnull=False),
                name="one_team_feed_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"feed of {self.owner}" + (f" for {self.team}" if self.team_id else "")
