"""Which webhook URLs peerlearn will post to.

Only `https://` URLs with a host name, no user name or password, at most 2,000
characters. The server posts from inside the organisation's network, so a URL naming
this machine or a private address (`localhost`, 127.0.0.0/8, 10/8, 172.16/12,
192.168/16, link-local, ::1, fc00::/7) is refused unless the operator allowed local
webhooks (a Mattermost on the LAN; the tests' recording server), which also allows
`http://` for those hosts. Names are not resolved here: a public name that points to a
private address is the operator's DNS, not something a form can decide.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

MAX_LENGTH = 2000


class WebhookUrlError(ValueError):
    pass


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


def check_webhook_url(url: str, *, allow_local: bool = False) -> str:
    url = url.strip()
    if not url:
        raise WebhookUrlError("Enter the webhook URL your chat service gave you.")
    if len(url) > MAX_LENGTH:
        raise WebhookUrlError(f"A webhook URL has at most {MAX_LENGTH} characters.")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise WebhookUrlError("A webhook URL has no spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookUrlError("This is not a valid URL.") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise WebhookUrlError("The URL needs a host name (https://hooks.slack.com/…).")
    if parts.username or parts.password:
        raise WebhookUrlError("Put no user name or password in the URL.")
    local = _is_local(host)
    if local and not allow_local:
        raise WebhookUrlError(
            f"{host} is this machine or a private address; the operator has not allowed "
            "local webhooks (PEERLEARN_CHAT_ALLOW_LOCAL_WEBHOOKS)."
        )
    if parts.scheme != "https" and not (parts.scheme == "http" and local and allow_local):
        raise WebhookUrlError("Use an https:// URL.")
    del port
    return url
