from __future__ import annotations

from peerlearn.chat.models import ChatWebhook
from peerlearn.people.models import Team


def failing_webhook_names(team: Team) -> list[str]:
    return list(
        ChatWebhook.objects.filter(team=team).exclude(last_error="").values_list("name", flat=True)
    )
