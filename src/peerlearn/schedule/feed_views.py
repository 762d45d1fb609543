"""Calendar feeds at secret URLs (no login: calendar clients cannot log in), their
management page, and a person's history of sessions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_POST, require_safe

from peerlearn.engines.schedule import ical
from peerlearn.people.access import get_team_for_user, teams_visible_to
from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import TeamAction
from peerlearn.schedule import calendar, feeds
from peerlearn.schedule.models import CalendarFeed
from peerlearn.schedule.selectors import person_history
from peerlearn.web.http import AuthedRequest

# Ask clients to poll hourly; conditional requests make the polls cheap.
FEED_CACHE_SECONDS = 3600


def _feed_rows(person: User) -> list[dict[str, object]]:
    existing = {feed.team_id: feed for feed in CalendarFeed.objects.filter(owner=person)}
    teams = [m.team for m in Membership.objects.filter(user=person).select_related("team")]
    rows: list[dict[str, object]] = [
        {"team": None, "label": "My sessions (all my teams)", "feed": existing.get(None)}
    ]
    rows += [{"team": t, "label": f"Team {t.name}", "feed": existing.get(t.pk)} for t in teams]
    return rows


@login_required
@require_safe
def calendar_settings(request: AuthedRequest) -> HttpResponse:
    return render(request, "schedule/calendar_settings.html", {"rows": _feed_rows(request.user)})


@login_required
@require_POST
def calendar_feed_action(request: AuthedRequest) -> HttpResponse:
    team: Team | None = None
    if request.POST.get("team"):
        team = get_team_for_user(request.user, request.POST["team"], TeamAction.VIEW)
    new_url = None
    if request.POST.get("action") == "revoke":
        feeds.calendar_feed_revoke(owner=request.user, team=team)
        notice = "The old link no longer works."
    else:
        _, token = feeds.calendar_feed_create(owner=request.user, team=team)
        new_url = calendar.absolute(reverse("schedule:feed", args=[token]))
        notice = "Copy the new link now: it is shown only once. Any older link has stopped working."
    context = {
        "rows": _feed_rows(request.user),
        "new_url": new_url,
        "new_for": team,
        "notice": notice,
    }
    return render(request, "schedule/calendar_settings.html", context)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    subscription = feeds.feed_for_token(token)
    if subscription.team is not None:
        entries = calendar.team_events([subscription.team.pk])
        name = f"peerlearn · {subscription.team.name}"
    else:
        entries = calendar.person_events(subscription.owner)
        name = f"peerlearn · {subscription.owner.name}"
    body = calendar.feed_body(entries, name=name)
    etag = ical.etag(body)
    stamp = int(feeds.calendar_feed_note_content(feed=subscription, etag=etag).timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=stamp)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = f"private, max-age={FEED_CACHE_SECONDS}"
    # A secret URL must not leak through logs of pages it might link to.
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_safe
def history(request: AuthedRequest, person_id: int | None = None) -> HttpResponse:
    """A person's sessions attended and facilitated, limited to teams the viewer sees."""
    if person_id is None or person_id == request.user.pk:
        person = request.user
        visible = None
    else:
        visible_ids = list(teams_visible_to(request.user).values_list("pk", flat=True))
        found = User.objects.filter(
            pk=person_id, organisation_id=request.user.organisation_id or 0,
            memberships__team_id__in=visible_ids,
        ).first()  # fmt: skip
        if found is None:
            raise Http404("No such person.")
        person, visible = found, visible_ids
    context = {"person": person, "history": person_history(person, visible_team_ids=visible)}
    return render(request, "schedule/history.html", context)
