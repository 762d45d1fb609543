"""Transcripts as Zoom, Teams and Google Meet (captions) write them: cues, speakers, text."""

from pathlib import Path

import pytest

from peerlearn.engines.capture.transcripts import Cue, Transcript, parse_transcript, speaker_turns

FIXTURES = Path(__file__).parent / "fixtures"


def parse(name: str) -> Transcript:
    return parse_transcript((FIXTURES / name).read_bytes(), filename=name)


def test_zoom_prefixes_are_speakers_and_multi_line_cues_are_joined() -> None:
    transcript = parse("zoom.vtt")
    assert transcript.format == "vtt"
    assert transcript.speakers == ("Priya Raman", "Tomás Ortega", "Dana Kim")
    assert len(transcript.cues) == 10
    assert transcript.cues[1] == Cue(
        4350,
        11800,
        "Priya Raman",
        "Today Tomás is walking us through how the billing service retries failed card "
        "payments and where the dead letter queue lives.",
    )
    assert transcript.cues[3] == Cue(14200, 15000, "Dana Kim", "Yes.")


def test_teams_voice_spans_notes_and_guid_ids() -> None:
    transcript = parse("teams.vtt")
    assert transcript.speakers == ("Alice Johnson", "Bob Smith", "Carol Nguyen")
    assert [c.start_ms for c in transcript.cues][:3] == [2910, 7900, 15500]
    # NOTE blocks and cue ids never leak into the text; entities are decoded.
    assert not any("NOTE" in c.text or "3f1c2b8e" in c.text for c in transcript.cues)
    assert transcript.cues[3].text.startswith("I think we should pin the storage class & test")
    assert transcript.cues[0].text == (
        "Good morning everyone, thanks for joining the Kubernetes upgrade review."
    )


def test_style_region_and_header_lines_are_skipped_and_tags_stripped() -> None:
    transcript = parse("styled.vtt")
    texts = [c.text for c in transcript.cues]
    assert texts[0] == "Welcome to the incident review,"  # no "STYLE", "::cue", "id:fred"
    assert texts[1] == "we will go through the timeline first"  # <b>, <00:00:06.000> gone
    assert transcript.cues[0].start_ms == 1000  # MM:SS.mmm without hours
    assert transcript.cues[-1] == Cue(3_600_000, 3_602_500, None, "Merci à tous")


def test_a_cue_with_two_voices_becomes_two_cues_with_the_same_times() -> None:
    cues = parse("styled.vtt").cues
    assert cues[2] == Cue(8500, 12000, "Esme", "and then")
    assert cues[3] == Cue(8500, 12000, "Marcus Lee", "the follow-ups <owners> included")
    assert cues[1].speaker == "Esme"  # <v.loud Esme>: the class is not part of the name


def test_srt_with_crlf_prefixes_and_italic_sound_cues() -> None:
    transcript = parse("meet.srt")
    assert transcript.format == "srt"
    assert transcript.speakers == ("Maya", "Lars")
    assert transcript.cues[1] == Cue(
        3400, 8900, "Maya", "Today Lars explains how our feature flags are evaluated at the edge."
    )
    assert transcript.cues[3] == Cue(16000, 19000, None, "[laughter]")


def test_captions_without_speakers_keep_a_lone_colon_phrase_as_text() -> None:
    transcript = parse("youtube_captions.srt")
    assert transcript.speakers == ()
    texts = [c.text for c in transcript.cues]
    assert texts[1] == "looking at database connection pooling"  # <font> stripped
    assert texts[2] == "note: the pool size depends on the number of workers"  # {\an8} gone
    assert texts[3] == "so keep it below what the server allows"  # ">>" mark gone
    assert transcript.cues[2].start_ms == 5520  # a dot before the milliseconds is tolerated


def test_sbv_with_change_marks() -> None:
    transcript = parse("youtube.sbv")
    assert transcript.format == "sbv"
    assert transcript.cues[0] == Cue(
        400, 3100, "NINA", "Hi everyone, this is the monthly security briefing."
    )
    assert transcript.speakers == ("NINA", "OMAR")


def test_utf16_and_utf8_bom_files_decode() -> None:
    assert parse("teams_utf16.vtt").cues == (Cue(1000, 2500, "Zoë Müller", "Grüße aus Zürich"),)
    assert parse("zoom_bom.vtt").cues == (Cue(0, 2000, "Sam", "hello"),)


def test_content_decides_the_format_not_the_extension() -> None:
    data = (FIXTURES / "meet.srt").read_bytes()
    assert parse_transcript(data, filename="download.txt").format == "srt"
    vtt = (FIXTURES / "zoom.vtt").read_bytes()
    assert parse_transcript(vtt, filename="GMT20261201-recording.transcript").format == "vtt"


def test_a_prefix_repeated_twice_is_a_speaker_even_without_the_habit() -> None:
    lines = ["WEBVTT", ""]
    texts = ["plain words here", "more plain words", "Ravi: first", "Ravi: second", "x y"]
    for number, text in enumerate(texts):
        lines += [f"00:00:0{number}.000 --> 00:00:0{number}.900", text, ""]
    cues = parse_transcript("\n".join(lines).encode(), filename="t.vtt").cues
    assert [c.speaker for c in cues] == [None, None, "Ravi", "Ravi", None]
    assert cues[2].text == "first"


@pytest.mark.parametrize(
    "text",
    ["Step 1: open the console", "Note: restart it", "http://example.com: a link"],
)
def test_things_that_look_like_prefixes_but_are_not_names(text: str) -> None:
    data = f"WEBVTT\n\n00:01.000 --> 00:02.000\n{text}\n".encode()
    (cue,) = parse_transcript(data, filename="t.vtt").cues
    assert cue.speaker is None
    assert cue.text == text


def test_speaker_turns_merge_consecutive_cues_of_one_speaker() -> None:
    turns = speaker_turns(parse("zoom.vtt"))
    assert [t.speaker for t in turns] == [
        "Priya Raman",
        "Tomás Ortega",
        "Dana Kim",
        "Tomás Ortega",
        "Dana Kim",
        "Tomás Ortega",
        "Priya Raman",
        "Dana Kim",
    ]
    assert (turns[0].start_ms, turns[0].end_ms) == (1020, 11800)
    assert turns[3].text.startswith("So every payment attempt")
    assert turns[3].text.endswith("unless the on-call gets paged.")
    assert len(turns[3].cues) == 2


def test_speaker_turns_split_at_a_long_silence() -> None:
    transcript = Transcript(
        "vtt", (Cue(0, 1000, "A", "one"), Cue(1500, 2000, "A", "two"), Cue(9000, 9500, "A", "3"))
    )
    assert len(speaker_turns(transcript)) == 1
    assert [len(t.cues) for t in speaker_turns(transcript, max_gap_ms=5000)] == [2, 1]
