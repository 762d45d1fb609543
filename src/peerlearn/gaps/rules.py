"""What a gap's fields may hold, checked once for every way in (forms, API, imports)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from peerlearn.validation import check_multi_line, check_single_line

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
AREA_MAX = 300
AREAS_MAX = 50
REASON_MAX = 300


def clean_title(value: str, *, field: str = "title") -> str:
    title = check_single_line(value.strip(), field=field)
    if not title:
        raise ValidationError({field: ["Say in a few words what the team needs to learn."]})
    if len(title) > TITLE_MAX:
        raise ValidationError({field: [f"At most {TITLE_MAX} characters ({len(title)} given)."]})
    return title


def clean_description(value: str, *, field: str = "description") -> str:
    text = check_multi_line(value.strip(), field=field)
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError({field: [f"At most {DESCRIPTION_MAX} characters ({len(text)})."]})
    return text


def clean_areas(values: Iterable[str], *, field: str = "code_areas") -> list[str]:
    """Paths as the knowledge map writes them: relative, `/`-separated, no `..`."""
    areas: list[str] = []
    for raw in values:
        area = check_single_line(raw.strip(), field=field).replace("\\", "/")
        while area.startswith("./"):
            area = area[2:]
        area = area.lstrip("/")
        if not area:
            continue
        if len(area) > AREA_MAX:
            raise ValidationError({field: [f"A path is at most {AREA_MAX} characters."]})
        if ".." in area.split("/"):
            raise ValidationError({field: [f"{area[:60]!r}: a path inside the repository."]})
        if area not in areas:
            areas.append(area)
    if len(areas) > AREAS_MAX:
        raise ValidationError({field: [f"At most {AREAS_MAX} code areas ({len(areas)})."]})
    return areas


def areas_from_text(text: str) -> list[str]:
    """The form's textarea: one path a line (commas also separate)."""
    return clean_areas(part for line in text.splitlines() for part in line.split(","))


def clean_reason(value: str) -> str:
    reason = check_single_line(value.strip(), field="reason")
    if not reason:
        raise ValidationError({"reason": ["Say why the gap is dropped."]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"At most {REASON_MAX} characters."]})
    return reason
