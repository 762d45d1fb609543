"""One HTTP POST of a JSON payload to a webhook, with what came back.

Redirects are not followed: a webhook that redirects is reported (use the final URL),
and a redirect can never take the request to an address the URL check refused. The
answer's body is read up to 4 KiB, enough for the services' error texts.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 10
_READ = 4096


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all
    retry_after: str | None
    detail: str  # what to show when it failed


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_json(url: str, body: dict[str, Any], *, timeout: float = TIMEOUT_SECONDS) -> Answer:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - https (or an allowed local http) only
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "peerlearn"},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(_READ)
            return Answer(response.status, None, "")
    except urllib.error.HTTPError as error:
        text = error.read(_READ).decode("utf-8", "replace").strip()
        if 300 <= error.code < 400:
            text = "the webhook URL redirects elsewhere; use the URL it redirects to"
        detail = f"HTTP {error.code}" + (f": {text[:300]}" if text else "")
        return Answer(error.code, error.headers.get("Retry-After"), detail)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(None, None, f"no answer: {reason}"[:400])
