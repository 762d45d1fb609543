"""Django's database session store, refusing cookies no session key can be.

Django's own store sends any cookie value of eight characters or more to the
database. PostgreSQL refuses text holding a NUL byte with a ``DataError``, so a
hostile cookie turned every request into a 500. Keys Django makes are 32
characters from ``VALID_KEY_CHARS``; anything else cannot match a row, and is
treated as no session at all, without a query.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_KEY_LENGTH = 32
_KEY_CHARS = frozenset(VALID_KEY_CHARS)


def is_possible_session_key(key: object) -> bool:
    """True when ``key`` has the shape of a key Django's store creates."""
    return (
        isinstance(key, str) and len(key) == _KEY_LENGTH and all(char in _KEY_CHARS for char in key)
    )


class SessionStore(DatabaseSessionStore):
    """Database sessions whose keys are checked before they reach the database."""

    def _validate_session_key(self, key: str | None) -> bool:
        return is_possible_session_key(key)

    def load(self) -> dict[str, object]:
        # Django's own load() queries even for a refused key (as IS NULL).
        if self.session_key is None:
            return {}
        loaded: dict[str, object] = super().load()
        return loaded
