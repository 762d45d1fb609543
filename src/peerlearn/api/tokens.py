"""The token format, pure functions: `pl_<prefix>_<secret>`.

The prefix is hex (never contains "_"), so splitting at the first two underscores is
unambiguous even though the url-safe secret may itself contain underscores.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NamedTuple

FORMAT_TAG = "pl"
PREFIX_BYTES = 6  # 12 hex characters: enough to be unique, short enough to show
SECRET_BYTES = 32  # 256 bits: no salt or slow hash needed, guessing is hopeless


class ParsedToken(NamedTuple):
    prefix: str
    full: str


def new_token() -> tuple[str, str]:
    """A fresh (prefix, full token) pair."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"{FORMAT_TAG}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def hash_token(full_token: str) -> str:
    return hashlib.sha256(full_token.encode()).hexdigest()


def parse_token(raw: str) -> ParsedToken | None:
    """The token's parts, or None when it cannot be one of ours."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != FORMAT_TAG or not parts[1] or not parts[2]:
        return None
    prefix = parts[1]
    if len(prefix) != PREFIX_BYTES * 2 or any(c not in "0123456789abcdef" for c in prefix):
        return None
    return ParsedToken(prefix=prefix, full=raw.strip())


def hash_matches(full_token: str, stored_hash: str) -> bool:
    # Constant time, so response timing does not leak how much of a hash matched.
    return hmac.compare_digest(hash_token(full_token), stored_hash)
