"""How API requests authenticate: a personal token, or the browser's session.

Token first: a request that carries `Authorization: Bearer …` is judged by that token
alone, and a bad token is a 401 even if a session cookie came along too, so a script
never silently acts as whoever is logged in in the browser. Session requests go through
ninja's `django_auth`, which enforces CSRF on unsafe methods.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from peerlearn.api.selectors import api_token_from_secret
from peerlearn.api.services import api_token_record_use
from peerlearn.people.models import User


class PersonalTokenAuth(HttpBearer):
    """`Authorization: Bearer pl_<prefix>_<secret>`; see docs/api.md.

    `record_use=False` leaves the token's "last used" time alone: for anonymous asks,
    whose time must not be matched to the token (and so the person) that sent them."""

    def __init__(self, *, record_use: bool = True) -> None:
        super().__init__()
        self.record_use = record_use

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = api_token_from_secret(token)
        if api_token is None:
            raise AuthenticationError(message="The API token is invalid, expired or revoked.")
        if self.record_use:
            api_token_record_use(token=api_token)
        # Code that reads request.user (logging, shared helpers) sees the token's owner.
        request.user = api_token.user
        return api_token.user


personal_token_auth = PersonalTokenAuth()
API_AUTH = [personal_token_auth, django_auth]
# For endpoints that must leave no trace of who called them (anonymous asks).
TRACELESS_API_AUTH = [PersonalTokenAuth(record_use=False), django_auth]


def api_user(request: HttpRequest) -> User:
    """The person an authenticated API request acts for."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # unreachable behind API_AUTH; a guard, not a check
        raise AuthenticationError()
    return user
