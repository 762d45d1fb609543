"""Notes and turns into sentences that know their line, speaker and time."""

from peerlearn.engines.capture.sentences import (
    MAX_WORDS,
    Sentence,
    note_sentences,
    split_sentences,
    tidy,
    transcript_sentences,
)
from peerlearn.engines.capture.transcripts import Cue, Turn


def test_sentences_end_at_punctuation_but_not_after_abbreviations_or_initials() -> None:
    text = "We use e.g. Redis here. J. Smith wrote it! Does it scale? Yes… mostly. v1.2 ships"
    assert [s for _, s in split_sentences(text)] == [
        "We use e.g. Redis here.",
        "J. Smith wrote it!",
        "Does it scale?",
        "Yes…",
        "mostly.",
        "v1.2 ships",
    ]


def test_a_sentence_may_end_in_a_short_word() -> None:
    assert [s for _, s in split_sentences("The answer is no. We move on. Plan B. Done")] == [
        "The answer is no.",
        "We move on.",
        "Plan B. Done",  # a single capital before a dot reads as an initial
    ]


def test_unpunctuated_captions_are_cut_every_max_words() -> None:
    text = " ".join(f"w{i}" for i in range(MAX_WORDS * 2 + 5))
    pieces = list(split_sentences(text))
    assert [len(s.split()) for _, s in pieces] == [MAX_WORDS, MAX_WORDS, 5]
    assert pieces[1][1].startswith(f"w{MAX_WORDS} ")
    assert text[pieces[1][0] :].startswith(pieces[1][1])


def test_tidy_drops_fillers_and_leading_markers() -> None:
    assert tidy("So, um, okay the cache, uh, is cold.") == "The cache, is cold."
    assert tidy("yeah, okay, right. the point") == "The point"
    assert tidy("Umbrella policies stay.") == "Umbrella policies stay."


def test_markdown_is_read_as_a_reader_sees_it() -> None:
    notes = "\n".join(
        [
            "# Title here",  # 1
            "",
            "Some **bold** and a [link](https://x.example) with `code`.",  # 3
            "Second line of the same",  # 4
            "paragraph. Another sentence.",  # 5
            "",
            "```",
            "Code is not prose.",
            "```",
            "",
            "| a | b |",
            "|---|---|",
            "| table | cell |",
            "",
            "- [ ] @ann do the thing",  # 15
            "",
            "![alt words](img.png) after image",  # 17
        ]
    )
    assert note_sentences(notes) == [
        Sentence("Title here", "notes", line=1, kind="heading"),
        Sentence("Some bold and a link with code.", "notes", line=3),
        Sentence("Second line of the same paragraph.", "notes", line=4),
        Sentence("Another sentence.", "notes", line=5),
        Sentence("@ann do the thing", "notes", line=15, kind="task"),
        Sentence("after image", "notes", line=17),
    ]


def test_a_sentence_starts_at_the_cue_holding_its_first_word() -> None:
    turn = Turn(
        "Ada",
        (
            Cue(0, 1000, "Ada", "First sentence runs"),
            Cue(1000, 2000, "Ada", "over two cues. Second"),
            Cue(2500, 3000, "Ada", "starts mid-cue."),
        ),
    )
    assert transcript_sentences([turn]) == [
        Sentence("First sentence runs over two cues.", "transcript", "Ada", 0),
        Sentence("Second starts mid-cue.", "transcript", "Ada", 1000),
    ]
