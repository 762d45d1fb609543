"""/account/tokens/: a person manages their own personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from peerlearn.api.selectors import api_tokens_of, get_api_token_for_user
from peerlearn.api.services import api_token_create, api_token_revoke
from peerlearn.api.token_forms import ApiTokenCreateForm
from peerlearn.web.http import AuthedRequest


def _page(
    request: AuthedRequest, form: ApiTokenCreateForm, new_secret: str | None = None
) -> HttpResponse:
    response = render(
        request,
        "api/tokens.html",
        {"tokens": api_tokens_of(request.user), "form": form, "new_secret": new_secret},
    )
    # The page may carry a fresh secret: keep it out of every cache.
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ApiTokenCreateForm())
    form = ApiTokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        token, secret = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_at=form.expires_at(),
            actor=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, form)
    # Rendered in the POST's response rather than redirected: the secret must not travel
    # through a URL, the session or a flash message, which are stored.
    messages.success(request, f"Token “{token.name}” created. Copy it now: it is shown only once.")
    return _page(request, ApiTokenCreateForm(), new_secret=secret)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_api_token_for_user(request.user, token_id)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” is revoked; it no longer works.")
    return redirect("tokens:list")
