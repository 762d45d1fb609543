"""Request types for views behind login_required, so mypy knows request.user is a User."""

from __future__ import annotations

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
