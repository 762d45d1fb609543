"""Django admin, for the operator of the installation only.

Django admin lists every organisation's people and can set anyone's password, so it is
open to operators (`people.access.is_operator`: superusers with no organisation) and to
nobody else, whatever their `is_staff` flag says. Organisation admins manage their
organisation in peerlearn's own pages.

Signing in happens on the app's login page, the one throttled sign-in form, rather than
on a second form of the admin's own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from peerlearn.people.access import is_operator

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])

REFUSED = (
    "Django admin is for the operator of this installation. Organisation admins manage "
    "their organisation under Manage."
)


class OperatorAdminSite(admin.AdminSite):
    site_header = "peerlearn operator admin"
    site_title = "peerlearn admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def refuse_non_operators(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            # Django admin would send a signed-in non-operator to its login page; with the
            # app's login page that would redirect straight back. Say no instead.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(REFUSED)
            return guarded(request, *args, **kwargs)

        return cast(_View, refuse_non_operators)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect_to_login(wanted if safe and wanted else index)
