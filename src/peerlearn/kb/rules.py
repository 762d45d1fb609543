"""Input rules of knowledge-base pages, shared by forms, the API and services."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from peerlearn.validation import check_multi_line, check_single_line

TITLE_MAX = 200
SUMMARY_MAX = 20_000
TAKEAWAY_MAX = 500
TAKEAWAYS_MAX = 10
TAGS_MAX = 10
TAG_MAX = 40
_TAG = re.compile(r"^[\w][\w.+#-]*$")


def clean_title(value: str) -> str:
    title = check_single_line(value.strip(), field="title")
    if not title:
        raise ValidationError({"title": ["Give the page a title."]})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": [f"At most {TITLE_MAX} characters ({len(title)})."]})
    return title


def clean_summary(value: str) -> str:
    text = check_multi_line(value.strip().replace("\r\n", "\n"), field="summary")
    if len(text) > SUMMARY_MAX:
        raise ValidationError({"summary": [f"At most {SUMMARY_MAX:,} characters ({len(text):,})."]})
    return text


def clean_takeaways(values: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for number, raw in enumerate(values, start=1):
        text = check_single_line(" ".join(raw.split()), field="takeaways")
        if not text:
            continue
        if len(text) > TAKEAWAY_MAX:
            raise ValidationError(
                {"takeaways": [f"Takeaway {number} is longer than {TAKEAWAY_MAX} characters."]}
            )
        if text not in kept:
            kept.append(text)
    if len(kept) > TAKEAWAYS_MAX:
        raise ValidationError({"takeaways": [f"At most {TAKEAWAYS_MAX} takeaways ({len(kept)})."]})
    return kept


def clean_tags(values: Iterable[str]) -> list[str]:
    tags: list[str] = []
    for raw in values:
        tag = raw.strip().casefold().lstrip("#")
        if not tag:
            continue
        if len(tag) > TAG_MAX or not _TAG.match(tag):
            raise ValidationError(
                {"tags": [f"“{tag[:TAG_MAX]}” is not a tag: one word of letters, digits, - . + #."]}
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationError({"tags": [f"At most {TAGS_MAX} tags ({len(tags)})."]})
    return tags


def split_list(text: str) -> list[str]:
    """Tags or areas typed in one box: commas, spaces or lines between them."""
    return [part for part in re.split(r"[,\s]+", text) if part]
