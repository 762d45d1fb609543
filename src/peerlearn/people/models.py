from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from peerlearn.people.roles import Role
from peerlearn.people.time_zones import known_time_zones


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin).")


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. Belongs to one organisation; team roles live on Membership."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    display_name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Organisation admins manage every team of their organisation in the app.
    is_org_admin = models.BooleanField(default=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="unique_user_email"
            )
        ]
        # Git identities and imports match accounts by e-mail whatever its case.
        indexes = [models.Index(Lower("email"), name="people_user_email_lower")]

    def clean(self) -> None:
        super().clean()
        if self.organisation_id is not None and (self.is_staff or self.is_superuser):
            # Staff and superusers reach Django admin, which spans every organisation;
            # a person of one organisation must not (see people.access.is_operator).
            raise ValidationError(
                "A person of an organisation cannot be staff or superuser: those are the "
                "installation's operators, who belong to no organisation. Use “is org "
                "admin” to let someone manage their organisation."
            )

    @property
    def is_operator(self) -> bool:
        """An operator of the installation: an active superuser of no organisation.

        Operators run Django admin and see the background task log, which span every
        organisation. Organisation admins (`is_org_admin`) never are: they manage their
        own organisation in peerlearn's pages. A superuser who has an organisation (a
        database from before the split, a flag set by hand) is not trusted as one.
        """
        return self.is_active and self.is_superuser and self.organisation_id is None

    @property
    def name(self) -> str:
        return self.name_of(self.display_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def name_of(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """`name` from the fields alone, for lists that read them without accounts."""
        return display_name or f"{first_name} {last_name}".strip() or username

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_team_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    # Used by the impact metrics: onboarding time is measured from this date.
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["team", "user__display_name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_membership")]
        indexes = [models.Index(fields=["user", "team"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    def clean(self) -> None:
        # Every way of writing a membership that validates (services, Django admin's
        # inline, a team moved to another organisation with its members) passes here.
        if None in (self.team_id, self.user_id):
            return  # the missing field has its own error
        if self.user.organisation_id != self.team.organisation_id:
            raise ValidationError(
                {
                    "user": f"{self.user} belongs to "
                    f"{self.user.organisation or 'no organisation'}, not to "
                    f"{self.team.organisation}: a person can only join teams of their own "
                    "organisation."
                }
            )


class ThrottleCounter(models.Model):
    """Attempts of one kind (`scope`: sign-ins per account, per address, password-reset
    requests …) for one key inside the current window; shared by every web process.

    Changed only by single conditional UPDATE statements (peerlearn.people.throttle), so
    that parallel attempts cannot all slip under the limit.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    window_started_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="unique_throttle_counter")
        ]
        indexes = [models.Index(fields=["scope", "window_started_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.count} since {self.window_started_at:%H:%M:%S}"
