"""The JSON each service's incoming webhook takes, from one `ChatMessage`.

- Slack (api.slack.com/messaging/webhooks): `text` (the fallback shown in
  notifications) and Block Kit `blocks`: a header, a section in mrkdwn, a section of
  `fields`, and a button.
- Microsoft Teams (a Workflows "When a Teams webhook request is received" flow, which
  replaced Office 365 connectors): `{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": <an Adaptive Card 1.4>}]}` with
  TextBlocks, a FactSet and an Action.OpenUrl.
- Mattermost (developers.mattermost.com/integrate/webhooks/incoming): `text` in
  Markdown, plus `attachments` in Slack's legacy shape (title, fields, title_link).

Text people typed (titles, places) is escaped for each format: Slack's `&`, `<`, `>`
(so a title cannot mention @channel or forge a link), Markdown's punctuation for
Mattermost; Adaptive Card TextBlocks take plain text.
"""

from __future__ import annotations

import re
from typing import Any

from .message import ChatMessage

SLACK, TEAMS, MATTERMOST = "slack", "teams", "mattermost"
SERVICES = {SLACK: "Slack", TEAMS: "Microsoft Teams", MATTERMOST: "Mattermost"}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>@:<])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _slack(message: ChatMessage) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}}
    ]
    if message.text:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(message.text)}}
        )
    if message.facts:
        fields = [
            {"type": "mrkdwn", "text": f"*{_slack_escape(k)}*\n{_slack_escape(v)}"}
            for k, v in message.facts[:10]
        ]
        blocks.append({"type": "section", "fields": fields})
    if message.url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_label},
                        "url": message.url,
                    }
                ],
            }
        )
    fallback = _slack_escape(message.title + (f": {message.text}" if message.text else ""))
    return {"text": fallback, "blocks": blocks}


def _teams(message: ChatMessage) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if message.text:
        body.append({"type": "TextBlock", "text": message.text, "wrap": True})
    if message.facts:
        body.append(
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts]}
        )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message.url:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": message.link_label, "url": message.url}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def _mattermost(message: ChatMessage) -> dict[str, Any]:
    title = _markdown_escape(message.title)
    lines = [f"**{title}**"]
    if message.text:
        lines.append(_markdown_escape(message.text))
    attachment: dict[str, Any] = {
        "fallback": message.title,
        "fields": [
            {"short": True, "title": k, "value": _markdown_escape(v)} for k, v in message.facts
        ],
    }
    if message.url:
        lines.append(f"[{message.link_label}]({message.url})")
        attachment["title"] = message.title
        attachment["title_link"] = message.url
    return {"text": "\n".join(lines), "attachments": [attachment]}


def payload(service: str, message: ChatMessage) -> dict[str, Any]:
    if service == SLACK:
        return _slack(message)
    if service == TEAMS:
        return _teams(message)
    if service == MATTERMOST:
        return _mattermost(message)
    raise ValueError(f"Unknown chat service {service!r}: use one of {', '.join(SERVICES)}.")
