"""A repository's settings as the engine's AnalysisOptions, and their validation."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from peerlearn.engines.knowledge import (
    AnalysisOptions,
    ExclusionRules,
    IdentityOptions,
    parse_alias_file,
)
from peerlearn.engines.knowledge.identity import DEFAULT_BOT_PATTERNS
from peerlearn.knowledge.models import Repository

MAX_ACTIVE_MONTHS = 120


def lines_of(text: str) -> tuple[str, ...]:
    """Non-blank lines; `#` starts a comment line (not inside, regexes may hold one)."""
    stripped = (line.strip() for line in text.splitlines())
    return tuple(line for line in stripped if line and not line.startswith("#"))


def validate_options(
    *, active_months: int, extra_exclusions: str, bot_patterns: str, aliases: str
) -> None:
    """Every problem at once, on the field it belongs to, with the line number."""
    errors: dict[str, list[str]] = {}
    if not 1 <= active_months <= MAX_ACTIVE_MONTHS:
        errors["active_months"] = [f"Between 1 and {MAX_ACTIVE_MONTHS} months."]
    for number, pattern in enumerate(lines_of(extra_exclusions), start=1):
        if len(pattern) > 300:
            errors.setdefault("extra_exclusions", []).append(f"Pattern {number} is too long.")
    for number, pattern in enumerate(lines_of(bot_patterns), start=1):
        try:
            re.compile(pattern)
        except re.error as error:
            errors.setdefault("bot_patterns", []).append(
                f"Pattern {number} ({pattern}) is not a valid regular expression: {error}."
            )
    try:
        parse_alias_file(aliases)
    except ValueError as error:
        errors["aliases"] = [str(error).capitalize() + "."]
    if errors:
        raise ValidationError(errors)


def analysis_options(repository: Repository) -> AnalysisOptions:
    bots = lines_of(repository.bot_patterns) or DEFAULT_BOT_PATTERNS
    return AnalysisOptions(
        active_months=repository.active_months,
        prune_truck_factor=repository.prune_truck_factor,
        identity=IdentityOptions(bot_patterns=bots, aliases=parse_alias_file(repository.aliases)),
        exclusions=ExclusionRules(extra_patterns=lines_of(repository.extra_exclusions)),
    )
