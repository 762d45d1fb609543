"""Malformed transcripts are refused with what is wrong and where; nothing else escapes."""

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.capture.transcripts import TranscriptError, parse_transcript

FIXTURES = Path(__file__).parent / "fixtures"


def refusal(name: str) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript((FIXTURES / name).read_bytes(), filename=name)
    return caught.value


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("bad_timestamp.vtt", 8, "not a timestamp: '00:00:7.5'"),
        ("end_before_start.srt", 6, "ends (00:00:08,000) before it starts (00:00:09,000)"),
        ("minutes_overflow.srt", 2, "minutes and seconds go up to 59"),
        ("latin1.srt", 3, "byte 0xE9 at byte offset 35"),
        ("missing_blank_line.vtt", 5, "is a blank line missing"),
        ("missing_timing.srt", 6, "expected a cue timing 'start --> end', found 'no timing"),
        ("srt_named_vtt.vtt", 1, "this looks like SRT"),
        ("not_a_transcript.txt", 1, "not a transcript"),
        ("no_cues.vtt", None, "holds no cues"),
    ],
)
def test_malformed_fixture_is_refused_naming_the_line(
    name: str, line: int | None, words: str
) -> None:
    error = refusal(name)
    assert error.line == line
    assert words in error.message
    if line is not None:
        assert str(error).startswith(f"line {line}: ")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", codecs.BOM_UTF8 + b"\n"])
def test_empty_files_are_refused(data: bytes) -> None:
    with pytest.raises(TranscriptError, match="the file is empty"):
        parse_transcript(data, filename="x.vtt")


def test_utf16_without_bom_is_not_guessed() -> None:
    data = "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n".encode("utf-16-le")
    with pytest.raises(TranscriptError, match="UTF-16 without a byte-order mark"):
        parse_transcript(data, filename="x.vtt")


def test_nul_characters_mean_a_binary_file() -> None:
    data = b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\x00there\n"
    with pytest.raises(TranscriptError, match="NUL") as caught:
        parse_transcript(data, filename="x.vtt")
    assert caught.value.line == 4


def test_a_vtt_without_the_header_is_refused() -> None:
    with pytest.raises(TranscriptError, match="starts with the line 'WEBVTT'"):
        parse_transcript(b"WEBVTTX\n\n00:01.000 --> 00:02.000\nhi\n", filename="x.vtt")


def test_a_cue_glued_to_the_header_is_refused() -> None:
    with pytest.raises(TranscriptError, match="blank line must separate") as caught:
        parse_transcript(b"WEBVTT\n1\n00:01.000 --> 00:02.000\nhi\n", filename="x.vtt")
    assert caught.value.line == 3


def test_a_cue_number_alone_is_refused() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n"
    with pytest.raises(TranscriptError, match="no timing line") as caught:
        parse_transcript(data, filename="x.srt")
    assert caught.value.line == 5


def test_size_limits_are_refused_with_the_limit() -> None:
    cue = b"00:01.000 --> 00:02.000\nwords\n\n"
    data = b"WEBVTT\n\n" + cue * 11
    with pytest.raises(TranscriptError, match="more than 10 cues") as caught:
        parse_transcript(data, filename="x.vtt", max_cues=10)
    assert caught.value.line == 3 + 3 * 10  # the timing line of the 11th cue
    with pytest.raises(TranscriptError, match="MB"):
        parse_transcript(data, filename="x.vtt", max_bytes=100)
    long = b"WEBVTT\n\n00:01.000 --> 00:02.000\n" + b"word " * 100 + b"\n"
    with pytest.raises(TranscriptError, match="499 characters long; at most 100"):
        parse_transcript(long, filename="x.vtt", max_cue_chars=100)


def test_absurd_hours_are_refused() -> None:
    with pytest.raises(TranscriptError, match="plausible"):
        parse_transcript(b"1\n99999:00:00,000 --> 99999:00:01,000\nx\n", filename="x.srt")


SEEDS = [path.read_bytes() for path in sorted(FIXTURES.iterdir()) if path.suffix != ".md"]


@settings(max_examples=300, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cuts=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4000),
            st.sampled_from([b"", b"\n", b"-->", b"\xff", b":", b"<v ", b"</v>", b"00:0", b","]),
        ),
        max_size=4,
    ),
)
def test_any_mangled_file_is_read_or_refused_cleanly(
    seed: bytes, cuts: list[tuple[int, bytes]]
) -> None:
    data = seed
    for position, insert in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + len(insert) :]
    for name in ("t.vtt", "t.srt", "t.sbv", "t.txt"):
        refused: TranscriptError | None = None
        try:
            transcript = parse_transcript(data, filename=name)
        except TranscriptError as error:
            refused = error
        if refused is not None:
            assert refused.message
            assert refused.line is None or refused.line >= 1
        else:
            assert transcript.cues
            assert all(0 <= c.start_ms <= c.end_ms and c.text for c in transcript.cues)
