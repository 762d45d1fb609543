"""A repository's settings as the engine's AnalysisOptions, and their validation."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from peerlearn.engines.knowledge import AnalysisOptions, parse_alias_file
from peerlearn.engines.knowledge.identity import bot_pattern_problem
from peerlearn.knowledge.models import Repository
from peerlearn.knowledge.runner import lines_of, options_from
from peerlearn.validation import single_line_problem

MAX_ACTIVE_MONTHS = 120


__all__ = ["LINE_FIELDS", "analysis_options", "lines_of", "validate_options"]


LINE_FIELDS = ("extra_exclusions", "bot_patterns", "aliases")


def line_problems(text: str) -> list[str]:
    """Each line of a one-entry-a-line field is single-line text: no tab, escape or other
    control character, no text-direction override (peerlearn.validation)."""
    problems = []
    # Split on \n only: str.splitlines() would take \x0b, \x1c or U+2028 for line breaks
    # and so let them through. Browsers send \r\n.
    for number, line in enumerate(text.split("\n"), start=1):
        problem = single_line_problem(line.removesuffix("\r"))
        if problem:
            problems.append(f"Line {number}: {problem}")
    return problems


def validate_options(
    *, active_months: int, extra_exclusions: str, bot_patterns: str, aliases: str
) -> None:
    """Every problem at once, on the field it belongs to, with the line number."""
    errors: dict[str, list[str]] = {}
    if not 1 <= active_months <= MAX_ACTIVE_MONTHS:
        errors["active_months"] = [f"Between 1 and {MAX_ACTIVE_MONTHS} months."]
    texts = {"extra_exclusions": extra_exclusions, "bot_patterns": bot_patterns, "aliases": aliases}
    unclean = False
    for name, text in texts.items():
        if problems := line_problems(text):
            errors[name] = problems
            unclean = True
    if unclean:
        raise ValidationError(errors)  # the checks below assume clean lines
    for number, pattern in enumerate(lines_of(extra_exclusions), start=1):
        if len(pattern) > 300:
            errors.setdefault("extra_exclusions", []).append(f"Pattern {number} is too long.")
    for number, pattern in enumerate(lines_of(bot_patterns), start=1):
        if problem := bot_pattern_problem(pattern):
            errors.setdefault("bot_patterns", []).append(
                f"Pattern {number} ({pattern}) is not a valid regular expression: {problem}."
            )
    try:
        parse_alias_file(aliases)
    except ValueError as error:
        errors["aliases"] = [str(error).capitalize() + "."]
    if errors:
        raise ValidationError(errors)


OPTION_FIELDS = (
    "active_months",
    "prune_truck_factor",
    "extra_exclusions",
    "bot_patterns",
    "aliases",
)


def option_fields(repository: Repository) -> dict[str, object]:
    return {name: getattr(repository, name) for name in OPTION_FIELDS}


def analysis_options(repository: Repository) -> AnalysisOptions:
    return options_from(option_fields(repository))
