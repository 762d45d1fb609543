"""A person's own account: profile, password, and accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from peerlearn.people.account_services import account_password_change
from peerlearn.people.forms import AccountPasswordChangeForm, ProfileForm, apply_validation_error
from peerlearn.people.models import User
from peerlearn.people.services import person_update_profile
from peerlearn.web.auth_views import PasswordResetConfirmView
from peerlearn.web.http import AuthedRequest, require_GET_or_POST


def _profile_initial(person: User) -> dict[str, str]:
    return {
        "display_name": person.display_name,
        "email": person.email,
        "time_zone": person.time_zone,
    }


def _render_account(
    request: AuthedRequest,
    *,
    profile_form: ProfileForm | None = None,
    password_form: AccountPasswordChangeForm | None = None,
) -> HttpResponse:
    person = request.user
    context = {
        "form": profile_form or ProfileForm(initial=_profile_initial(person)),
        "password_form": password_form or AccountPasswordChangeForm(user=person),
    }
    return render(request, "people/account.html", context)


@login_required
@require_GET_or_POST
def account(request: AuthedRequest) -> HttpResponse:
    person = request.user
    if request.method != "POST":
        return _render_account(request)
    form = ProfileForm(request.POST, initial=_profile_initial(person))
    if form.is_valid():
        try:
            person_update_profile(person=person, **form.cleaned_data)
        except ValidationError as error:
            # The failed save may have changed the in-memory user the page shows.
            person.refresh_from_db()
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("people:account")
    return _render_account(request, profile_form=form)


@login_required
@require_POST
def password_change(request: AuthedRequest) -> HttpResponse:
    person = request.user
    form = AccountPasswordChangeForm(user=person, data=request.POST)
    if not form.is_valid():
        return _render_account(request, password_form=form)
    revoked = account_password_change(
        person=person,
        password=form.cleaned_data["new_password1"],
        revoke_credentials=form.cleaned_data["revoke_credentials"],
        actor=person,
    )
    # Keep this session signed in; every other session of the person ends.
    update_session_auth_hash(request, person)
    if revoked is None:
        messages.success(request, "Your password is changed.")
    else:
        messages.success(
            request,
            f"Your password is changed. {_count(revoked.api_tokens, 'API token')} and "
            f"{_count(revoked.calendar_feeds, 'calendar feed link')} no longer work.",
        )
    return redirect("people:account")


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


class InvitationAcceptView(PasswordResetConfirmView):
    """An invited person chooses their first password and is signed in.

    The link carries the same uid and token as a password reset (so it works once and
    expires), but the page welcomes a newcomer instead of talking about a reset.
    """

    template_name = "people/invitation_accept.html"
    post_reset_login = True
    success_url = reverse_lazy("web:dashboard")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Welcome to peerlearn. Your password is set.")
        return response
