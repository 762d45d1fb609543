"""Request helpers for views: the authenticated request type, method guards, query text."""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from peerlearn.people.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


# Every view says which methods it answers (tests/fuzz/test_urls.py checks it): GET-only
# pages use `require_safe`, form pages this, actions `require_POST`. Anything else is a
# 405, so a POST to a page can never run code the page did not expect to run on POST.
require_GET_or_POST = require_http_methods(["GET", "HEAD", "POST"])


# Control characters are never meaningful in a filter or search box, and PostgreSQL
# refuses a NUL in any text parameter (a DataError, so a 500); drop them all here, the
# one place every view reads free text from the query string.
_QUERY_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def query_text(request: HttpRequest, name: str, *, max_length: int, default: str = "") -> str:
    """The named query-string parameter as plain text: no control characters, capped."""
    value = request.GET.get(name, default)
    return _QUERY_CONTROLS.sub("", value)[:max_length]
