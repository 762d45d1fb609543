"""Who is who: merging the identities git prints into people, and leaving bots out.

Git has already applied `.mailmap` (we ask for %aN/%aE). On top of that, identities are
merged when they share an e-mail address (case-insensitive), when their names are equal
after normalisation (case, accents, punctuation and spacing ignored), or when a manual
alias file says so. Bots are recognised by regular expressions on "Name <email>".

Bot patterns come from users, so they run on RE2 (google-re2), whose matching time is
linear in the text whatever the pattern: `(a+)+$` cannot backtrack for minutes as it
does with Python's `re`. RE2 has no backreferences or lookaround; such patterns are
refused with RE2's own reason (`bot_pattern_problem`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import re2

DEFAULT_BOT_PATTERNS: tuple[str, ...] = (
    r"\[bot\]",
    r"^(dependabot|renovate|greenkeeper|snyk-bot|github-actions|pre-commit-ci|mergify"
    r"|codecov|allcontributors|semantic-release-bot|imgbot|pyup-bot|deepsource-autofix)\b",
    r"<(no-?reply|bot|bots)@",
    r"<noreply@github\.com>",
)


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


@dataclass(frozen=True, slots=True)
class IdentityOptions:
    bot_patterns: tuple[str, ...] = DEFAULT_BOT_PATTERNS
    exclude_bots: bool = True
    merge_by_email: bool = True
    merge_by_name: bool = True
    # Groups of identities known to be one person (see parse_alias_file).
    aliases: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """One human after alias merging. `key` is stable across runs: the primary e-mail."""

    key: str
    name: str
    emails: tuple[str, ...]
    names: tuple[str, ...]
    commits: int
    first_commit_at: int
    last_commit_at: int


@dataclass(slots=True)
class People:
    """The result of resolving identities: who each raw identity is (None: a bot)."""

    by_identity: list[int | None]
    people: list[Person]
    bots: list[str] = field(default_factory=list)


def normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[\W_]+", " ", letters.casefold())
    return " ".join(words.split())


def parse_alias_file(text: str) -> tuple[tuple[str, ...], ...]:
    """Parse an alias file: one person per line, their identities separated by `=`.

        # comments and blank lines are ignored
        Jane Doe <jane@corp.example> = jd <jane@home.example> = Jane D.

    Each identity is `Name <email>`, `<email>` or a bare `Name`; it matches a git
    identity by e-mail (case-insensitive) or, failing an e-mail, by normalised name.
    """
    groups: list[tuple[str, ...]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        members = tuple(part.strip() for part in line.split("=") if part.strip())
        if len(members) < 2:
            raise ValueError(f"alias file line {number}: needs two identities joined by '='")
        groups.append(members)
    return tuple(groups)


def _alias_key(member: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*(.*?)\s*<([^>]*)>\s*", member)
    if match:
        return ("email", match.group(2).strip().casefold())
    return ("name", normalise_name(member))


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def resolve_people(
    identities: Sequence[tuple[str, str]],
    commits: Sequence[int],
    first_commit_at: Sequence[int],
    last_commit_at: Sequence[int],
    options: IdentityOptions,
) -> People:
    bot_res = [compile_bot_pattern(pattern) for pattern in options.bot_patterns]
    is_bot = [
        options.exclude_bots and any(rx.search(_searchable(f"{name} <{email}>")) for rx in bot_res)
        for name, email in identities
    ]
    humans = [index for index in range(len(identities)) if not is_bot[index]]
    groups = _UnionFind(len(identities))
    by_key: dict[tuple[str, str], int] = {}
    for index in humans:
        name, email = identities[index]
        keys = []
        if options.merge_by_email and email.strip():
            keys.append(("email", email.strip().casefold()))
        normalised = normalise_name(name)
        if options.merge_by_name and normalised:
            keys.append(("name", normalised))
        for key in keys:
            if key in by_key:
                groups.union(index, by_key[key])
            else:
                by_key[key] = index
    for group in options.aliases:
        found = [by_key[key] for key in map(_alias_key, group) if key in by_key]
        for other in found[1:]:
            groups.union(found[0], other)

    members: dict[int, list[int]] = {}
    for index in humans:
        members.setdefault(groups.find(index), []).append(index)
    by_identity: list[int | None] = [None] * len(identities)
    people: list[Person] = []
    built = [
        (_person(indexes, identities, commits, first_commit_at, last_commit_at), indexes)
        for indexes in members.values()
    ]
    built.sort(key=lambda pair: (-pair[0].commits, pair[0].key))  # busiest first
    for person, indexes in built:
        for index in indexes:
            by_identity[index] = len(people)
        people.append(person)
    pairs = zip(identities, is_bot, strict=True)
    bots = sorted({f"{name} <{email}>" for (name, email), bot in pairs if bot})
    return People(by_identity, people, bots)


def _most_used(values: dict[str, int]) -> str:
    # Most commits first, then alphabetical, so the choice is stable between runs.
    return min(values, key=lambda value: (-values[value], value)) if values else ""


def _person(
    indexes: list[int],
    identities: Sequence[tuple[str, str]],
    commits: Sequence[int],
    first_commit_at: Sequence[int],
    last_commit_at: Sequence[int],
) -> Person:
    names: dict[str, int] = {}
    emails: dict[str, int] = {}
    for index in indexes:
        name, email = identities[index]
        names[name] = names.get(name, 0) + commits[index]
        if email.strip():
            key = email.strip().casefold()
            emails[key] = emails.get(key, 0) + commits[index]
    primary_name = _most_used(names)
    primary_email = _most_used(emails)
    return Person(
        key=primary_email or f"name:{normalise_name(primary_name)}",
        name=primary_name or primary_email,
        emails=tuple(sorted(emails)),
        names=tuple(sorted(names)),
        commits=sum(commits[index] for index in indexes),
        first_commit_at=min(first_commit_at[index] for index in indexes),
        last_commit_at=max(last_commit_at[index] for index in indexes),
    )
