"""The RFC 5545 writer's pieces: escaping, quoting, value formats and folding, each
checked against its exact text and by parsing back with icalendar."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from peerlearn.engines.schedule import ics_writer
from peerlearn.engines.schedule.ics_writer import (
    ContentWriter,
    date_time,
    date_times,
    duration,
    fold,
    param,
    recur,
    text,
    uri,
)

from .helpers import BERLIN, NEW_YORK, UTC, at

HOSTILE = [
    "plain",
    "commas, semicolons; and a backslash \\ together",
    "C:\\new\\table and \\N and \\n and \\, literally",
    "ends with a backslash \\",
    "\\\\\\\\\\",
    "two\nlines\n\nand a blank one",
    "windows\r\nline ends and a lone\rreturn",
    "tab\tinside",
    "  leading and trailing spaces  ",
    "double \"quotes\" and 'single' ones, carets ^ ^^ ^n ^'",
    "colons: everywhere: URL-ish http://x.example/a?b=c;d=e,f",
    "emoji 😀👩‍💻🇩🇪 and CJK 漢字かなカナ한국어 and combining é",
    "漢" * 100,
    "😀" * 60,
    ";" * 120,
    "\\" * 151,
    "word " * 400,
]


def expected_text(value: str) -> str:
    """What a TEXT value reads back as: newlines normalised, disallowed controls gone."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\t\n" or not (ord(c) < 0x20 or ord(c) == 0x7F))


def parse_event(*lines: str) -> icalendar.Event:
    out = ContentWriter()
    out.begin("VCALENDAR")
    out.line("VERSION:2.0")
    out.begin("VEVENT")
    for line in lines:
        out.line(line)
    out.end("VEVENT")
    out.end("VCALENDAR")
    body = out.to_bytes()
    assert_well_formed(body)
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert isinstance(event, icalendar.Event)
    return event


def assert_well_formed(body: bytes) -> None:
    """CRLF only; every physical line at most 75 octets and whole UTF-8 on its own."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert b"\r" not in b"".join(lines)
    for line in lines:
        assert len(line) <= 75, line
        line.decode()  # raises if a character was split between two lines


def test_text_escapes_exactly() -> None:
    assert text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert text("x\r\ny\rz") == "x\\ny\\nz"
    assert text("bell\x07 nul\x00 del\x7f tab\t") == "bell nul del tab\t"
    assert text("😀 漢字") == "😀 漢字"


def test_param_values_are_quoted_and_never_hold_a_dquote() -> None:
    assert param("Alice") == "Alice"
    assert param("Doe, Jane") == '"Doe, Jane"'
    assert param("a;b:c") == '"a;b:c"'
    assert param('Say "hi"') == "Say ^'hi^'"
    assert param("up^down") == "up^^down"
    assert param("two\nlines\r\n") == "two^nlines^n"
    assert param("") == ""
    assert param("DOMAIN\\user") == '"DOMAIN\\user"'
    assert param("a\\,b\\") == '"a\\\\,b\\\\"'
    for value in HOSTILE:
        inner = param(value)
        if inner.startswith('"'):
            inner = inner[1:-1]
        assert '"' not in inner
        assert not re.search("[\x00-\x08\x0a-\x1f\x7f]", inner)


def test_uri_keeps_the_uri_and_percent_encodes_controls() -> None:
    assert uri("https://x.example/a?b=c;d,e#f") == "https://x.example/a?b=c;d,e#f"
    assert uri("mailto:a@b\r\nATTENDEE:mailto:evil@x") == "mailto:a@b%0D%0AATTENDEE:mailto:evil@x"


def test_date_time_forms() -> None:
    assert date_time("DTSTART", at(BERLIN, 2024, 3, 5, 9, 30)) == (
        "DTSTART;TZID=Europe/Berlin:20240305T093000"
    )
    moment = dt.datetime(2024, 3, 5, 9, 30, 15, 999, tzinfo=UTC)
    assert date_time("DTSTAMP", moment) == "DTSTAMP:20240305T093015Z"
    fixed = dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert date_time("DTSTART", fixed) == "DTSTART:20240305T073000Z"
    from zoneinfo import ZoneInfo

    etc_utc = dt.datetime(2024, 3, 5, 9, 30, tzinfo=ZoneInfo("Etc/UTC"))
    assert date_time("DTSTART", etc_utc) == "DTSTART:20240305T093000Z"
    assert ics_writer.utc(dt.datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)) == "09990102T030405Z"
    with pytest.raises(ValueError, match="no time zone"):
        date_time("DTSTART", dt.datetime(2024, 3, 5))


def test_date_times_group_by_zone() -> None:
    values = [at(BERLIN, 2024, 5, 1), at(NEW_YORK, 2024, 5, 2), at(BERLIN, 2024, 12, 25)]
    assert date_times("EXDATE", values) == [
        "EXDATE;TZID=Europe/Berlin:20240501T120000,20241225T120000",
        "EXDATE;TZID=America/New_York:20240502T120000",
    ]
    assert date_times("EXDATE", [dt.datetime(2024, 1, 1, tzinfo=UTC)]) == [
        "EXDATE:20240101T000000Z"
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (dt.timedelta(minutes=45), "PT45M"),
        (dt.timedelta(minutes=-15), "-PT15M"),
        (dt.timedelta(hours=1), "PT1H"),
        (dt.timedelta(hours=1, minutes=30), "PT1H30M"),
        (dt.timedelta(hours=1, seconds=5), "PT1H0M5S"),
        (dt.timedelta(seconds=59), "PT59S"),
        (dt.timedelta(days=1), "P1D"),
        (dt.timedelta(days=7), "P7D"),
        (dt.timedelta(days=1, hours=2), "P1DT2H"),
        (-dt.timedelta(days=1, minutes=30), "-P1DT30M"),
        (dt.timedelta(0), "PT0S"),
        (dt.timedelta(microseconds=500), "PT0S"),
    ],
)
def test_duration(value: dt.timedelta, written: str) -> None:
    assert duration(value) == written
    parsed = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\nDURATION:{written}\r\nEND:VEVENT\r\n")
    assert parsed.decoded("DURATION") == dt.timedelta(seconds=int(value.total_seconds()))


def test_recur_puts_freq_first_and_until_in_utc() -> None:
    parts: dict[str, object] = {
        "BYDAY": "WE", "INTERVAL": 2, "FREQ": "WEEKLY",
        "UNTIL": at(BERLIN, 2024, 12, 31, 23, 59),
    }  # fmt: skip
    assert recur(parts) == "FREQ=WEEKLY;UNTIL=20241231T225900Z;INTERVAL=2;BYDAY=WE"
    assert recur({"FREQ": "MONTHLY", "COUNT": 12, "BYDAY": ["-1FR"]}) == (
        "FREQ=MONTHLY;COUNT=12;BYDAY=-1FR"
    )
    with pytest.raises(TypeError):
        recur({"FREQ": object()})


@pytest.mark.parametrize("pad", range(12))
@pytest.mark.parametrize("filler", ["😀", "漢字", "é", "👩‍💻", "a😀b漢"])
def test_fold_never_splits_a_character(pad: int, filler: str) -> None:
    value = "x" * pad + filler * 80
    event = parse_event(f"SUMMARY:{text(value)}")
    assert str(event["SUMMARY"]) == value


@pytest.mark.parametrize("pad", range(80))
def test_fold_never_splits_an_escape(pad: int) -> None:
    value = "p" * pad + "\\;,\n" * 40 + "\\" * 41
    content = f"DESCRIPTION:{text(value)}"
    folded = fold(content)
    for physical in folded[:-2].split("\r\n"):
        trailing = len(physical) - len(physical.rstrip("\\"))
        assert trailing % 2 == 0, physical
    assert str(parse_event(content)["DESCRIPTION"]) == value


@pytest.mark.parametrize("pad", range(40))
def test_fold_never_splits_a_caret_escape(pad: int) -> None:
    name = "n" * pad + "^\"'\n" * 30
    content = f"ATTENDEE;CN={param(name)}:mailto:a@example.com"
    for physical in fold(content)[:-2].split("\r\n"):
        assert (len(physical) - len(physical.rstrip("^"))) % 2 == 0, physical
    assert parse_event(content)["ATTENDEE"].params["CN"] == name


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_round_trips(value: str) -> None:
    event = parse_event(
        f"SUMMARY:{text(value)}",
        f"ATTENDEE;CN={param(value)};ROLE=CHAIR:mailto:a@example.com",
    )
    assert str(event["SUMMARY"]) == expected_text(value)
    assert event["ATTENDEE"].params["CN"] == expected_text(value)
    assert event["ATTENDEE"].params["ROLE"] == "CHAIR"
    assert str(event["ATTENDEE"]) == "mailto:a@example.com"


def test_short_ascii_lines_are_left_alone() -> None:
    assert fold("UID:x") == "UID:x\r\n"
    assert fold("X:" + "a" * 73) == "X:" + "a" * 73 + "\r\n"
    assert fold("X:" + "a" * 74) == "X:" + "a" * 73 + "\r\n a\r\n"


def test_a_block_must_be_whole_lines() -> None:
    with pytest.raises(ValueError, match="CRLF"):
        ContentWriter().block("BEGIN:VTIMEZONE")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
@example("0 \xa0")  # Unicode spaces at the ends of a parameter value
@example("0\t\x85")
def test_random_text_round_trips(value: str) -> None:
    event = parse_event(
        f"SUMMARY:{text(value)}",
        f"LOCATION:{text(value + value)}",
        f"ATTENDEE;CN={param(value)}:mailto:a@example.com",
    )
    assert str(event["SUMMARY"]) == expected_text(value)
    assert str(event["LOCATION"]) == expected_text(value + value)
    assert event["ATTENDEE"].params["CN"] == expected_text(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=600))
def test_fold_keeps_every_line_short_and_unfolds_to_the_original(value: str) -> None:
    folded = fold("X-ANY:" + value).encode()
    assert_well_formed(folded)
    assert folded[:-2].replace(b"\r\n ", b"").decode() == "X-ANY:" + value
