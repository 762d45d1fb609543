"""One notification, whatever the service: a title, a few lines, facts and a link."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChatMessage:
    title: str  # "New session: Kafka consumer lag"
    text: str = ""  # one or two sentences, plain text
    facts: tuple[tuple[str, str], ...] = ()  # ("When", "Tue 12 Jan, 14:00 Europe/Berlin")
    url: str = ""  # where to open it in peerlearn (absolute)
    link_label: str = "Open in peerlearn"
