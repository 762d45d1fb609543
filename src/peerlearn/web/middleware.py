"""Django's AuthenticationMiddleware, using the person read along with the session.

`peerlearn.web.sessions` reads a session and its signed-in person in one statement. This
middleware hands that person to Django's own `auth.get_user` (through
`person_read_with_session`), which still does every check it always does: the backend is
configured, the person is active, the session's password hash matches.
"""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import middleware as django_auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from peerlearn.people.auth_backend import person_read_with_session


def get_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(SESSION_KEY)  # reads the session (and its person) if not yet read
        with person_read_with_session(getattr(session, "person", None)):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined,no-any-return]


class AuthenticationMiddleware(django_auth.AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
