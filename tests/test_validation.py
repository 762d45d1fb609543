from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from peerlearn.validation import (
    HardenedFormMixin,
    check_date,
    check_multi_line,
    check_single_line,
    check_web_url,
    parse_id,
)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("Title\r\nBcc: x@example.com", "line break"),
        ("tab\there", "tab"),
        ("nul\x00byte", "NUL"),
        ("bell\x07", "U+0007"),
        ("c1\x85", "U+0085"),
        ("abc\u202edcba", "text-direction override"),
        ("iso\u2066late", "text-direction override"),
        ("lone \ud800 surrogate", "not valid Unicode"),
    ],
)
def test_single_line_refuses_control_characters_and_names_them(value: str, named: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_single_line(value, field="title")
    message = raised.value.message_dict["title"][0]
    assert named in message
    assert "at character" in message


def test_single_line_keeps_ordinary_text_of_every_script() -> None:
    for text in ["Lunch & Learn", "Déjà vu — ça marche", "שלום עולם", "日本語", "emoji 🎉"]:
        assert check_single_line(text) == text


def test_multi_line_keeps_newlines_and_tabs_but_not_nul() -> None:
    assert check_multi_line("a\r\nb\tc\n") == "a\r\nb\tc\n"
    with pytest.raises(ValidationError):
        check_multi_line("a\x00b")
    with pytest.raises(ValidationError):
        check_multi_line("a\x1bb")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "https:///no-host",
        "https://exa\nmple.com",
        "vbscript:msgbox",
    ],
)
def test_web_url_refuses_everything_but_http_links(url: str) -> None:
    with pytest.raises(ValidationError):
        check_web_url(url, field="link")


def test_web_url_accepts_http_and_https_and_empty() -> None:
    assert (
        check_web_url("https://github.com/org/repo/pull/1") == "https://github.com/org/repo/pull/1"
    )
    assert check_web_url("http://intranet.example/x") == "http://intranet.example/x"
    assert check_web_url("") == ""
    with pytest.raises(ValidationError):
        check_web_url("http://intranet.example/x", https_only=True)


@pytest.mark.parametrize(
    "day", [dt.date(1, 1, 1), dt.date(1969, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 12, 31)]
)
def test_dates_outside_the_range_are_refused_with_the_range_in_the_message(day: dt.date) -> None:
    with pytest.raises(ValidationError, match="1970-01-01 and 2100-12-31"):
        check_date(day, field="starts_on")


def test_dates_inside_the_range_pass() -> None:
    assert check_date(dt.date(1970, 1, 1)) == dt.date(1970, 1, 1)
    assert check_date(dt.date(2100, 12, 31)) == dt.date(2100, 12, 31)
    assert check_date(None) is None


@pytest.mark.parametrize(
    "value", ["0", "-1", "1e3", "١٢", "99999999999999999999", str(2**63), "", "12a"]
)
def test_parse_id_refuses_what_cannot_be_a_row_id(value: str) -> None:
    with pytest.raises(Http404):
        parse_id(value, what="team")


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_parse_id_takes_every_64_bit_id(number: int) -> None:
    assert parse_id(str(number)) == number


class _Form(HardenedFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    link = forms.URLField(required=False)
    day = forms.DateField(required=False)
    count = forms.IntegerField(required=False)


def test_hardened_form_applies_the_rule_of_each_kind_of_field() -> None:
    form = _Form(
        data={
            "title": "a\nb",
            "notes": "ok\nfine",
            "link": "javascript:alert(1)",
            "day": "0001-01-01",
            "count": str(2**70),
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"title", "link", "day", "count"}
    good = _Form(
        data={
            "title": "fine",
            "notes": "a\nb",
            "link": "https://x.org",
            "day": "2026-05-04",
            "count": "3",
        }
    )
    assert good.is_valid(), good.errors


def test_help_text_is_shown_as_text_not_markup() -> None:
    from django import forms

    from peerlearn.validation import HardenedFormMixin

    class Form(HardenedFormMixin, forms.Form):
        who = forms.CharField(help_text="Matched against “Name <email>”.")

    html = str(Form()["who"].help_text)
    assert html == "Matched against “Name &lt;email&gt;”."
    assert str(Form().as_div()).count("&lt;email&gt;") == 1  # escaped once, not twice
