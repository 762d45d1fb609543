"""`<id:name>` in URL patterns: a database id, or no match (404) for anything else.

Django's `<int:…>` matches any run of digits, so `/teams/1000000000000000000000000000000/`
reached the view and the database refused the number with a 500 (SQLite: "Python int
too large to convert to SQLite INTEGER"; PostgreSQL: "integer out of range"). An id here
is 1 … 2**63-1, the range of a signed 64-bit primary key; anything else does not resolve.

Every URLconf imports this module before its patterns (the import registers the
converter); tests/fuzz/test_urls.py checks that no pattern uses `<int:…>`.
"""

from __future__ import annotations

from django.urls import register_converter

from peerlearn.validation import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError("not an id")  # Django: this pattern does not match
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
