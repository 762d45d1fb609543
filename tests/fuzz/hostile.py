"""Hypothesis strategies for hostile input: what an attacker or a careless paste sends.

Each strategy mixes fixed values that broke something once (a NUL byte, a CR/LF in a
title, year 1, 10**30 as an id) with generated ones around them, so a derandomised run
with few examples still tries every kind of trouble.
"""

from __future__ import annotations

from hypothesis import strategies as st

HUGE = 100_000

CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
LINE_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029"]
INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u00ad"]

FIXED_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Title\r\nBcc: victim@example.com",
    "line\nbreak",
    "tab\there",
    "\x1b[31mred\x1b[0m",
    "\u202eevil.exe\u202c",
    "admin\u200b",
    "x" * HUGE,
    "é" * (HUGE // 2),
    "\ud800",  # a lone surrogate: not valid UTF-8 once encoded
    "caf\udcc3\udca9",  # bytes that were not UTF-8, decoded with surrogateescape
    "Ã©Ã¨ mojibake Â ",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "https://",
    "http://[::1",
    "//evil.example.com",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "'; DROP TABLE people_user; --",
    "%s%s%s%n",
    "{0.__class__}",
    "{{ settings.SECRET_KEY }}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "١٢",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    "NaN",
    "-0",
    "1e309",
]

EXTREME_DATES = [
    "0001-01-01",
    "9999-12-31",
    "1969-12-31",
    "1970-01-01",
    "2100-12-31",
    "2101-01-01",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "-2026-01-01",
    "2026-13-01",
    "2026-01-01T25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
]

EXTREME_TIMES = ["24:00", "23:60", "-01:00", "99:99:99", "12:00:00.9999999999"]

EXTREME_INTEGERS = [
    "0",
    "-1",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(10**30),
    "9" * 4301,  # beyond Python's default int-string conversion limit
    "1.5",
    "1e3",
    "١٢",
    "0x10",
    " 7 ",
    "",
]


def _with_inserted(
    base: st.SearchStrategy[str], needle: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = draw(base)
        where = draw(st.integers(0, len(text)))
        return text[:where] + draw(needle) + text[where:]

    return build()


_ordinary = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=12)

hostile_characters = st.sampled_from(CONTROL_CHARACTERS + LINE_BREAKS + INVISIBLE)

hostile_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(FIXED_TEXT),
    _with_inserted(_ordinary, hostile_characters),
    st.text(max_size=20),  # anything hypothesis likes, surrogates included
)

hostile_dates = st.one_of(st.sampled_from(EXTREME_DATES), hostile_text)
hostile_times = st.one_of(st.sampled_from(EXTREME_TIMES), hostile_text)
hostile_integers = st.one_of(
    st.sampled_from(EXTREME_INTEGERS), st.integers(min_value=-(2**70), max_value=2**70).map(str)
)

# For JSON bodies: the same, plus values of the wrong JSON type.
hostile_json_scalar = st.one_of(
    hostile_text,
    st.sampled_from([None, True, False, 2**63, -(2**63) - 1, 10**30, 1.5, float("1e308")]),
    st.sampled_from([[], {}, [None], {"$ne": None}]),
)


def hostile_value(kind: str) -> st.SearchStrategy[str]:
    """Hostile form values for an input of the given HTML type (text, date, number …)."""
    if kind in ("date", "datetime-local", "month", "week"):
        return st.one_of(hostile_dates, hostile_text)
    if kind == "time":
        return st.one_of(hostile_times, hostile_text)
    if kind in ("number", "range", "select-id"):
        return st.one_of(hostile_integers, hostile_text)
    if kind == "url":
        return st.one_of(st.sampled_from(FIXED_TEXT[15:22]), hostile_text)
    return st.one_of(hostile_text, hostile_integers, hostile_dates)


# Path segments for ids: what a hand-edited URL holds.
HOSTILE_IDS = ["0", str(2**63), str(10**30), "9" * 40, "١٢", "1.0"]


# The worst value of each kind, tried on every field in turn before hypothesis mixes them.
_SWEEP_TEXT = [
    "a\x00b",
    "Title\r\nBcc: victim@example.com",
    "\u202eevil\u202c",
    "x" * HUGE,
    "\ud800",
]
_SWEEP_NUMBER = [str(10**30), str(2**63), "-1", "١٢"]
SWEEP: dict[str, list[str]] = {
    "text": _SWEEP_TEXT,
    "date": ["0001-01-01", "9999-12-31", "1969-12-31", "2101-01-01", "a\x00"],
    "time": ["24:00", "a\x00"],
    "number": [*_SWEEP_NUMBER, "a\x00"],
    "url": [
        "javascript:alert(1)",
        "https://example.com/\x00",
        "\u202ehttps://example.com",
        *_SWEEP_TEXT[3:],
    ],
    "choice": [str(2**63), "-1", "١٢", "a\x00"],
}


def sweep_values(kind: str) -> list[str]:
    if kind in ("date", "datetime-local", "month", "week"):
        return SWEEP["date"]
    if kind in ("time", "number", "url"):
        return SWEEP[kind]
    if kind in ("select", "checkbox", "radio", "hidden", "range"):
        return SWEEP["choice"]
    return SWEEP["text"]
