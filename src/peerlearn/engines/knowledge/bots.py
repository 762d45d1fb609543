"""Recognising bots by regular expressions on "Name <email>", and saying which rule matched.

The defaults come from what real repositories' histories hold: GitHub Apps
(`dependabot[bot]`, `github-actions[bot]`, `pre-commit-ci[bot]`), accounts whose name
says bot (`pytest bot`, `Sync Bot`, `k8s-ci-robot`, `mypy-sync-bot`), well-known
services committing under a plain name (Dependabot, Renovate, Travis CI, Weblate, bors,
`actions-user <action@github.com>`), and no-reply or bot mailboxes.

Bot patterns come from users, so they run on RE2 (google-re2), whose matching time is
linear in the text whatever the pattern: `(a+)+$` cannot backtrack for minutes as it
does with Python's `re`. RE2 has no backreferences or lookaround; such patterns are
refused with RE2's own reason (`bot_pattern_problem`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import re2

# (pattern, why) — searched case-insensitively in "Name <email>".
DEFAULT_BOT_RULES: tuple[tuple[str, str], ...] = (
    (r"\[bot\]", "a GitHub App ([bot] in the name or address)"),
    (
        r"^[^<]*\b(ro)?bots?\b[^<]*<",
        "the name has the word bot or robot (pytest bot, Sync Bot, k8s-ci-robot, -bot)",
    ),
    (
        r"^(dependabot|dependabot-preview|renovate|renovatebot|greenkeeper|greenkeeperio-bot"
        r"|snyk-bot|github-actions|pre-commit-ci|pre-commit\.ci|mergify|codecov"
        r"|allcontributors|semantic-release-bot|imgbot|imgbotapp|pyup-bot|pyup\.io)\b",
        "a dependency or maintenance service (Dependabot, Renovate, pre-commit.ci, …)",
    ),
    (
        r"^(deepsource-autofix|whitesource|autofix-ci|restyled-io|sourcery-ai|kodiakhq"
        r"|weblate|hosted weblate|transifex|crowdin|lgtm-com|scala-steward|depfu)\b",
        "a formatting, review or translation service (Weblate, Transifex, autofix.ci, …)",
    ),
    (
        r"^(github actions?|github|actions-user|gitlab ci|travis|travis ci|travis-ci|appveyor"
        r"|jenkins|buildkite|circleci|azure pipelines|bors|bors-ng|homu|auto|automation"
        r"|ci|ci user|build|buildbot|deploy|release|sync|autosync)\s*<",
        "a CI or automation account (the whole name is GitHub Actions, Travis CI, bors, …)",
    ),
    (
        r"<(no-?reply|do-?not-?reply|bots?|actions?|buildbot|ci-bot)@",
        "a no-reply or bot mailbox (noreply@, bot@, action@…)",
    ),
    (r"<[^>@]*[-_.](ro)?bot@", "the mailbox ends in -bot, _bot or .bot"),
    (r"<noreply@github\.com>", "GitHub's own address (web-flow)"),
)
DEFAULT_BOT_PATTERNS: tuple[str, ...] = tuple(pattern for pattern, _ in DEFAULT_BOT_RULES)
_WHY = dict(DEFAULT_BOT_RULES)
CUSTOM_RULE = "a pattern set for this repository"

MAX_BOT_PATTERN_LENGTH = 300
# RE2 compiles into at most this much memory; a larger pattern is refused, not built.
_RE2_MAX_MEMORY = 2 << 20


class _Searcher(Protocol):
    def search(self, text: str) -> object: ...


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # RE2 would write every refused pattern to stderr
    options.max_mem = _RE2_MAX_MEMORY
    return options


def compile_bot_pattern(pattern: str) -> _Searcher:
    """A case-insensitive RE2 pattern; raises ValueError with RE2's reason."""
    if len(pattern) > MAX_BOT_PATTERN_LENGTH:
        raise ValueError(f"longer than {MAX_BOT_PATTERN_LENGTH} characters")
    try:
        compiled: _Searcher = re2.compile(pattern, _re2_options())
    except re2.error as error:
        reason = error.args[0] if error.args else "refused"
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise ValueError(text) from None
    except UnicodeEncodeError:
        raise ValueError("it is not valid Unicode text") from None
    return compiled


def bot_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a bot pattern, or None."""
    try:
        compile_bot_pattern(pattern)
    except ValueError as error:
        return str(error)
    return None


def _searchable(text: str) -> str:
    # Names read from git keep undecodable bytes as lone surrogates, which RE2 (UTF-8
    # inside) cannot take: they become U+FFFD for matching only.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def bot_rules(
    identities: Sequence[tuple[str, str]], patterns: Sequence[str]
) -> list[tuple[str, str] | None]:
    """For each (name, email): (the first pattern that matched, why), or None: a person.

    One search per identity with all patterns joined (nearly every identity is a person,
    and each call into RE2 costs microseconds: on flask's 833 identities eight separate
    searches took 27 ms); the patterns one by one only for the few that match."""
    compiled = [(pattern, compile_bot_pattern(pattern)) for pattern in patterns]
    if not compiled:
        return [None] * len(identities)
    try:
        joined = compile_bot_pattern_unbounded("|".join(f"(?:{p})" for p in patterns))
    except ValueError:  # too big together: one by one
        joined = None
    found: list[tuple[str, str] | None] = []
    for name, email in identities:
        text = _searchable(f"{name} <{email}>")
        if joined is not None and not joined.search(text):
            found.append(None)
            continue
        match = next((pattern for pattern, rx in compiled if rx.search(text)), None)
        found.append(None if match is None else (match, _WHY.get(match, CUSTOM_RULE)))
    return found


def compile_bot_pattern_unbounded(pattern: str) -> _Searcher:
    """`compile_bot_pattern` without the length limit (for patterns already checked)."""
    try:
        compiled: _Searcher = re2.compile(pattern, _re2_options())
    except (re2.error, UnicodeEncodeError):
        raise ValueError("refused") from None
    return compiled
