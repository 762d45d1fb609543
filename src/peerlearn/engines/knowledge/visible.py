"""Names from a repository made safe to show: git allows any byte but NUL in a path and
almost anything in an author name, including terminal escapes and bytes that are not
UTF-8 (read with surrogateescape). Such characters become visible escapes (`\\x1b`,
`\\xe9`), so a page or terminal shows what is there and never acts on it."""

from __future__ import annotations

from typing import Any


def visible(text: str) -> str:
    if text.isprintable():
        return text  # the common case, checked in C
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def visible_data(value: Any) -> Any:
    """`visible` applied to every string (keys included) in JSON-like data."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list | tuple):
        return [visible_data(item) for item in value]
    if isinstance(value, dict):
        return {visible_data(key): visible_data(item) for key, item in value.items()}
    return value
