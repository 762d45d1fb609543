"""The access choke point for chat webhooks: the team's leads (and organisation
admins) manage them; nobody else sees them, not even their names (an outsider gets
404, a member 403)."""

from __future__ import annotations

from peerlearn.chat.models import ChatWebhook
from peerlearn.people.access import AnyUser, get_team_scoped
from peerlearn.people.roles import TeamAction


def get_webhook_for_user(user: AnyUser, webhook_id: object) -> ChatWebhook:
    """The only way code fetches a webhook by an id that came from a user."""
    return get_team_scoped(
        user,
        ChatWebhook.objects.select_related("team"),
        webhook_id,
        TeamAction.MANAGE,
        what="webhook",
    ).obj
