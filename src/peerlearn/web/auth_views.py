"""Sign-in and password reset pages. The sign-in throttle itself is in authentication
(`peerlearn.people.login_backend`), so this form only puts its refusal into words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from peerlearn.people.login_backend import THROTTLED_MESSAGE, sign_in_was_throttled

__all__ = ["THROTTLED_MESSAGE", "LoginView", "ThrottledAuthenticationForm"]


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if sign_in_was_throttled(self.request):
                raise forms.ValidationError(THROTTLED_MESSAGE, code="throttled") from None
            raise


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
