"""Secret calendar feed URLs: create, revoke, and resolve a token back to its feed.

The token is shown to its owner once; only its SHA-256 is stored, so a database leak
does not reveal working URLs. Whoever has the URL can read the feed without logging
in (calendar clients cannot log in), which is why it can be revoked and regenerated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from peerlearn.audit.services import audit_record
from peerlearn.people.access import can
from peerlearn.people.models import Team, User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule.models import CalendarFeed


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, owner: User, team: Team | None = None) -> tuple[CalendarFeed, str]:
    """A new secret URL for the owner's feed (personal, or of ``team``); replaces the
    previous one, which stops working. Returns the feed and the token to show once."""
    replaced, _ = CalendarFeed.objects.filter(owner=owner, team=team).delete()
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(owner=owner, team=team, token_hash=token_hash(token))
    _feed_change_record(feed, "calendar_feed.created", replaced=bool(replaced))
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, owner: User, team: Team | None = None) -> int:
    feeds = list(CalendarFeed.objects.filter(owner=owner, team=team).select_related("team"))
    for feed in feeds:
        _feed_change_record(feed, "calendar_feed.revoked")
    deleted, _ = CalendarFeed.objects.filter(pk__in=[feed.pk for feed in feeds]).delete()
    return deleted


def _feed_change_record(feed: CalendarFeed, action: str, **details: object) -> None:
    # Who made or ended which link, never the token (only its owner ever sees it).
    audit_record(
        actor=feed.owner,
        organisation=feed.owner.organisation_id,
        action=action,
        target=feed,
        details={"owner": feed.owner_id, "team": feed.team_id, **details},
    )


@transaction.atomic
def calendar_feeds_revoke_all(*, owner: User) -> int:
    """End every feed URL of the owner, personal and of teams (e.g. with a new password).

    Audited by the caller, as part of the change it belongs to (account_services)."""
    deleted, _ = CalendarFeed.objects.filter(owner=owner).delete()
    return deleted


def calendar_feed_note_content(*, feed: CalendarFeed, etag: str) -> dt.datetime:
    """When the feed's content last changed: now if ``etag`` is new, else as stored."""
    if feed.content_etag == etag and feed.content_changed_at is not None:
        return feed.content_changed_at
    moment = timezone.now().replace(microsecond=0)
    CalendarFeed.objects.filter(pk=feed.pk).update(content_etag=etag, content_changed_at=moment)
    feed.content_etag, feed.content_changed_at = etag, moment
    return moment


def feed_for_token(token: str) -> CalendarFeed:
    """The feed behind a secret URL; 404 for unknown tokens and for owners who lost
    access (deactivated, or no longer in the team)."""
    feed = (
        CalendarFeed.objects.select_related("owner", "team")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if feed is None or not feed.owner.is_active:
        raise Http404("No such calendar.")
    if feed.team is not None and not can(feed.owner, feed.team, TeamAction.VIEW):
        raise Http404("No such calendar.")
    return feed
