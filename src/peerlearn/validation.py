"""Input rules every form, API schema and service shares, so each is written once.

- Single-line text (titles, names, places) refuses control characters (C0 including
  CR/LF/TAB and NUL, DEL, C1) and the bidirectional overrides that can make text read
  differently from what it is ("Trojan Source"). A CR/LF in a title once broke every
  e-mail header and calendar line it was copied into.
- Multi-line text (descriptions, notes) refuses NUL and the other control characters
  but keeps newlines and tabs.
- Links are http(s) only, with a host: no `javascript:`, `data:` or `file:`.
- Dates lie between 1970-01-01 and 2100-12-31: enough for any programme, and a series
  from year 1 or to year 9999 can no longer make a page expand two thousand years.
- Integers that come from URLs and queries fit a signed 64-bit column.

Each rule has a plain check (`check_*`, raising `ValidationError` naming the field),
used by services; Django validators (`*_validator`) for forms and model fields; and
`harden_form` attaches the right ones to every field of a form.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.html import conditional_escape

EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_TEXT = "between 1970-01-01 and 2100-12-31"
MAX_ID = 2**63 - 1

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_SINGLE_LINE_REFUSED = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")
_MULTI_LINE_REFUSED = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]"
)

_NAMES = {
    "\x00": "a NUL byte",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
}


def _describe(character: str) -> str:
    if character in _NAMES:
        return _NAMES[character]
    if "\u202a" <= character <= "\u202e" or "\u2066" <= character <= "\u2069":
        return f"a text-direction override (U+{ord(character):04X})"
    if "\ud800" <= character <= "\udfff":
        return "text that is not valid Unicode"
    return f"a control character (U+{ord(character):04X})"


def _error(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: message}) if field else ValidationError(message)


def single_line_problem(value: str) -> str | None:
    """Why `value` cannot be single-line text, or None when it can."""
    found = _SINGLE_LINE_REFUSED.search(value)
    if found is None:
        return None
    where = found.start() + 1
    return f"Must be one line of text: it contains {_describe(found.group())} at character {where}."


def multi_line_problem(value: str) -> str | None:
    found = _MULTI_LINE_REFUSED.search(value)
    if found is None:
        return None
    where = found.start() + 1
    return f"Contains {_describe(found.group())} at character {where}, which text cannot hold."


def check_single_line(value: str, *, field: str | None = None) -> str:
    problem = single_line_problem(value)
    if problem:
        raise _error(field, problem)
    return value


def check_multi_line(value: str, *, field: str | None = None) -> str:
    problem = multi_line_problem(value)
    if problem:
        raise _error(field, problem)
    return value


def web_url_problem(value: str, *, https_only: bool = False) -> str | None:
    """Why `value` is not a usable web link, or None when it is."""
    problem = single_line_problem(value)
    if problem:
        return problem
    try:
        parts = urlsplit(value)
    except ValueError:
        return "Not a valid link."
    allowed = ("https",) if https_only else ("http", "https")
    if parts.scheme.lower() not in allowed:
        wanted = "an https:// link" if https_only else "an http:// or https:// link"
        return f"Use {wanted} (this one starts with “{parts.scheme or value[:10]}”)."
    if not parts.hostname:
        return "The link has no host name."
    return None


def check_web_url(value: str, *, field: str | None = None, https_only: bool = False) -> str:
    """An empty value passes (the field is optional); anything else must be http(s)."""
    if value:
        problem = web_url_problem(value, https_only=https_only)
        if problem:
            raise _error(field, problem)
    return value


def date_problem(value: dt.date) -> str | None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return f"Choose a date {DATE_RANGE_TEXT} ({day.isoformat()} is outside)."


def check_date(value: dt.date | None, *, field: str | None = None) -> dt.date | None:
    if value is not None:
        problem = date_problem(value)
        if problem:
            raise _error(field, problem)
    return value


def check_datetime(value: dt.datetime | None, *, field: str | None = None) -> dt.datetime | None:
    check_date(value, field=field)
    return value


def parse_id(value: object, *, what: str = "object") -> int:
    """An id from a URL or query as an int, or 404 for anything that cannot be one."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise Http404(f"No such {what}.")
    number = int(text)
    if not 0 < number <= MAX_ID:
        raise Http404(f"No such {what}.")
    return number


# --- Django validators -------------------------------------------------------------------


def single_line_validator(value: str) -> None:
    problem = single_line_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")


def multi_line_validator(value: str) -> None:
    problem = multi_line_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")


def web_url_validator(value: str) -> None:
    problem = web_url_problem(value) if value else None
    if problem:
        raise ValidationError(problem, code="url_scheme")


def https_url_validator(value: str) -> None:
    problem = web_url_problem(value, https_only=True) if value else None
    if problem:
        raise ValidationError(problem, code="url_scheme")


def date_validator(value: dt.date) -> None:
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, code="date_range")


def harden_form(form: forms.BaseForm) -> None:
    """Attach the shared rules to every field of a form, by the kind of field.

    Call at the end of a form's ``__init__`` (or use ``HardenedFormMixin``): text inputs
    become single-line, textareas multi-line, URL fields http(s)-only, date and datetime
    fields bounded, and integer fields bounded to 64 bits, so a new field is covered
    without anyone remembering to.
    """
    for field in form.fields.values():
        _harden_field(field)


def _harden_field(field: forms.Field) -> None:
    # Django puts help text into the page unescaped: "Name <email>" would vanish as a
    # tag. Help text here is plain text; text already marked safe is left as it is.
    field.help_text = conditional_escape(field.help_text) if field.help_text else ""
    validators: list[Any] = []
    if isinstance(field, forms.URLField):
        validators.append(web_url_validator)
    elif isinstance(field, forms.CharField):
        multi = isinstance(field.widget, forms.Textarea)
        validators.append(multi_line_validator if multi else single_line_validator)
    if isinstance(field, forms.DateField | forms.DateTimeField):
        validators.append(date_validator)
    if isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.max_value = MAX_ID
            validators.append(_max_id_validator)
        if field.min_value is None:
            field.min_value = -MAX_ID
            validators.append(_min_id_validator)
    for validator in validators:
        if validator not in field.validators:
            field.validators.append(validator)


def _max_id_validator(value: int) -> None:
    if value > MAX_ID:
        raise ValidationError("This number is too large.", code="max_value")


def _min_id_validator(value: int) -> None:
    if value < -MAX_ID:
        raise ValidationError("This number is too small.", code="min_value")


class HardenedFormMixin:
    """Mix into a Form or ModelForm (first in the bases) to apply `harden_form`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harden_form(self)  # type: ignore[arg-type]
