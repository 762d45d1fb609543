"""Candidate action items: phrase, text, suggested owner, de-duplicated."""

from pathlib import Path

import pytest

from peerlearn.engines.capture.action_items import ActionCandidate
from peerlearn.engines.capture.takeaways import summarise
from peerlearn.engines.capture.transcripts import Cue, Transcript, parse_transcript

FIXTURES = Path(__file__).parent / "fixtures"
SPEAKERS = ("Priya Raman", "Dana Kim", "Tomás Ortega")


def candidates(*lines: tuple[str | None, str], notes: str = "") -> tuple[ActionCandidate, ...]:
    cues = tuple(Cue(i * 1000, i * 1000 + 900, who, text) for i, (who, text) in enumerate(lines))
    return summarise(notes=notes, transcript=Transcript("vtt", cues)).action_items


def test_zoom_fixture() -> None:
    transcript = parse_transcript((FIXTURES / "zoom.vtt").read_bytes(), filename="zoom.vtt")
    notes = (FIXTURES / "notes.md").read_text()
    items = summarise(notes=notes, transcript=transcript).action_items
    assert [(a.text, a.owner, a.trigger, a.start_ms) for a in items] == [
        ("Add an alert on the dead letter queue depth", "Dana Kim", "we should", 31800),
        ("Write a runbook for draining the queue by Friday", "Tomás Ortega", "I'll", 38900),
        (
            "Check whether the alert thresholds in Grafana match the retry budget",
            "Dana Kim",
            "can you",
            44500,
        ),
    ]
    assert items[2].speaker == "Priya Raman"  # who asked; the owner is who was asked
    assert items[2].quote.startswith("Dana, can you check")


@pytest.mark.parametrize(
    ("said", "text", "owner"),
    [
        ("Dana, can you rotate the staging keys?", "Rotate the staging keys", "Dana Kim"),
        ("Could you update the on-call rota, Tomás?", "Update the on-call rota", "Tomás Ortega"),
        ("Can you, Dana, file the ticket for it?", "File the ticket for it", "Dana Kim"),
        ("Can you please send the slides to @maria.", "Send the slides to @maria", "maria"),
        ("Can you send the slides round?", "Send the slides round", None),
        ("Action item: Dana to update the dashboard.", "Update the dashboard", "Dana Kim"),
        ("I will also document the retry budget.", "Document the retry budget", "Priya Raman"),
        ("We need to archive the old topics.", "Archive the old topics", "Priya Raman"),
        ("Let's follow up on the costs next week.", "Follow up on the costs next week",
         "Priya Raman"),
        ("TODO: migrate the cron jobs", "Migrate the cron jobs", "Priya Raman"),
    ],
)  # fmt: skip
def test_phrases_and_owners(said: str, text: str, owner: str | None) -> None:
    lines = [(name, "Hello there.") for name in SPEAKERS[1:]]
    (item,) = candidates(*lines, ("Priya Raman", said))
    assert (item.text, item.owner) == (text, owner)


def test_in_a_two_person_call_a_request_goes_to_the_other_person() -> None:
    (item,) = candidates(("Ann", "Hi."), ("Ben", "Can you send me the query plan?"))
    assert item.owner == "Ann"


@pytest.mark.parametrize(
    "said",
    [
        "Can you hear me?",
        "Can you see my screen now?",
        "I'll share my screen.",
        "I'll be honest, it was messy.",
        "I will say that went well.",
        "We should have tested it earlier.",
        "Let's get started.",
        "I'll do it.",
        "I think the queue is fine.",
    ],
)
def test_meeting_chatter_is_no_action_item(said: str) -> None:
    assert candidates(("Ann", said), ("Ben", "Okay.")) == ()


def test_repeats_are_one_item_and_a_later_owner_is_kept() -> None:
    notes = "Todo: write the migration guide for the new API.\n\n- [ ] @x a task line is skipped\n"
    items = candidates(
        ("Ann", "I'll write the migration guide for the new API."),
        ("Ben", "Great."),
        ("Ann", "Yes, I will write the migration guide for the new API!"),
        notes=notes,
    )
    assert len(items) == 1
    assert items[0].source == "notes"
    assert items[0].line == 1
    assert items[0].owner == "Ann"  # named by the transcript, the first mention had none


def test_notes_candidates_take_an_owner_from_a_mention() -> None:
    (item,) = candidates(notes="Action item: ask @lee.w about the budget.")
    assert (item.owner, item.source, item.speaker, item.start_ms) == ("lee.w", "notes", None, None)
