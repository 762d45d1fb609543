"""A strict reader for the front matter the exports write (no PyYAML here).

It knows exactly the YAML the writer should produce — `key: "double-quoted"`,
`key: 2026-01-31`, `key: []` and block lists of double-quoted items — and decodes
double-quoted scalars by the YAML 1.2 escape rules written out here independently of the
writer. Anything else is an error, so a value that escaped its quotes fails the test.
"""

from __future__ import annotations

import re
from datetime import date

_KEY = re.compile(r"([a-z]+):(?: (.*))?")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}  # fmt: skip
_HEX = {"x": 2, "u": 4, "U": 8}


class NotOurYaml(ValueError):
    pass


def double_quoted(text: str) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise NotOurYaml(f"not a double-quoted scalar: {text!r}")
    out, i, inner = [], 0, text[1:-1]
    while i < len(inner):
        char = inner[i]
        if char == '"':
            raise NotOurYaml(f"unescaped quote in {text!r}")
        if ord(char) < 0x20 or char in "\x7f\x85\u2028\u2029\ufeff":
            raise NotOurYaml(f"raw control or break character {char!r} in {text!r}")
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = inner[i + 1]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        elif code in _HEX:
            digits = inner[i + 2 : i + 2 + _HEX[code]]
            out.append(chr(int(digits, 16)))
            i += 2 + _HEX[code]
        else:
            raise NotOurYaml(f"unknown escape \\{code} in {text!r}")
    return "".join(out)


def front_matter(document: str) -> tuple[dict[str, object], str]:
    """The fields and the rest of the document."""
    lines = document.split("\n")
    if lines[0] != "---":
        raise NotOurYaml("no front matter")
    fields: dict[str, object] = {}
    current: list[str] | None = None
    for number, line in enumerate(lines[1:], start=2):
        if line == "---":
            return fields, "\n".join(lines[number:])
        if line.startswith("  - ") and current is not None:
            current.append(double_quoted(line[4:]))
            continue
        match = _KEY.fullmatch(line)
        if not match:
            raise NotOurYaml(f"line {number}: {line!r}")
        key, value = match[1], match[2]
        if key in fields:
            raise NotOurYaml(f"line {number}: {key} repeated")
        current = None
        if value is None:
            current = []
            fields[key] = current
        elif value == "[]":
            fields[key] = []
        elif re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            fields[key] = date.fromisoformat(value)
        else:
            fields[key] = double_quoted(value)
    raise NotOurYaml("front matter never closed")
