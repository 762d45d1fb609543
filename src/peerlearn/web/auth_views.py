"""Sign-in and password reset pages.

The sign-in throttle itself is in authentication (`peerlearn.people.login_backend`), so
the login form only puts its refusal into words. A password-reset request is limited
and queued (`peerlearn.people.password_reset`) rather than mailed while the requester
waits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse, HttpResponseRedirect

from peerlearn.people.login_backend import (
    THROTTLED_MESSAGE,
    sign_in_failures_clear,
    sign_in_was_throttled,
)
from peerlearn.people.models import User
from peerlearn.people.password_reset import password_reset_request
from peerlearn.validation import HardenedFormMixin

__all__ = [
    "RESET_LIMITED_MESSAGE",
    "THROTTLED_MESSAGE",
    "LoginView",
    "PasswordResetConfirmView",
    "PasswordResetView",
    "ThrottledAuthenticationForm",
]

RESET_LIMITED_MESSAGE = (
    "Too many password-reset requests for this e-mail address or from your network. "
    "Look for the link in a mail sent earlier, or try again in an hour."
)


class ThrottledAuthenticationForm(HardenedFormMixin, AuthenticationForm):
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


class PasswordResetRequestForm(HardenedFormMixin, PasswordResetForm):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Not form.save(): that looks the address up and mails while the requester
        # waits, which takes longer for an address that has an account.
        if not password_reset_request(email=form.cleaned_data["email"], request=self.request):
            form.add_error(None, RESET_LIMITED_MESSAGE)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return HttpResponseRedirect(self.get_success_url())


class HardenedSetPasswordForm(HardenedFormMixin, SetPasswordForm[User]):
    pass


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, and a new password lifts the account's sign-in refusal (the refusal
    message offers a reset as the way out)."""

    form_class = HardenedSetPasswordForm

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        sign_in_failures_clear(person=form.user)
        return response
