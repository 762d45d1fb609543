"""The knowledge base: one short page per session, published by its facilitator."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peerlearn.people.models import Team
from peerlearn.schedule.models import Session


class KbPage(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="kb_pages")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="kb_page")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    summary = models.TextField(blank=True)  # Markdown
    takeaways = models.JSONField(default=list)  # confirmed by the facilitator, in order
    tags = models.JSONField(default=list)
    code_areas = models.JSONField(default=list)
    format = models.CharField(max_length=40)
    held_on = models.DateField()
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="kb_pages_taught")
    # The team chose to let everyone of the organisation read it (not only the team).
    open_to_organisation = models.BooleanField(default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["team", "-held_on"])]

    def __str__(self) -> str:
        return self.title


class KbLabel(models.Model):
    """A tag or a code area of a page, one row each, so browsing by either is an indexed
    lookup on every database (JSON containment is not portable). Written only by the
    service that writes the page's lists."""

    TAG, AREA = "tag", "area"

    page = models.ForeignKey(KbPage, on_delete=models.CASCADE, related_name="labels")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=[(TAG, "tag"), (AREA, "area")])
    value = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["team", "kind", "value"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
