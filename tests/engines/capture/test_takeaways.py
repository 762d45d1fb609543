"""Key takeaways: central sentences of the session, a few, in order, never chatter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.capture.takeaways import (
    FILLER_TERMS,
    MIN_TERMS,
    key_takeaways,
    summarise,
    takeaway_count,
)
from peerlearn.engines.capture.transcripts import Cue, Transcript, parse_transcript
from peerlearn.engines.gaps.text import tokens

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[3]


def transcript_of(*lines: tuple[str, str]) -> Transcript:
    cues = tuple(
        Cue(i * 5000, i * 5000 + 4000, speaker, text) for i, (speaker, text) in enumerate(lines)
    )
    return Transcript("vtt", cues)


def test_zoom_session_with_notes() -> None:
    transcript = parse_transcript((FIXTURES / "zoom.vtt").read_bytes(), filename="zoom.vtt")
    takeaways = key_takeaways(notes=(FIXTURES / "notes.md").read_text(), transcript=transcript)
    assert len(takeaways) == 3
    texts = [t.text for t in takeaways]
    assert all("dead letter queue" in text for text in texts)
    notes = [t for t in takeaways if t.source == "notes"]
    assert notes
    assert all(t.line is not None and t.speaker is None for t in notes)
    spoken = [t for t in takeaways if t.source == "transcript"]
    assert all(t.speaker and t.start_ms is not None for t in spoken)


def test_chatter_is_never_a_takeaway() -> None:
    transcript = transcript_of(
        ("Ann", "Okay, yes, thanks everyone."),
        ("Ben", "Can you see my screen?"),
        ("Ann", "Yeah, yeah, sure, great."),
        ("Ben", "Um, okay, so, right."),
        ("Ann", "The deploy pipeline caches Docker layers between builds on each runner."),
    )
    takeaways = key_takeaways(transcript=transcript)
    assert [t.text for t in takeaways] == [
        "The deploy pipeline caches Docker layers between builds on each runner."
    ]
    assert takeaways[0].speaker == "Ann"
    assert takeaways[0].start_ms == 20000


def test_empty_input_has_no_takeaways() -> None:
    assert key_takeaways() == ()
    assert key_takeaways(notes="# Only a heading\n\n- [ ] @x a task line\n") == ()


def test_the_recurring_topic_wins_over_one_off_remarks() -> None:
    topic = [
        "The cache eviction policy drops the oldest session keys first.",
        "When the cache is full the eviction policy removes session keys by age.",
        "Session keys in the cache expire after thirty minutes of idle time.",
        "We measured the cache hit rate for session keys at ninety percent.",
        "The eviction policy of the cache matters most for session keys under load.",
    ]
    one_offs = [
        "Lunch on Friday will be served in the big meeting room downstairs.",
        "Marketing launched a new landing page design last Tuesday afternoon.",
        "The office printer on floor two needs fresh toner cartridges again.",
    ]
    lines = []
    for index, sentence in enumerate(topic):
        lines.append(("Kai", sentence))
        if index < len(one_offs):
            lines.append(("Lea", one_offs[index]))
    takeaways = key_takeaways(transcript=transcript_of(*lines))
    assert len(takeaways) == 3
    assert all("cache" in t.text or "session keys" in t.text for t in takeaways)
    starts = [t.start_ms or 0 for t in takeaways]
    assert starts == sorted(starts)  # in the order they were said


def test_near_repeats_are_not_picked_twice() -> None:
    said = "The retry worker backs off exponentially up to six attempts before giving up."
    transcript = transcript_of(
        ("A", said),
        ("B", "The retry worker backs off exponentially, up to six attempts, then gives up."),
        ("A", said.replace("six", "6")),
        ("C", "Grafana dashboards show the queue depth for every payment worker."),
        ("D", "Runbooks live in the wiki under the payments space."),
    )
    texts = [t.text for t in key_takeaways(transcript=transcript)]
    assert sum("backs off" in text for text in texts) == 1


@pytest.mark.parametrize(
    ("words", "count"),
    [(0, 3), (799, 3), (800, 4), (1600, 5), (3200, 6), (6400, 7), (20000, 7)],
)
def test_count_grows_with_the_length_of_the_session(words: int, count: int) -> None:
    assert takeaway_count(words) == count


def test_a_long_meeting_gets_seven_takeaways_each_meaningful() -> None:
    subjects = ["The billing API", "Our Kafka cluster", "The search index", "The login page"]
    verbs = ["needs", "depends on", "breaks without", "was rebuilt with"]
    objects = ["a connection pool", "regional failover", "schema migrations", "rate limits"]
    lines = []
    for i in range(700):  # 7,000 words
        sentence = f"{subjects[i % 4]} {verbs[(i // 4) % 4]} {objects[(i // 16) % 4]} in team {i}."
        lines.append((f"P{i % 5}", sentence))
    takeaways = key_takeaways(transcript=transcript_of(*lines))
    assert len(takeaways) == 7
    for takeaway in takeaways:
        assert len({t for t in tokens(takeaway.text) if t not in FILLER_TERMS}) >= MIN_TERMS


def test_same_input_same_output_whatever_the_hash_seed() -> None:
    script = (
        "from pathlib import Path\n"
        "from peerlearn.engines.capture.takeaways import summarise\n"
        "from peerlearn.engines.capture.transcripts import parse_transcript\n"
        f"f = Path({str(FIXTURES)!r})\n"
        "for name in ('zoom.vtt', 'teams.vtt', 'meet.srt'):\n"
        "    t = parse_transcript((f / name).read_bytes(), filename=name)\n"
        "    print(summarise(notes=(f / 'notes.md').read_text(), transcript=t))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "src")}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert "Takeaway(" in outputs.pop()


def test_summarise_gives_takeaways_and_action_items() -> None:
    transcript = parse_transcript((FIXTURES / "teams.vtt").read_bytes(), filename="teams.vtt")
    summary = summarise(transcript=transcript)
    assert summary.takeaways == key_takeaways(transcript=transcript)
    assert [a.owner for a in summary.action_items] == ["Bob Smith", "Bob Smith"]


def test_in_a_long_meeting_the_notes_still_count() -> None:
    subjects = ["The billing API", "Our Kafka cluster", "The search index", "The login page"]
    objects = ["a connection pool", "regional failover", "schema migrations", "rate limits"]
    lines = [
        (f"P{i % 5}", f"{subjects[i % 4]} needs {objects[(i // 4) % 4]} in team {i}.")
        for i in range(900)  # more sentences than the graph takes: the pre-filter runs
    ]
    notes = "Every service here needs a connection pool and regional failover, written down."
    takeaways = key_takeaways(notes=notes, transcript=transcript_of(*lines))
    assert takeaways[0].source == "notes"
    assert takeaways[0].line == 1


@settings(max_examples=100, deadline=None)
@given(
    notes=st.text(max_size=300),
    said=st.lists(st.tuples(st.sampled_from(["Ann", "Ben"]), st.text(min_size=1)), max_size=8),
)
def test_any_text_gives_a_summary_never_an_exception(
    notes: str, said: list[tuple[str, str]]
) -> None:
    summary = summarise(notes=notes, transcript=transcript_of(*said))
    assert len(summary.takeaways) <= 3
    for takeaway in summary.takeaways:
        assert takeaway.text
        assert (takeaway.line is None) == (takeaway.source == "transcript")
    assert all(item.text for item in summary.action_items)
