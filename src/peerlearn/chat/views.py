"""A team's chat notifications: the lead adds, tests, changes and removes webhooks and
sees what was sent and what failed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peerlearn.chat import services
from peerlearn.chat.access import get_webhook_for_user
from peerlearn.chat.forms import WebhookEventsForm, WebhookForm
from peerlearn.chat.models import ChatDelivery, ChatWebhook
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction
from peerlearn.web.http import AuthedRequest, require_GET_or_POST

RECENT = 20


@login_required
@require_GET_or_POST
def team_webhooks(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = get_team_access(request.user, team_id, TeamAction.MANAGE).team
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hook = services.webhook_add(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, f"{hook.name} added. Send a test to check it works.")
            return redirect("chat:team_webhooks", team.pk)
    hooks = list(ChatWebhook.objects.filter(team=team))
    context = {
        "team": team,
        "form": form,
        "hooks": [
            (
                hook,
                services.webhook_host(hook.url),
                WebhookEventsForm(initial={"name": hook.name, "events": hook.events}),
            )
            for hook in hooks
        ],
        "recent": ChatDelivery.objects.filter(webhook__team=team).select_related("webhook")[
            :RECENT
        ],
    }
    return render(request, "chat/webhooks.html", context)


@login_required
@require_POST
def webhook_update(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    hook = get_webhook_for_user(request.user, webhook_id)
    form = WebhookEventsForm(request.POST)
    if form.is_valid():
        try:
            services.webhook_update(webhook=hook, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, f"{hook.name} saved.")
    else:
        problems = [
            f"{form.fields[f].label or f}: {' '.join(str(m) for m in e)}"
            for f, e in form.errors.items()
        ]
        messages.error(request, "Not saved. " + "; ".join(problems))
    return redirect("chat:team_webhooks", hook.team_id)


@login_required
@require_POST
def webhook_test(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    hook = get_webhook_for_user(request.user, webhook_id)
    result = services.webhook_send_test(webhook=hook, actor=request.user)
    # The test was sent as asked; what the chat service answered is news, not a refusal.
    (messages.warning if hook.failing else messages.success)(request, result)
    return redirect("chat:team_webhooks", hook.team_id)


@login_required
@require_POST
def webhook_remove(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    hook = get_webhook_for_user(request.user, webhook_id)
    team_id, name = hook.team_id, hook.name
    services.webhook_remove(webhook=hook, actor=request.user)
    messages.success(request, f"{name} removed: nothing more is posted there.")
    return redirect("chat:team_webhooks", team_id)
