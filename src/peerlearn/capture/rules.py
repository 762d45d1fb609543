"""Input rules of capture, shared by forms, the API and services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from peerlearn.validation import check_date, check_multi_line, check_single_line, check_web_url

NOTES_MAX = 100_000  # characters; a long session's notes are a few thousand
ACTION_TEXT_MAX = 500
EVIDENCE_NOTE_MAX = 300


def clean_notes(value: str) -> str:
    text = check_multi_line(value.replace("\r\n", "\n"), field="body")
    if len(text) > NOTES_MAX:
        raise ValidationError({"body": [f"At most {NOTES_MAX:,} characters ({len(text):,})."]})
    return text


def clean_action_text(value: str) -> str:
    text = check_single_line(value.strip(), field="text")
    if not text:
        raise ValidationError({"text": ["Say what is to be done."]})
    if len(text) > ACTION_TEXT_MAX:
        raise ValidationError(
            {"text": [f"At most {ACTION_TEXT_MAX} characters ({len(text)} given)."]}
        )
    return text


def clean_due(value: dt.date | None) -> dt.date | None:
    return check_date(value, field="due")


def clean_evidence(url: str, note: str) -> tuple[str, str]:
    link = check_web_url(url.strip(), field="evidence_url") if url.strip() else ""
    text = check_single_line(note.strip(), field="evidence_note")
    if len(text) > EVIDENCE_NOTE_MAX:
        raise ValidationError({"evidence_note": [f"At most {EVIDENCE_NOTE_MAX} characters."]})
    return link, text
