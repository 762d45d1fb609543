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
    """`Authorization: Bearer pl_<prefix>_<secret>`; see docs/api.md."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = api_token_from_secret(token)
        if api_token is None:
            raise AuthenticationError(message="The API token is invalid, expired or revoked.")
        api_token_record_use(token=api_token)
        # Code that reads request.user (logging, shared helpers) sees the token's owner.
        request.user = api_token.user
        return api_token.user


personal_token_auth = PersonalTokenAuth()
API_AUTH = [personal_token_auth, django_auth]


def api_user(request: HttpRequest) -> User:
    """The person an authenticated API request acts for."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # unreachable behind API_AUTH; a guard, not a check
        raise AuthenticationError()
    return user
