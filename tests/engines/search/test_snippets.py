"""Snippets: a passage around the first match, matching words marked (stems too)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.search.snippets import Segment, highlight, snippet


def _marked(segments: list[Segment]) -> list[str]:
    return [segment.text for segment in segments if segment.marked]


def test_words_and_their_inflections_are_marked() -> None:
    text = "We deployed twice. Deployments fail; deploying is hard. Redeploy later."
    assert _marked(highlight(text, ["deploy"])) == ["deployed", "Deployments", "deploying"]


def test_the_snippet_is_a_window_around_the_first_match() -> None:
    text = ("filler " * 200) + "the canary waits ten minutes " + ("more " * 200)
    segments = snippet(text, ["canary"], width=100)
    joined = "".join(segment.text for segment in segments)
    assert joined.startswith("… ")
    assert joined.endswith(" …")
    assert "canary" in _marked(segments)
    assert len(joined) <= 110


def test_no_match_gives_the_start_of_the_text() -> None:
    segments = snippet("alpha beta gamma", ["zeta"])
    assert segments == [Segment("alpha beta gamma")]


def test_regex_characters_in_words_are_plain() -> None:
    assert _marked(highlight("a (b) c.*", ["(b)", ".*"])) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500), st.lists(st.text(max_size=20), max_size=5))
def test_segments_keep_the_text(text: str, words: list[str]) -> None:
    assert "".join(s.text for s in highlight(text, words)) == text
    snippet(text, words)  # never raises
