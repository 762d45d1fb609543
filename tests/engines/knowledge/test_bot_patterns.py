"""User-supplied bot patterns run on RE2: no pattern can make matching take long, and
patterns RE2 cannot run are refused with its reason."""

from __future__ import annotations

import subprocess
import sys

import pytest

from peerlearn.engines.knowledge.identity import (
    IdentityOptions,
    bot_pattern_problem,
    compile_bot_pattern,
    resolve_people,
)

# Python's `re` needs about 2**40 steps for this pattern on this name: it never ends.
CATASTROPHIC = r"(a+)+$"
VICTIM = "a" * 40 + "!"

_PROGRAM = f"""
from peerlearn.engines.knowledge.identity import IdentityOptions, resolve_people
people = resolve_people(
    [({VICTIM!r}, "x@example.com")], [1], [0], [0],
    IdentityOptions(bot_patterns=({CATASTROPHIC!r},)),
)
print(len(people.people), len(people.bots))
"""


def test_catastrophic_pattern_finishes_at_once() -> None:
    # In a child process, so that on a backtracking engine the test fails rather than
    # hangs the suite; the limit only guards against that, RE2 needs milliseconds.
    completed = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, timeout=60, check=True
    )
    assert completed.stdout.split() == ["1", "0"]  # a person, not a bot: no match


def test_patterns_still_match_case_insensitively() -> None:
    people = resolve_people(
        [("Renovate Bot", "bot@renovateapp.com"), ("Ann", "ann@x.org")],
        [1, 1],
        [0, 0],
        [0, 0],
        IdentityOptions(bot_patterns=(r"^renovate\b",)),
    )
    assert people.bots == ["Renovate Bot <bot@renovateapp.com>"]
    assert [p.key for p in people.people] == ["ann@x.org"]


def test_names_that_are_not_utf8_can_be_matched() -> None:
    people = resolve_people(
        [("bad \udcff name", "bot@x.org")], [1], [0], [0], IdentityOptions(bot_patterns=("bad",))
    )
    assert people.bots == ["bad \udcff name <bot@x.org>"]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "invalid escape sequence"),
        (r"(?=bot)", "invalid perl operator"),
        (r"(?<!x)bot", "invalid perl operator"),
        ("([unclosed", "missing ]"),
        ("a" * 301, "longer than 300"),
        ("x{1000}{1000}", "bad repetition"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_a_reason(pattern: str, reason: str) -> None:
    problem = bot_pattern_problem(pattern)
    assert problem is not None
    assert reason in problem
    with pytest.raises(ValueError, match=reason):
        compile_bot_pattern(pattern)


# -- the defaults, from identities real repositories hold --------------------------------

BOTS = [
    "pytest bot <pytestbot@gmail.com>",
    "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
    "pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>",
    "renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>",
    "Renovate Bot <bot@renovateapp.com>",
    "dependabot-preview <27856297+dependabot-preview@users.noreply.github.com>",
    "mypy-sync-bot <sync@example.org>",
    "Sync Bot <sync@corp.example>",
    "k8s-ci-robot <k8s-ci-robot@users.noreply.github.com>",
    "GitHub Actions <actions@github.com>",
    "actions-user <action@github.com>",
    "GitHub <noreply@github.com>",
    "Travis CI <travis@travis-ci.org>",
    "bors <bors@rust-lang.org>",
    "Weblate <noreply@weblate.org>",
    "Hosted Weblate <hosted@weblate.org>",
    "Release Manager <release-bot@corp.example>",
    "pyup.io bot <github-bot@pyup.io>",
]
PEOPLE = [
    "Dana <123+dana@users.noreply.github.com>",
    "Anne Talbot <anne@talbot.example>",
    "Abbot Smith <abbot@corp.example>",
    "Robert Botham <rb@corp.example>",
    "Jenkins Okafor <jo@corp.example>",
    "Sync Master Flash <dj@corp.example>",
]


def _split(identity: str) -> tuple[str, str]:
    name, _, email = identity.partition(" <")
    return name, email.rstrip(">")


@pytest.mark.parametrize("identity", BOTS)
def test_default_patterns_recognise_bots_and_say_why(identity: str) -> None:
    people = resolve_people([_split(identity)], [122], [0], [0], IdentityOptions())
    assert people.people == []
    (bot,) = people.bot_details
    assert (bot.identity, bot.commits) == (identity, 122)
    assert bot.pattern
    assert bot.why
    assert bot.why != "a pattern set for this repository"


@pytest.mark.parametrize("identity", PEOPLE)
def test_default_patterns_leave_people_alone(identity: str) -> None:
    people = resolve_people([_split(identity)], [1], [0], [0], IdentityOptions())
    assert len(people.people) == 1
    assert not people.bots


def test_a_custom_pattern_is_named_as_such() -> None:
    people = resolve_people(
        [("CI Runner", "ci@build.example")], [4], [0], [0], IdentityOptions(bot_patterns=("<ci@",))
    )
    assert [(b.pattern, b.why) for b in people.bot_details] == [
        ("<ci@", "a pattern set for this repository")
    ]
