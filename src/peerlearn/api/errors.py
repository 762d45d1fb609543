"""One error format for the whole API: `{"detail": ...}`, plus `message` on 422.

- 401 `{"detail": "..."}` with a `WWW-Authenticate: Bearer` header
- 403 `{"detail": "..."}` (PermissionDenied from the access choke point, or CSRF)
- 404 `{"detail": "..."}` (an outsider cannot tell a hidden object from a missing one)
- 422 `{"detail": [{"loc": [...], "msg": "...", "type": "..."}], "message": "field: ..."}`
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

# Where parameters live is not part of a field's name for a reader of `message`.
_PARAM_SOURCES = {"__all__", "body", "query", "path", "header", "cookie", "form", "file", "payload"}


_NINJA_DEFAULT_401 = AuthenticationError().message


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if str(p) not in _PARAM_SOURCES]
    # A field named like a source: ("body", "payload", "body"), ("body", "file").
    if not parts and len(loc) >= 2 and str(loc[-1]) != "payload":
        return str(loc[-1])
    return ".".join(parts) or "request"


def validation_message(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{_field_name(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = exc.message
        if detail == _NINJA_DEFAULT_401:  # no credentials at all: say what would do
            detail = "Authentication required: send 'Authorization: Bearer <token>' or log in."
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="peerlearn"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or "You are not allowed to do this."
        return api.create_response(request, {"detail": detail}, status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The choke point's message never says more than "no such <kind>".
        return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors
        ]
        body = {"detail": errors, "message": validation_message(errors)}
        return api.create_response(request, body, status=422)

    @api.exception_handler(DjangoValidationError)
    def invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # A service refused the data: report it in the same shape as a schema error.
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": ["body", field], "msg": message, "type": "value_error"}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"loc": ["body"], "msg": m, "type": "value_error"} for m in exc.messages]
        body = {"detail": errors, "message": validation_message(errors)}
        return api.create_response(request, body, status=422)
