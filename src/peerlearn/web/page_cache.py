"""Rendered signed-in pages, kept in each web process and served again while still true.

Most of a signed-in page's cost is Django building SQL and rendering templates for data
that has not changed since the viewer's last visit. A page whose view is decorated with
`cached_page` is kept by `PageCacheMiddleware` after rendering, and served again by it,
before the URL is even resolved, for the same request while:

- the viewer is the same person, signed in (the session and the person are still read and
  checked on every request, by Django's middleware, so a logged-out or stolen session is
  refused at once, as before);
- their organisation's content version is unchanged: the database replaces it in the
  same transaction as any write to what cached pages show (`content_triggers`), and it is
  read with the person, before any of the page's data, so new data is never stored under
  an old version or old data under a new one;
- the same path, query string and HTMX partial, and the same CSRF secret (the page holds
  a token made from it);
- no message is waiting to be shown (the page would show it, once);
- the page's own expiry has not passed: MAX_AGE at most, sooner if the view says so (the
  dashboard expires when its first listed session starts).

Because the person, their memberships and roles, and the team are all versioned, a page
that passed the view's access check is only served again while every fact that check used
is unchanged: removing a member from a team refuses them the team page on their next
request.

Each process holds at most PEERLEARN_PAGE_CACHE_MB of pages (least recently used go
first); 0 turns the cache off.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, NamedTuple, cast

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import checks
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from peerlearn.people.user_rows import CONTENT_VERSION_ATTRIBUTE

MAX_AGE_SECONDS = 300.0
# Bookkeeping per entry beyond the body (key, tuple, dataclass), for the size bound.
_ENTRY_OVERHEAD = 300
_EXPIRES_ATTRIBUTE = "page_cache_expires"
_KEEP_ATTRIBUTE = "page_cache_keep"


class PageKey(NamedTuple):
    person: int
    version: int
    path: str  # with the query string
    htmx: bool
    csrf_secret: str


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # as the view and the middleware inside this one set them
    expires: float  # time.time()

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(n) + len(v) for n, v in self.headers) + _ENTRY_OVERHEAD

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body)
        for name, value in self.headers:
            response.headers[name] = value
        return response


class PageCache:
    """A thread-safe least-recently-used store bounded by total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[PageKey, CachedPage] = OrderedDict()
        # How many pages are kept per path: requests for other paths skip the lookup
        # (and reading who is signed in) altogether.
        self._paths: dict[str, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def holds_path(self, path: str) -> bool:
        # Read without the lock: a stale answer costs one lookup, or one render.
        return path in self._paths

    def get(self, key: PageKey, now: float) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.expires <= now:
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: PageKey, page: CachedPage) -> None:
        if page.size > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._remove(key)
            self._pages[key] = page
            self._paths[key.path] = self._paths.get(key.path, 0) + 1
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        return self._bytes

    def _remove(self, key: PageKey) -> None:
        self._bytes -= self._pages.pop(key).size
        left = self._paths[key.path] - 1
        if left:
            self._paths[key.path] = left
        else:
            del self._paths[key.path]


_cache: PageCache | None = None


def page_cache() -> PageCache:
    global _cache
    if _cache is None:
        _cache = PageCache(settings.PEERLEARN_PAGE_CACHE_BYTES)
    return _cache


def reset_page_cache() -> None:
    """Forget every page and re-read the size setting (tests, and settings changes)."""
    global _cache
    _cache = None


def expire_cached_page_at(response: HttpResponseBase, moment: dt.datetime) -> None:
    """Let a view say its page stops being true at `moment` (earlier than MAX_AGE)."""
    setattr(response, _EXPIRES_ATTRIBUTE, moment.timestamp())


def _has_pending_messages(request: HttpRequest) -> bool:
    # The messages framework keeps them in a cookie, overflowing into the session.
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    return SessionStorage.session_key in request.session


def page_key(request: HttpRequest, path: str) -> PageKey | None:
    """The cache key for this request to `path`, or None when it must be rendered afresh."""
    if request.method != "GET" or not settings.PEERLEARN_PAGE_CACHE_BYTES:
        return None
    user = request.user
    version = getattr(user, CONTENT_VERSION_ATTRIBUTE, None)
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or version is None or not csrf_secret:
        return None
    if _has_pending_messages(request):
        return None
    # The header django-htmx reads for `request.htmx`, without building request.headers.
    htmx = request.META.get("HTTP_HX_REQUEST") == "true"
    return PageKey(user.pk, version, path, htmx, csrf_secret)


@dataclass(frozen=True)
class _Keep:
    """Set on a cached view's response: keep it under `key`; rendering began at `started`."""

    key: PageKey
    started: float


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


def cached_page[**P](
    view: Callable[Concatenate[Any, P], HttpResponseBase],
) -> Callable[Concatenate[Any, P], HttpResponseBase]:
    """Let PageCacheMiddleware keep this view's page and serve it again while it is still
    true (see above).

    Put it under `login_required`; the view must only show tracked tables
    (`content_triggers.TRACKED`) and the time, and say when time changes the page.
    """

    @functools.wraps(view)
    def wrapper(request: Any, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        # The key holds the content version read with the person, before the view reads
        # anything: a page is never kept under a version newer than its data.
        key = page_key(request, request.get_full_path())
        started = time.time()
        response = view(request, *args, **kwargs)
        if key is not None:
            setattr(response, _KEEP_ATTRIBUTE, _Keep(key, started))
        return response

    return cast(Callable[Concatenate[Any, P], HttpResponseBase], wrapper)


class PageCacheMiddleware:
    """Serves a kept page before Django resolves the URL; keeps the pages views mark.

    Sits right after the authentication middleware: what comes before it (sessions, CSRF,
    sign-in, security and CSP headers) runs on every request; what comes after it
    (messages, X-Frame-Options, HTMX) and the view ran when the page was rendered, and the
    headers they set are kept with it. A page is only found under the path, person,
    version, HTMX flag and CSRF secret the view itself was asked for, after its access
    check, so serving it skips no decision that could come out differently.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        cache = page_cache()
        if request.method == "GET":
            path = request.get_full_path()
            if cache.holds_path(path):
                key = page_key(request, path)
                page = None if key is None else cache.get(key, time.time())
                if page is not None:
                    # Unlike rendering {% csrf_token %}, this does not send the CSRF cookie
                    # again to renew its year-long expiry: the render, minutes ago at most, did.
                    return page.response()
        response = self.get_response(request)
        keep: _Keep | None = getattr(response, _KEEP_ATTRIBUTE, None)
        if keep is not None and isinstance(response, HttpResponse) and _storable(request, response):
            latest = keep.started + MAX_AGE_SECONDS
            expires = min(latest, getattr(response, _EXPIRES_ATTRIBUTE, latest))
            if expires > time.time():
                cache.put(keep.key, CachedPage(response.content, tuple(response.items()), expires))
        return response


_MIDDLEWARE = f"{PageCacheMiddleware.__module__}.{PageCacheMiddleware.__qualname__}"
# What the key is made of must be known before the lookup: the CSRF secret and the person.
_NEEDED_BEFORE = (
    "django.middleware.csrf.CsrfViewMiddleware",
    "peerlearn.web.middleware.AuthenticationMiddleware",
)


def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Views marked `cached_page` rely on PageCacheMiddleware, placed after what it reads."""
    middleware = list(settings.MIDDLEWARE)
    if _MIDDLEWARE not in middleware:
        return [
            checks.Warning(
                f"MIDDLEWARE lacks {_MIDDLEWARE}: no page is served again from the page cache.",
                id="web.W001",
            )
        ]
    position = middleware.index(_MIDDLEWARE)
    return [
        checks.Error(f"MIDDLEWARE: {_MIDDLEWARE} must come after {needed}.", id="web.E001")
        for needed in _NEEDED_BEFORE
        if needed not in middleware[:position]
    ]
