"""Free text from the query string reaches queries without control characters."""

from __future__ import annotations

from django.test import RequestFactory

from peerlearn.web.http import query_text


def test_query_text_drops_control_characters_and_caps_length() -> None:
    request = RequestFactory().get("/", {"q": "a\x00b\x1fc\x7fd" + "e" * 50})
    assert query_text(request, "q", max_length=10) == "abcdeeeeee"


def test_query_text_answers_the_default_when_absent() -> None:
    request = RequestFactory().get("/")
    assert query_text(request, "q", max_length=10, default="all") == "all"
