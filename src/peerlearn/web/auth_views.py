"""Login with throttling; the rest of authentication is Django's own views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from peerlearn.people.throttle import (
    login_failure_record,
    login_failures_clear,
    login_is_throttled,
)

THROTTLED_MESSAGE = (
    "Too many failed sign-ins for this account or address. Wait a few minutes, "
    "or reset your password."
)


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        address = client_address(self.request)
        if login_is_throttled(username=username, address=address):
            raise forms.ValidationError(THROTTLED_MESSAGE, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, address=address)
            raise
        login_failures_clear(username=username, address=address)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
