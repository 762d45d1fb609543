"""Chat payloads in each service's documented shape, hostile text escaped, webhook URL
rules and the retry schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from peerlearn.engines.chat import (
    MAX_ATTEMPTS,
    ChatMessage,
    WebhookUrlError,
    check_webhook_url,
    next_attempt_delay,
    payload,
    should_retry,
)

MESSAGE = ChatMessage(
    title="New session: <!channel> & *Kafka*",
    text="Alice presents <https://evil.example|click>.",
    facts=(("When", "Tue 12 Jan 2027, 14:00 (Europe/Berlin)"), ("Where", "Room 4")),
    url="https://peerlearn.example.com/sessions/7/",
)


def test_slack_uses_block_kit_with_a_fallback_and_escapes_control_sequences() -> None:
    body = payload("slack", MESSAGE)
    assert "&lt;!channel&gt; &amp; *Kafka*" in body["text"]
    kinds = [block["type"] for block in body["blocks"]]
    assert kinds == ["header", "section", "section", "actions"]
    assert body["blocks"][1]["text"]["text"] == (
        "Alice presents &lt;https://evil.example|click&gt;."
    )
    assert body["blocks"][2]["fields"][0]["text"].startswith("*When*\n")
    assert body["blocks"][3]["elements"][0]["url"] == MESSAGE.url


def test_teams_gets_an_adaptive_card_in_a_message_attachment() -> None:
    body = payload("teams", MESSAGE)
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["body"][0]["text"] == MESSAGE.title  # plain text: nothing to escape
    assert card["body"][2]["facts"][1] == {"title": "Where", "value": "Room 4"}
    assert card["actions"][0] == {
        "type": "Action.OpenUrl",
        "title": "Open in peerlearn",
        "url": MESSAGE.url,
    }


def test_mattermost_gets_markdown_with_punctuation_escaped() -> None:
    body = payload("mattermost", MESSAGE)
    first = body["text"].splitlines()[0]
    assert first == r"**New session\: \<\!channel\> & \*Kafka\***"
    assert body["text"].endswith(f"[Open in peerlearn]({MESSAGE.url})")
    assert body["attachments"][0]["title_link"] == MESSAGE.url


def test_an_unknown_service_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown chat service 'irc'"):
        payload("irc", MESSAGE)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the webhook URL"),
        ("http://hooks.slack.com/services/x", "Use an https:// URL"),
        ("https://user:pw@hooks.slack.com/x", "no user name or password"),
        ("https://127.0.0.1/hook", "private address"),
        ("https://localhost:8065/hooks/x", "private address"),
        ("https://10.1.2.3/hooks/x", "private address"),
        ("https://[::1]/hooks/x", "private address"),
        ("https://hooks.slack.com/a b", "no spaces"),
        ("https://" + "a" * 2000, "at most 2000"),
        ("ftp://example.com/x", "Use an https:// URL"),
        ("https:///nohost", "needs a host name"),
    ],
)
def test_webhook_urls_that_are_refused(url: str, message: str) -> None:
    with pytest.raises(WebhookUrlError, match=message):
        check_webhook_url(url)


def test_local_webhooks_when_the_operator_allows_them() -> None:
    assert check_webhook_url("http://127.0.0.1:8065/hooks/x", allow_local=True)
    with pytest.raises(WebhookUrlError, match="https"):
        check_webhook_url("http://mattermost.example.com/hooks/x", allow_local=True)
    assert check_webhook_url(" https://hooks.slack.com/services/T/B/x ") == (
        "https://hooks.slack.com/services/T/B/x"
    )


def test_retry_schedule() -> None:
    assert should_retry(None)
    assert should_retry(429)
    assert should_retry(503)
    assert not should_retry(404)
    assert not should_retry(400)
    assert next_attempt_delay(1) == dt.timedelta(minutes=1)
    assert next_attempt_delay(2, retry_after="600") == dt.timedelta(minutes=10)
    assert next_attempt_delay(1, retry_after="999999") == dt.timedelta(hours=12)
    assert next_attempt_delay(MAX_ATTEMPTS) is None
