"""The address a request came from, for the per-address throttles.

Without trusted proxies (`PEERLEARN_TRUSTED_PROXIES`) it is the connection's peer,
REMOTE_ADDR, and X-Forwarded-For is ignored: anyone can write that header. Behind
trusted proxies, each of them appends the address it received the request from, so
the header is read from the right: the first address that is not a trusted proxy is the
client. Whatever the client wrote itself stands further left and is never reached.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 hosts commonly hold a whole /64; counting single addresses would give one guess
# per address to whoever holds the network.
IPV6_THROTTLE_PREFIX = 64


def _parse(value: str) -> Address | None:
    text = value.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest | None) -> Address | None:
    if request is None:
        return None
    peer = _parse(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None or not _trusted(peer):
        return peer
    nearest = peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    for hop in reversed([hop for hop in forwarded.split(",") if hop.strip()]):
        address = _parse(hop)
        if address is None:
            # Not something a proxy of ours wrote: trust nothing further left.
            return nearest
        if not _trusted(address):
            return address
        nearest = address
    return nearest


def client_address(request: HttpRequest | None) -> str | None:
    address = client_ip(request)
    return None if address is None else str(address)


def address_throttle_key(request: HttpRequest | None) -> str | None:
    """The client's IPv4 address, or its IPv6 /64 network; None when it has none."""
    address = client_ip(request)
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_THROTTLE_PREFIX), strict=False)
        return str(network)
    return str(address)
