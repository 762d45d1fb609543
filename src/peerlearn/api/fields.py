"""API schema field types carrying the shared input rules (peerlearn.validation).

Use these in every `Schema` that takes input, so the API refuses what the forms refuse,
with the same words, as a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja.params.functions import Path
from pydantic import AfterValidator, Field

from peerlearn.validation import (
    MAX_ID,
    date_problem,
    multi_line_problem,
    single_line_problem,
    web_url_problem,
)


def _single_line(value: str) -> str:
    problem = single_line_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _multi_line(value: str) -> str:
    problem = multi_line_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _web_url(value: str) -> str:
    problem = web_url_problem(value) if value else None
    if problem:
        raise ValueError(problem)
    return value


def _date(value: dt.date) -> dt.date:
    problem = date_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _datetime(value: dt.datetime) -> dt.datetime:
    problem = date_problem(value)
    if problem:
        raise ValueError(problem)
    if value.tzinfo is None:
        raise ValueError("Give a time zone offset (e.g. 2026-05-04T12:30:00+02:00).")
    return value


SingleLine = Annotated[str, AfterValidator(_single_line)]
MultiLine = Annotated[str, AfterValidator(_multi_line)]
WebUrl = Annotated[str, AfterValidator(_web_url)]
SaneDate = Annotated[dt.date, AfterValidator(_date)]
SaneDateTime = Annotated[dt.datetime, AfterValidator(_datetime)]
Id = Annotated[int, Field(gt=0, le=MAX_ID)]


def id_in_path() -> Any:
    """An id in an endpoint's path (`team_id: int = id_in_path()`): 1 … 2**63-1, so a
    number no database column can hold is a 422 naming the parameter, not a 500.

    A default value rather than an `Annotated` type: ninja builds its parameter models
    where the endpoint module's names (such as `Id`) are not in scope."""
    return Path(..., gt=0, le=MAX_ID, description="An id (1 to 2**63-1).")
