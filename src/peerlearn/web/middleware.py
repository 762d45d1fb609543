"""`Cache-Control: private, no-store` on everything personal.

A signed-in page or an API answer must not be kept by a shared proxy, nor by the
browser's back-forward history on a shared computer after sign-out. A response counts
as personal when the request carried a session cookie, when it sets one, when it was
made for a signed-in person, or when it is an API answer. A view that chose its own
caching (calendar feeds, which carry their own secret and validators) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from peerlearn.api.middleware import is_api_request

NO_STORE = "private, no-store"


def _is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    if is_api_request(request):
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    if settings.SESSION_COOKIE_NAME in response.cookies:
        return True
    user = getattr(request, "_cached_user", None)  # only if the view looked at it
    return bool(user is not None and user.is_authenticated)


class PrivateNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        chosen = str(response.get("Cache-Control", ""))
        if chosen:
            # never_cache (Django's sign-in views) already says no-store; a view that chose
            # to be cached (a calendar feed) keeps its own words.
            if "no-store" in chosen and "private" not in chosen:
                response["Cache-Control"] = f"{chosen}, private"
        elif _is_personal(request, response):
            response["Cache-Control"] = NO_STORE
        return response
