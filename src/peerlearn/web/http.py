"""Request types for views behind login_required, so mypy knows request.user is a User."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from peerlearn.people.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
