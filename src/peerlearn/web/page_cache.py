"""Rendered signed-in pages, kept in each web process and served again while still true.

Most of a signed-in page's cost is Django building SQL and rendering templates for data
that has not changed since the viewer's last visit. A page decorated with `cached_page`
is stored after rendering and served again for the same request while:

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
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Concatenate, cast

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from peerlearn.people.user_rows import CONTENT_VERSION_ATTRIBUTE

MAX_AGE_SECONDS = 300.0
# Bookkeeping per entry beyond the body (key, tuple, dataclass), for the size bound.
_ENTRY_OVERHEAD = 300
_EXPIRES_ATTRIBUTE = "page_cache_expires"


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    content_type: str
    expires: float  # time.time()

    @property
    def size(self) -> int:
        return len(self.body) + _ENTRY_OVERHEAD


class PageCache:
    """A thread-safe least-recently-used store bounded by total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: float) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.expires <= now:
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: CachedPage) -> None:
        if page.size > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._remove(key)
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        return self._bytes

    def _remove(self, key: Hashable) -> None:
        self._bytes -= self._pages.pop(key).size


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


def page_key(request: HttpRequest) -> Hashable | None:
    """The cache key for this request, or None when it must be rendered afresh."""
    if request.method != "GET" or not settings.PEERLEARN_PAGE_CACHE_BYTES:
        return None
    user = request.user
    version = getattr(user, CONTENT_VERSION_ATTRIBUTE, None)
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or version is None or not csrf_secret:
        return None
    if _has_pending_messages(request):
        return None
    htmx = bool(getattr(request, "htmx", False))
    return (user.pk, version, request.get_full_path(), htmx, csrf_secret)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


def cached_page[**P](
    view: Callable[Concatenate[Any, P], HttpResponseBase],
) -> Callable[Concatenate[Any, P], HttpResponseBase]:
    """Serve the view's page from the page cache while it is still true (see above).

    Put it under `login_required`; the view must only show tracked tables
    (`content_triggers.TRACKED`) and the time, and say when time changes the page.
    """

    @functools.wraps(view)
    def wrapper(request: Any, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        cache = page_cache()
        now = time.time()
        page = cache.get(key, now)
        if page is not None:
            # Unlike rendering {% csrf_token %}, this does not send the CSRF cookie again
            # to renew its year-long expiry: the render, minutes ago at most, did.
            return HttpResponse(page.body, content_type=page.content_type)
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponse) and _storable(request, response):
            latest = now + MAX_AGE_SECONDS
            expires = min(latest, getattr(response, _EXPIRES_ATTRIBUTE, latest))
            if expires > now:
                cache.put(key, CachedPage(response.content, response["Content-Type"], expires))
        return response

    return cast(Callable[Concatenate[Any, P], HttpResponseBase], wrapper)
