"""YAML front matter written by hand, safely: every string is a double-quoted scalar.

Inside double quotes YAML reads only escapes, so no title can end the scalar, start a new
key or close the front matter. We escape `"` and `\\`, and every character a YAML reader
might refuse or take as a line break (C0/C1 controls, DEL, NEL, U+2028/U+2029, the byte
order mark, lone surrogates); everything else is written as UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "\\uFFFD"  # a lone surrogate cannot be written as UTF-8 at all
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}"


def _needs_escape(char: str) -> bool:
    code = ord(char)
    return (
        char in _NAMED
        or code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x2028, 0x2029, 0xFEFF)
        or 0xD800 <= code <= 0xDFFF
    )


def quoted(text: str) -> str:
    return '"' + "".join(_escape(c) if _needs_escape(c) else c for c in text) + '"'


Value = str | date | Sequence[str]


def front_matter(fields: Sequence[tuple[str, Value]]) -> str:
    """`---`, one `key: value` per field (keys are ours: plain words), `---`."""
    lines = ["---"]
    for key, value in fields:
        if isinstance(value, str):
            lines.append(f"{key}: {quoted(value)}")
        elif isinstance(value, date):
            lines.append(f"{key}: {value.isoformat()}")
        elif not value:
            lines.append(f"{key}: []")
        else:
            lines.append(f"{key}:")
            lines.extend(f"  - {quoted(item)}" for item in value)
    lines.append("---")
    return "\n".join(lines) + "\n"
