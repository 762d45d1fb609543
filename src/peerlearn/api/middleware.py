"""Every answer under /api/ is JSON, whatever produced it.

ninja's own handlers (peerlearn.api.errors) answer what reaches an endpoint. Some
answers are made elsewhere: Django's resolver (a path no endpoint has), ninja's method
dispatch (405), Django's request parsing (a body over DATA_UPLOAD_MAX_MEMORY_SIZE), and
Django's handler for an unexpected exception (500). This middleware turns each of those
into `{"detail": "..."}` with the same status, so a client never has to parse a page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"

_DETAILS = {
    400: "Bad request.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Request body too large.",
    500: "Server error: it was logged for the administrators.",
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, detail: str | None = None) -> JsonResponse:
    text = detail or _DETAILS.get(status) or HttpResponse(status=status).reason_phrase
    return JsonResponse({"detail": text}, status=status)


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class ApiErrorsAsJsonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_request(request) or response.status_code < 400 or _is_json(response):
            return response
        replacement = json_error(response.status_code, _allowed_methods(response))
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_request(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            limit = _upload_limit_text()
            return json_error(413, f"Request body too large (the limit is {limit}).")
        if isinstance(exception, SuspiciousOperation):
            return json_error(400, "Bad request: it could not be read.")
        return None  # Django logs it and answers 500, which __call__ turns into JSON


def _allowed_methods(response: HttpResponse) -> str | None:
    allowed = response.get("Allow")
    return (
        f"Method not allowed; use {allowed}." if response.status_code == 405 and allowed else None
    )


def _upload_limit_text() -> str:
    from django.conf import settings

    limit: int | None = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    return "none" if limit is None else f"{limit:,} bytes"
