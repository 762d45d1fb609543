"""Commits that fix something or name an issue, and the code areas those issues touched.

Issue keys are normalised so one issue has one spelling:
"#12"       GitHub/GitLab issues: `#12`, `GH-12`, and `owner/repo#12` (the repository is
            dropped: a team's repositories usually share one tracker's numbers, and a
            cross-repository reference is rare enough not to split the count)
"PROJ-45"   Jira-style keys `[A-Z][A-Z0-9]+-\\d+`, not inside a word or a longer
            dash-joined token, and not the prefixes in `NOT_ISSUE_PREFIXES` (UTF-8,
            ISO-8601, SHA-256, RFC-2616, CVE-2024-1, UTC-5, ...): those name standards,
            encodings, vulnerabilities or time zones, not tickets of the team's tracker.
GitLab merge requests (`!7`) are not issues and are not read. `#` after a letter, `/`
or `&` is not a reference (`page#12` anchors in URLs, `&#123;` entities).
`timestamp` is the author date (when the fix was written), in seconds since the epoch.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..knowledge.errors import GitFailed
from ..knowledge.gitio import check_repository, run_git

NOT_ISSUE_PREFIXES = frozenset(
    {"UTF", "ISO", "SHA", "RFC", "CVE", "CWE", "GPL", "LGPL", "AGPL", "PEP", "ECMA", "ES",
     "TLS", "SSL", "MD", "AES", "UTC", "GMT", "HTTP", "X", "IEEE", "ANSI", "CP", "WIN"}
)  # fmt: skip
_REFERENCE = re.compile(
    r"(?P<repo>(?<![\w/.-])[\w.-]+/[\w.-]+)#(?P<cross>[1-9]\d{0,8})(?!\w)"
    r"|(?<![\w/&#])#(?P<number>[1-9]\d{0,8})(?!\w)"
    r"|(?<![\w-])(?i:gh)-(?P<gh>[1-9]\d{0,8})(?![\w-])"
    r"|(?<![\w-])(?P<key>[A-Z][A-Z0-9]+)-(?P<serial>[1-9]\d{0,8})(?![\w-])"
)
_FIX_WORDS = re.compile(
    r"\b(?:fix|fixes|fixed|fixing|bugfix|bug|bugs|hotfix|regression|closes|closed"
    r"|resolves|resolved)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FixCommit:
    commit: str
    timestamp: int  # author date, seconds since the epoch
    author_email: str
    references: frozenset[str]  # normalised issue keys
    is_fix: bool  # the message says fix, bug, hotfix, regression, closes, resolves, ...
    paths: tuple[str, ...]  # files the commit changed (no rename detection)


def issue_references(message: str) -> frozenset[str]:
    """The issue keys `message` names, normalised (module docstring)."""
    found: set[str] = set()
    for match in _REFERENCE.finditer(message):
        number = match.group("cross") or match.group("number") or match.group("gh")
        if number:
            found.add(f"#{number}")
        elif match.group("key") not in NOT_ISSUE_PREFIXES:
            found.add(f"{match.group('key')}-{match.group('serial')}")
    return frozenset(found)


def is_fix_message(message: str) -> bool:
    return _FIX_WORDS.search(message) is not None


_FORMAT = "--format=%x00%x01%H%x00%at%x00E%aE%x00%B"


def fix_commits(repo: Path, *, since: datetime | None = None, tip: str = "HEAD") -> list[FixCommit]:
    """Non-merge commits reachable from `tip` (since `since`) that fix or reference
    something, newest first, from one `git log` pass. `since` must be aware."""
    if since is not None and since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    check_repository(repo)
    args = ["log", "--no-merges", "-z", "--name-only", "--no-renames", "--no-color", _FORMAT]
    if since is not None:
        args.append(f"--since={int(since.timestamp())}")
    out = run_git(repo, *args, tip, "--")
    return [
        commit
        for record in (b"\0" + out).split(b"\0\0\x01")[1:]
        if (commit := _parse(record)) is not None
    ]


def _parse(record: bytes) -> FixCommit | None:
    # A record is id, author time, e-mail, then the message (which holds no NUL), then
    # "\n" and the NUL-separated paths. No path is empty, so "\0\0\x01" only starts one.
    fields = record.split(b"\0", 3)
    if len(fields) < 4 or not fields[2].startswith(b"E") or not fields[1].isdigit():
        raise GitFailed(f"unreadable git log record near {record[:60]!r}")
    body, _, changed = fields[3].partition(b"\0")
    message = body.decode("utf-8", "replace")
    references = issue_references(message)
    is_fix = is_fix_message(message)
    if not references and not is_fix:
        return None
    changed = changed.removeprefix(b"\n")
    paths = tuple(p.decode("utf-8", "surrogateescape") for p in changed.split(b"\0") if p)
    return FixCommit(
        commit=fields[0].decode(),
        timestamp=int(fields[1]),
        author_email=fields[2][1:].decode("utf-8", "replace"),
        references=references,
        is_fix=is_fix,
        paths=paths,
    )


def normalise_key(key: str) -> str:
    """A key as `issue_references` spells it ("GH-12" -> "#12"), else stripped as given."""
    found = issue_references(key)
    return next(iter(found)) if len(found) == 1 else key.strip()


def area_of(path: str, depth: int) -> str:
    parts = path.split("/")
    return path if len(parts) <= depth else "/".join(parts[:depth])


def areas_for_issues(
    commits: Iterable[FixCommit], keys: Iterable[str], *, depth: int = 2
) -> list[tuple[str, int]]:
    """Code areas (path prefixes of `depth` parts; a shallower file is its own area) and
    how many commits referencing any of `keys` touched each, most first, then by name."""
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    wanted = {normalise_key(key) for key in keys}
    counts: Counter[str] = Counter()
    for commit in commits:
        if commit.references & wanted:
            counts.update({area_of(path, depth) for path in commit.paths})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
