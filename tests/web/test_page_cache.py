"""The page cache serves a page again only while everything it shows is unchanged.

The central check (`assert_coherent`): after each kind of write, what a returning visitor
is served equals what the page renders with the cache off. Around it: what the cache is
keyed on (person, path, HTMX, CSRF secret), what it refuses to keep, when it expires, and
that signing out, removal from a team and pending messages win over it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.handlers.base import BaseHandler
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from peerlearn.api.services import api_token_create
from peerlearn.people import services as people_services
from peerlearn.people.models import Membership, Team, User
from peerlearn.people.roles import Role
from peerlearn.schedule import series_services
from peerlearn.schedule.models import Frequency, Series, SeriesSkip, Session, SessionRole
from peerlearn.web import page_cache
from peerlearn.web.content_triggers import TRACKED
from peerlearn.web.page_cache import CachedPage, PageCache, PageKey
from tests.conftest import Cast, client_for
from tests.schedule.conftest import make_session

pytestmark = pytest.mark.django_db

# The masked CSRF token differs on every render; everything else must be equal.
# The team page: served again, one statement reads the session, the person and the
# version; rendered, three more read the team with the viewer's role, the members page
# and its count.
SERVED_QUERIES = 1
RENDERED_QUERIES = 4

_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    page_cache.reset_page_cache()
    yield
    page_cache.reset_page_cache()


def returning_visitor(user: Any) -> Client:
    """A signed-in browser that has the CSRF cookie (it got one with its first page)."""
    client = client_for(user)
    client.get(reverse("web:dashboard"))
    assert django_settings.CSRF_COOKIE_NAME in client.cookies
    return client


def body(response: Any) -> str:
    return _TOKEN.sub(r"\1TOKEN", response.content.decode())


def rendered_afresh(client: Client, url: str, settings: Any, **extra: Any) -> Any:
    settings.PEERLEARN_PAGE_CACHE_BYTES = 0
    try:
        return client.get(url, **extra)
    finally:
        settings.PEERLEARN_PAGE_CACHE_BYTES = django_settings.PEERLEARN_PAGE_CACHE_BYTES


def served(client: Client, url: str, **extra: Any) -> Any:
    """GET twice: the second answer is the cache's if the page could be kept."""
    client.get(url, **extra)
    return client.get(url, **extra)


def assert_coherent(client: Client, url: str, settings: Any) -> Any:
    cached = client.get(url)
    fresh = rendered_afresh(client, url, settings)
    assert cached.status_code == fresh.status_code
    if fresh.status_code == 200:
        assert body(cached) == body(fresh)
    return cached


def test_returning_visitor_is_served_the_kept_page_with_one_query(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    kept = served(client, url)
    with django_assert_num_queries(SERVED_QUERIES):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == kept.content  # byte for byte: it is the kept page
    assert again["Content-Type"] == kept["Content-Type"]
    # Django's headers are still added on the way out.
    assert "Content-Security-Policy" in again
    assert again["X-Frame-Options"] == "DENY"


def test_a_kept_page_is_served_before_the_url_is_resolved(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved: list[str] = []
    resolve = BaseHandler.resolve_request

    def counting(handler: BaseHandler, request: Any) -> Any:
        resolved.append(request.path)
        return resolve(handler, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", counting)
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    client.get(url)
    resolved.clear()
    assert client.get(url).status_code == 200
    assert resolved == []
    # Another person asking for the same path is not served it: their request is resolved
    # and the view's access check answers.
    outsider = returning_visitor(cast.charlie)
    resolved.clear()
    assert outsider.get(url).status_code == 404
    assert resolved == [url]


def test_requests_for_paths_without_kept_pages_do_not_read_the_session(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = returning_visitor(cast.bob)
    served(client, reverse("web:team", args=[cast.platform.pk]))
    with django_assert_num_queries(0):
        assert client.get(reverse("web:healthz")).status_code == 200


def test_a_browser_without_the_csrf_cookie_gets_a_rendered_page(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = client_for(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    client.get(url)
    client.cookies.pop(django_settings.CSRF_COOKIE_NAME)
    with django_assert_num_queries(RENDERED_QUERIES):
        assert client.get(url).status_code == 200


def test_cache_off_renders_every_request(
    cast: Cast, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.PEERLEARN_PAGE_CACHE_BYTES = 0
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    client.get(url)
    with django_assert_num_queries(RENDERED_QUERIES):
        client.get(url)


Write = Callable[[Cast], None]


def _rename_team(cast: Cast) -> None:
    people_services.team_update(team=cast.platform, name="Platform Core", description="Infra")


def _add_member(cast: Cast) -> None:
    people_services.membership_set(
        team=cast.platform, person=cast.charlie, role=Role.MEMBER, joined_on=dt.date(2026, 1, 5)
    )


def _change_role(cast: Cast) -> None:
    people_services.membership_set(
        team=cast.platform, person=cast.bob, role=Role.LEAD, joined_on=dt.date(2025, 1, 6)
    )


def _remove_other_member(cast: Cast) -> None:
    people_services.membership_remove(
        membership=Membership.objects.get(team=cast.platform, user=cast.fiona)
    )


def _rename_person(cast: Cast) -> None:
    people_services.person_update_profile(
        person=cast.fiona, display_name="Fiona Fairweather", email=cast.fiona.email, time_zone="UTC"
    )


def _viewer_changes_time_zone(cast: Cast) -> None:
    people_services.person_update_profile(
        person=cast.bob, display_name="Bob", email=cast.bob.email, time_zone="Asia/Tokyo"
    )


def _schedule_session(cast: Cast) -> None:
    make_session(
        cast.platform,
        by=cast.alice,
        title="Reading flame graphs",
        starts_at=timezone.now() + dt.timedelta(days=3),
        facilitator=cast.fiona,
    )


def _start_series_and_skip_its_first_date(cast: Cast) -> None:
    start = timezone.localdate() + dt.timedelta(days=2)
    series = series_services.series_create(
        team=cast.platform,
        created_by=cast.alice,
        title="Weekly katas",
        format="lunch_and_learn",
        time_zone="UTC",
        starts_on=start,
        start_time=dt.time(12, 0),
        duration_minutes=45,
        frequency=Frequency.WEEKLY,
        interval=1,
        weekday=start.weekday(),
        location="Room 1",
        facilitator=cast.fiona,
        is_protected_slot=True,
    )
    series_services.series_skip_add(series=series, on=start, reason="Release day")


def _bulk_update_without_signals(cast: Cast) -> None:
    Team.objects.filter(pk=cast.platform.pk).update(description="Written around the services")


def _import_members_csv(cast: Cast) -> None:
    people_services.members_import_csv(
        organisation=cast.org,
        data=(
            b"username,email,display_name,team,role,joined_on,time_zone\n"
            b"greta,greta@example.com,Greta Import,Platform,member,2026-02-02,UTC\n"
        ),
    )


WRITES: dict[str, Write] = {
    "rename team": _rename_team,
    "add member": _add_member,
    "change role": _change_role,
    "remove another member": _remove_other_member,
    "rename a person": _rename_person,
    "viewer changes time zone": _viewer_changes_time_zone,
    "schedule a session": _schedule_session,
    "series and a skip": _start_series_and_skip_its_first_date,
    "QuerySet.update": _bulk_update_without_signals,
    "CSV import": _import_members_csv,
}


# Writes a page does not show: still coherent, but the page rightly stays the same.
NOT_SHOWN = {
    "dashboard": {"rename a person", "viewer changes time zone"},  # no sessions listed
    "team": {"schedule a session", "series and a skip"},
}


@pytest.mark.parametrize("page", ["dashboard", "team"])
@pytest.mark.parametrize("write", list(WRITES))
def test_after_any_write_the_served_page_equals_a_fresh_render(
    cast: Cast, settings: Any, page: str, write: str
) -> None:
    client = returning_visitor(cast.bob)
    if page == "dashboard":
        url = reverse("web:dashboard")
    else:
        url = reverse("web:team", args=[cast.platform.pk])
    before = served(client, url)
    WRITES[write](cast)
    after = assert_coherent(client, url, settings)
    if write not in NOT_SHOWN[page]:
        # The page shows what changed: serving the kept page would have been wrong.
        assert body(after) != body(before)


def _series_with_skip_and_a_session(cast: Cast) -> None:
    _start_series_and_skip_its_first_date(cast)
    make_session(
        cast.platform,
        by=cast.alice,
        title="Reading flame graphs",
        starts_at=timezone.now() + dt.timedelta(days=3),
        facilitator=cast.fiona,
    )


# One write per tracked table, touching that table alone and sending no signals, and the
# page that shows it. Together they show no tracked table can be left out.
TABLE_ONLY_WRITES: dict[str, tuple[str, Write]] = {
    "people_user": (
        "team",
        lambda cast: User.objects.filter(pk=cast.fiona.pk).update(display_name="Fiona F."),
    ),
    "people_team": (
        "dashboard",
        lambda cast: Team.objects.filter(pk=cast.platform.pk).update(name="Platform Core"),
    ),
    "people_membership": (
        "team",
        lambda cast: Membership.objects.filter(user=cast.fiona).update(role=Role.LEAD),
    ),
    "schedule_series": (
        "dashboard",
        lambda cast: Series.objects.update(title="Weekly katas, renamed"),
    ),
    "schedule_seriesskip": ("dashboard", lambda cast: SeriesSkip.objects.all().delete()),
    "schedule_session": (
        "dashboard",
        lambda cast: Session.objects.filter(series=None).update(title="Flame graphs II"),
    ),
    "schedule_sessionrole": (
        "dashboard",
        lambda cast: SessionRole.objects.update(person=cast.alice),
    ),
}


def test_every_tracked_table_has_a_table_only_write_case() -> None:
    assert set(TABLE_ONLY_WRITES) == {tracked.model._meta.db_table for tracked in TRACKED}


@pytest.mark.parametrize("table", list(TABLE_ONLY_WRITES))
def test_a_write_to_any_tracked_table_alone_renews_the_page(
    cast: Cast, settings: Any, table: str
) -> None:
    _series_with_skip_and_a_session(cast)
    page, write = TABLE_ONLY_WRITES[table]
    client = returning_visitor(cast.bob)
    if page == "dashboard":
        url = reverse("web:dashboard")
    else:
        url = reverse("web:team", args=[cast.platform.pk])
    before = served(client, url)
    write(cast)
    after = assert_coherent(client, url, settings)
    assert body(after) != body(before)


def test_a_member_removed_from_the_team_is_refused_at_once(cast: Cast) -> None:
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    assert served(client, url).status_code == 200
    people_services.membership_remove(
        membership=Membership.objects.get(team=cast.platform, user=cast.bob)
    )
    assert client.get(url).status_code == 404
    assert "Platform" not in client.get(reverse("web:dashboard")).content.decode()


def test_a_signed_out_session_is_not_served_the_kept_page(cast: Cast) -> None:
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    assert served(client, url).status_code == 200
    session_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session_cookie  # a stolen copy
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_person_gets_their_own_page(cast: Cast) -> None:
    url = reverse("web:team", args=[cast.platform.pk])
    lead = returning_visitor(cast.alice)
    member = returning_visitor(cast.bob)
    # Even sharing one CSRF cookie (one browser, two people in turn), pages stay apart.
    member.cookies[django_settings.CSRF_COOKIE_NAME] = lead.cookies[
        django_settings.CSRF_COOKIE_NAME
    ].value
    assert "Manage members" in served(lead, url).content.decode()
    assert "Manage members" not in served(member, url).content.decode()
    assert ">Alice</a>" in served(lead, reverse("web:dashboard")).content.decode()
    assert ">Bob</a>" in served(member, reverse("web:dashboard")).content.decode()


def test_the_kept_pages_csrf_token_works_for_each_browser(cast: Cast) -> None:
    url = reverse("web:team", args=[cast.platform.pk])
    browsers = []
    for _ in range(2):  # the same person in two browsers: two CSRF secrets
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(cast.bob)
        browser.get(url)
        browsers.append(browser)
    for browser in browsers:
        page = served(browser, url).content.decode()
        token = re.search(r'csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page)
        assert token is not None
        response = browser.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)})
        assert response.status_code == 302  # 403 if the token belonged to the other browser


def test_an_outsider_is_refused_every_time(cast: Cast, django_assert_num_queries: Any) -> None:
    client = returning_visitor(cast.charlie)
    url = reverse("web:team", args=[cast.platform.pk])
    assert client.get(url).status_code == 404
    with django_assert_num_queries(SERVED_QUERIES + 1):  # not kept: the access check runs
        assert client.get(url).status_code == 404


def test_htmx_partial_and_full_page_are_kept_apart(cast: Cast) -> None:
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    partial = served(client, url, HTTP_HX_REQUEST="true").content.decode()
    full = served(client, url).content.decode()
    assert "<html" not in partial
    assert "<html" in full
    assert "<html" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_query_strings_are_kept_apart(cast: Cast) -> None:
    for number in range(60):
        people_services.membership_set(
            team=cast.platform,
            person=people_services.person_create(
                organisation=cast.org,
                username=f"p{number:02}",
                email=f"p{number:02}@example.com",
                display_name=f"Zz {number:02}",
            ),
            role=Role.MEMBER,
            joined_on=dt.date(2026, 1, 5),
        )
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    first = served(client, url).content.decode()
    second = served(client, url + "?page=2").content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second


def test_a_pending_message_is_shown_once_and_not_kept(cast: Cast) -> None:
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    served(client, url)
    token, _secret = api_token_create(user=cast.bob, name="laptop", expires_at=None)
    # The revoke view leaves a message for the next page and redirects; go elsewhere.
    client.post(reverse("tokens:revoke", args=[token.pk]))
    assert "is revoked" in client.get(url).content.decode()
    assert "is revoked" not in client.get(url).content.decode()
    assert "is revoked" not in client.get(url).content.decode()


def test_the_dashboard_is_not_kept_past_its_first_session_start(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    starts = timezone.now() + dt.timedelta(minutes=3)
    make_session(cast.platform, by=cast.alice, title="Soon: tracing", starts_at=starts)
    client = returning_visitor(cast.bob)
    url = reverse("web:dashboard")
    assert "Soon: tracing" in served(client, url).content.decode()
    with django_assert_num_queries(SERVED_QUERIES):
        client.get(url)
    later = starts + dt.timedelta(seconds=1)
    monkeypatch.setattr(page_cache.time, "time", later.timestamp)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(url)
    assert "Soon: tracing" not in response.content.decode()


def test_no_page_is_kept_longer_than_max_age(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    client = returning_visitor(cast.bob)
    url = reverse("web:team", args=[cast.platform.pk])
    served(client, url)
    now = page_cache.time.time()
    monkeypatch.setattr(page_cache.time, "time", lambda: now + page_cache.MAX_AGE_SECONDS + 1)
    with django_assert_num_queries(RENDERED_QUERIES):
        client.get(url)


def test_a_page_rendered_with_a_new_message_is_not_kept() -> None:
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    request._messages = storage  # type: ignore[attr-defined]
    assert page_cache._storable(request, HttpResponse("page"))
    storage.add(constants.INFO, "Added while rendering")
    assert not page_cache._storable(request, HttpResponse("page"))
    assert not page_cache._storable(RequestFactory().get("/"), HttpResponse("gone", status=404))


# --- Where the middleware sits ----------------------------------------------------


def test_settings_place_the_middleware_where_it_can_read_its_key() -> None:
    assert page_cache.check_middleware() == []


def test_check_names_what_the_middleware_must_come_after(settings: Any) -> None:
    middleware = list(django_settings.MIDDLEWARE)
    ours = "peerlearn.web.page_cache.PageCacheMiddleware"
    middleware.remove(ours)
    settings.MIDDLEWARE = middleware
    assert [message.id for message in page_cache.check_middleware()] == ["web.W001"]
    settings.MIDDLEWARE = [ours, *middleware]
    errors = page_cache.check_middleware()
    assert [message.id for message in errors] == ["web.E001", "web.E001"]
    assert "CsrfViewMiddleware" in errors[0].msg
    assert "AuthenticationMiddleware" in errors[1].msg


# --- The store on its own ---------------------------------------------------------


def _page(size: int, expires: float = 1e12) -> CachedPage:
    return CachedPage(b"x" * size, (("Content-Type", "text/html"),), expires)


def _key(name: str, path: str = "/") -> PageKey:
    return PageKey(person=1, version=1, path=path, htmx=False, csrf_secret=name)


def test_store_evicts_least_recently_used_to_stay_within_its_size() -> None:
    store = PageCache(max_bytes=3 * _page(1000).size)
    for name in "abc":
        store.put(_key(name), _page(1000))
    assert store.get(_key("a"), now=0) is not None  # "a" is now the most recently used
    store.put(_key("d"), _page(1000))
    assert store.get(_key("b"), now=0) is None
    assert all(store.get(_key(name), now=0) is not None for name in "acd")
    assert store.bytes <= store.max_bytes
    assert len(store) == 3


def test_store_refuses_a_page_bigger_than_itself_and_replaces_same_key() -> None:
    store = PageCache(max_bytes=2000)
    store.put(_key("huge", "/huge"), _page(5000))
    assert store.get(_key("huge", "/huge"), now=0) is None
    assert not store.holds_path("/huge")
    store.put(_key("a"), _page(100))
    store.put(_key("a"), _page(200))
    assert store.bytes == _page(200).size
    assert len(store) == 1


def test_store_drops_expired_pages_when_asked_for_them() -> None:
    store = PageCache(max_bytes=10_000)
    store.put(_key("a"), _page(10, expires=100.0))
    assert store.get(_key("a"), now=99.9) is not None
    assert store.get(_key("a"), now=100.0) is None
    assert len(store) == 0
    assert store.bytes == 0


def test_store_knows_which_paths_it_holds_pages_for() -> None:
    # Requests for other paths skip the lookup; the count must follow every removal.
    store = PageCache(max_bytes=3 * _page(100).size)
    store.put(_key("a", "/one"), _page(100, expires=100.0))
    store.put(_key("b", "/one"), _page(100))
    store.put(_key("c", "/two"), _page(100))
    store.put(_key("c", "/two"), _page(100))  # replaced, still one page
    assert store.holds_path("/one")
    assert store.holds_path("/two")
    assert not store.holds_path("/three")
    assert store.get(_key("a", "/one"), now=100.0) is None  # expired
    assert store.holds_path("/one")
    store.put(_key("d", "/three"), _page(100))
    store.put(_key("e", "/three"), _page(100))  # evicts "/one"'s last page
    assert not store.holds_path("/one")
    assert store.holds_path("/two")
    store.put(_key("f", "/three"), _page(100))  # evicts "/two"'s
    assert not store.holds_path("/two")
    assert store.holds_path("/three")
    assert len(store) == 3
