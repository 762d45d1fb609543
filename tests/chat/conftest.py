"""A local HTTP server standing in for Slack, Teams and Mattermost: it records every
POST and answers what the test queued for its path (200 when nothing is queued)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.browser.conftest import browser_type_launch_args, console

__all__ = ["browser_type_launch_args", "console"]


@dataclass
class Recorder:
    base: str
    received: list[tuple[str, Any]] = field(default_factory=list)
    answers: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def answer(self, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.answers.setdefault(path, []).append((status, headers or {}))

    def bodies(self, path: str) -> list[Any]:
        return [body for got, body in self.received if got == path]


@pytest.fixture
def recorder(settings: Any) -> Iterator[Recorder]:
    settings.CHAT_ALLOW_LOCAL_WEBHOOKS = True
    holder: dict[str, Recorder] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"null")
            record = holder["recorder"]
            record.received.append((self.path, body))
            queued = record.answers.get(self.path)
            status, headers = queued.pop(0) if queued else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"invalid_payload")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["recorder"] = Recorder(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["recorder"]
    finally:
        server.shutdown()
        server.server_close()
