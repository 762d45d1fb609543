"""Chat notifications: a team's webhooks (leads and organisation admins), a test
message, what was sent. Same choke points (`people.access`, `chat.access`) and services
(`chat.services`) as the team's chat page. A webhook's URL is a secret: it is taken,
never given back; answers show its host.
"""

# No `from __future__ import annotations`: ninja reads the annotations at run time.
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peerlearn.api.auth import api_user
from peerlearn.api.fields import SingleLine, id_in_path
from peerlearn.api.pagination import Page
from peerlearn.chat import services
from peerlearn.chat.access import get_webhook_for_user
from peerlearn.chat.models import ChatDelivery, ChatEvent, ChatWebhook
from peerlearn.engines.chat import SERVICES
from peerlearn.people.access import get_team_access
from peerlearn.people.roles import TeamAction

router = Router(tags=["chat notifications"])
EVENTS = ", ".join(f"`{value}` ({label})" for value, label in ChatEvent.choices)


class WebhookOut(Schema):
    id: int
    team_id: int
    service: str = Field(..., description=f"One of {', '.join(SERVICES)}.", examples=["slack"])
    name: str = Field(..., examples=["#platform"])
    host: str = Field(..., description="The URL's host (the URL itself is secret).")
    events: list[str] = Field(..., examples=[["session_new", "reminder"]])
    last_sent_at: dt.datetime | None
    failing: bool
    last_error: str = Field(..., description="Why the last send failed; empty once one works.")
    created_at: dt.datetime


def webhook_out(hook: ChatWebhook) -> WebhookOut:
    return WebhookOut(
        id=hook.pk,
        team_id=hook.team_id,
        service=hook.service,
        name=hook.name,
        host=services.webhook_host(hook.url),
        events=list(hook.events),
        last_sent_at=hook.last_sent_at,
        failing=hook.failing,
        last_error=hook.last_error,
        created_at=hook.created_at,
    )


class WebhookIn(Schema):
    service: str = Field(..., max_length=20, examples=["slack"])
    name: SingleLine = Field(..., max_length=services.NAME_MAX, examples=["#platform"])
    url: str = Field(
        ...,
        max_length=2000,
        description="The incoming-webhook URL the chat service gave you (https).",
        examples=["https://hooks.slack.com/services/T000/B000/XXXX"],
    )
    events: list[str] = Field(..., max_length=10, description=f"Any of {EVENTS}.")


class WebhookChangeIn(Schema):
    name: SingleLine = Field(..., max_length=services.NAME_MAX)
    events: list[str] = Field(..., max_length=10, description=f"Any of {EVENTS}.")


class TestOut(Schema):
    accepted: bool
    detail: str


class DeliveryOut(Schema):
    id: int
    webhook_id: int
    event: str
    title: str
    status: str = Field(..., description="`pending`, `sent` or `failed`.")
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None = Field(..., description="The chat service's HTTP status.")
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


@router.get(
    "/teams/{team_id}/chat-webhooks",
    response=list[WebhookOut],
    summary="A team's chat webhooks (leads, organisation admins)",
)
def list_webhooks(request: HttpRequest, team_id: int = id_in_path()) -> list[WebhookOut]:
    team = get_team_access(api_user(request), team_id, TeamAction.MANAGE).team
    return [webhook_out(hook) for hook in ChatWebhook.objects.filter(team=team)]


@router.post(
    "/teams/{team_id}/chat-webhooks",
    response={201: WebhookOut},
    summary="Add a Slack, Microsoft Teams or Mattermost webhook (leads, organisation admins)",
)
def add_webhook(
    request: HttpRequest, payload: WebhookIn, team_id: int = id_in_path()
) -> Status[WebhookOut]:
    actor = api_user(request)
    team = get_team_access(actor, team_id, TeamAction.MANAGE).team
    hook = services.webhook_add(team=team, actor=actor, **payload.model_dump())
    return Status(201, webhook_out(hook))


@router.patch(
    "/chat-webhooks/{webhook_id}",
    response=WebhookOut,
    summary="Rename a webhook or change what it is told",
)
def change_webhook(
    request: HttpRequest, payload: WebhookChangeIn, webhook_id: int = id_in_path()
) -> WebhookOut:
    actor = api_user(request)
    hook = get_webhook_for_user(actor, webhook_id)
    services.webhook_update(webhook=hook, actor=actor, name=payload.name, events=payload.events)
    return webhook_out(hook)


@router.delete(
    "/chat-webhooks/{webhook_id}",
    response={204: None},
    summary="Remove a webhook: nothing more is posted there",
)
def remove_webhook(request: HttpRequest, webhook_id: int = id_in_path()) -> Status[None]:
    actor = api_user(request)
    services.webhook_remove(webhook=get_webhook_for_user(actor, webhook_id), actor=actor)
    return Status(204, None)


@router.post(
    "/chat-webhooks/{webhook_id}/test",
    response=TestOut,
    summary="Post a test message now and say whether the chat service took it",
)
def send_test_message(request: HttpRequest, webhook_id: int = id_in_path()) -> TestOut:
    actor = api_user(request)
    hook = get_webhook_for_user(actor, webhook_id)
    detail = services.webhook_send_test(webhook=hook, actor=actor)
    return TestOut(accepted=not hook.failing, detail=detail)


@router.get(
    "/teams/{team_id}/chat-deliveries",
    response=list[DeliveryOut],
    summary="What was (or will be) posted to the team's chat, newest first",
)
@paginate(Page)
def list_deliveries(request: HttpRequest, team_id: int = id_in_path()) -> list[DeliveryOut]:
    team = get_team_access(api_user(request), team_id, TeamAction.MANAGE).team
    return ChatDelivery.objects.filter(webhook__team=team)  # type: ignore[return-value]
