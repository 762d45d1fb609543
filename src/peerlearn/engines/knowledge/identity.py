"""Who is who: merging the identities git prints into people, and leaving bots out.

Git has already applied `.mailmap` (we ask for %aN/%aE). On top of that, identities are
merged when they share an e-mail address (case-insensitive) that is not a placeholder
(`none@none`, `noreply@…`, `root@localhost`: many people commit under those), when their
full names (two words or more) are equal after normalisation (case, accents,
punctuation and spacing ignored: a lone "Alex" may be any Alex), or when the alias file
says so. The alias file can also keep identities apart (`A != B`). Every merge is
recorded with its reason, so the people view can show why two identities are one person.
Bots are recognised by regular expressions on "Name <email>" (bots.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .bots import (
    DEFAULT_BOT_PATTERNS,
    MAX_BOT_PATTERN_LENGTH,
    bot_pattern_problem,
    bot_rules,
    compile_bot_pattern,
)

__all__ = [
    "DEFAULT_BOT_PATTERNS",
    "MAX_BOT_PATTERN_LENGTH",
    "AliasRules",
    "Bot",
    "IdentityOptions",
    "Merge",
    "People",
    "Person",
    "bot_pattern_problem",
    "compile_bot_pattern",
    "is_placeholder_email",
    "normalise_name",
    "parse_alias_file",
    "parse_alias_rules",
    "resolve_people",
]

# Addresses that say nothing about who committed: git's defaults on a machine without a
# configured address, and the mailboxes tools and tutorials put in.
_PLACEHOLDER_LOCAL = frozenset(
    {
        "none", "nobody", "noreply", "no-reply", "donotreply", "do-not-reply", "unknown",
        "invalid", "root", "anonymous", "user", "email", "you", "your.email", "your-email",
        "yourname", "your.name", "test", "example", "admin",
    }
)  # fmt: skip
# Domains of addresses git makes up on a machine with none configured (user@host.(none),
# root@localhost.localdomain). example.com is left to the local part: tests and demos
# give real-looking people addresses there, tutorials give "you@example.com".
_PLACEHOLDER_DOMAIN = re.compile(
    r"^(none|\(none\)|localhost|localdomain|invalid)$|\.(\(none\)|localdomain|localhost|invalid)$"
)
# Names that are no one's: tools' defaults and tutorial placeholders.
_PLACEHOLDER_NAMES = frozenset(
    {"your name", "unknown", "unknown author", "root", "none", "user", "admin", "anonymous"}
)


def is_placeholder_email(email: str) -> bool:
    """True for an address many unrelated people may share (never a reason to merge)."""
    address = email.strip().casefold()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return True
    return local in _PLACEHOLDER_LOCAL or bool(_PLACEHOLDER_DOMAIN.search(domain))


@dataclass(frozen=True, slots=True)
class IdentityOptions:
    bot_patterns: tuple[str, ...] = DEFAULT_BOT_PATTERNS
    exclude_bots: bool = True
    merge_by_email: bool = True
    merge_by_name: bool = True
    # Groups of identities known to be one person (see parse_alias_rules).
    aliases: tuple[tuple[str, ...], ...] = ()
    # Groups of identities known to be different people: never merged automatically.
    apart: tuple[tuple[str, ...], ...] = ()
    # The alias file's line number of each group of `aliases`, to say why people merged.
    alias_lines: tuple[int, ...] = ()

    def with_alias_rules(self, rules: AliasRules) -> IdentityOptions:
        return replace(self, aliases=rules.joins, apart=rules.apart, alias_lines=rules.join_lines)


@dataclass(frozen=True, slots=True)
class Merge:
    """Why two identities were taken for one person."""

    first: str  # "Name <email>"
    second: str
    reason: str  # "same e-mail address", "same full name", "alias file line 3"
    evidence: str  # the shared address or normalised name, or the alias file line


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
    merges: tuple[Merge, ...] = ()  # how its identities were joined, in the order done


@dataclass(frozen=True, slots=True)
class Bot:
    """An identity left out as a bot, and the rule that said so."""

    identity: str  # "Name <email>"
    commits: int
    pattern: str
    why: str


@dataclass(slots=True)
class People:
    """The result of resolving identities: who each raw identity is (None: a bot)."""

    by_identity: list[int | None]
    people: list[Person]
    bots: list[str] = field(default_factory=list)
    bot_details: list[Bot] = field(default_factory=list)


def normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[\W_]+", " ", letters.casefold())
    return " ".join(words.split())


def is_full_name(normalised: str) -> bool:
    """Two words or more and no placeholder: safe to take for one person across addresses."""
    return normalised.count(" ") >= 1 and normalised not in _PLACEHOLDER_NAMES


@dataclass(frozen=True, slots=True)
class AliasRules:
    """A parsed alias file: groups to join and groups to keep apart, with line numbers."""

    joins: tuple[tuple[str, ...], ...] = ()
    apart: tuple[tuple[str, ...], ...] = ()
    join_lines: tuple[int, ...] = ()


def parse_alias_rules(text: str) -> AliasRules:
    """Parse an alias file: one rule per line.

        # comments and blank lines are ignored
        Jane Doe <jane@corp.example> = jd <jane@home.example> = Jane D.
        Alex <alex@one.example> != Alex <alex@two.example>

    `=` joins identities into one person; `!=` keeps them apart (no automatic merge by
    address or name may join them; a `=` line still can). Each identity is
    `Name <email>`, `<email>` or a bare `Name`; it matches a git identity by e-mail
    (case-insensitive) or, failing an e-mail, by normalised name.
    """
    joins: list[tuple[str, ...]] = []
    apart: list[tuple[str, ...]] = []
    lines: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        splitting = "!=" in line
        if splitting and re.search(r"(?<!!)=", line):
            raise ValueError(f"alias file line {number}: use either '=' or '!=' on a line")
        separator = "!=" if splitting else "="
        members = tuple(part.strip() for part in line.split(separator) if part.strip())
        if len(members) < 2:
            raise ValueError(
                f"alias file line {number}: needs two identities joined by '=' or '!='"
            )
        if splitting:
            apart.append(members)
        else:
            joins.append(members)
            lines.append(number)
    return AliasRules(tuple(joins), tuple(apart), tuple(lines))


def parse_alias_file(text: str) -> tuple[tuple[str, ...], ...]:
    """The groups to join of an alias file (`parse_alias_rules(text).joins`)."""
    return parse_alias_rules(text).joins


def _alias_key(member: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*(.*?)\s*<([^>]*)>\s*", member)
    if match:
        return ("email", match.group(2).strip().casefold())
    return ("name", normalise_name(member))


class _Groups:
    """Union-find over identities, with groups that must stay apart."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.marks: dict[int, set[tuple[int, int]]] = {}  # root -> (apart rule, side)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: int, second: int, *, forced: bool = False) -> bool:
        """Join the two groups; False if already one or (unless forced) kept apart."""
        a, b = self.find(first), self.find(second)
        if a == b:
            return False
        marks_a, marks_b = self.marks.get(a), self.marks.get(b)
        if (
            not forced
            and marks_a
            and marks_b
            and any((rule, 1 - side) in marks_b for rule, side in marks_a)
        ):
            return False
        low, high = min(a, b), max(a, b)
        self.parent[high] = low
        if marks_a or marks_b:
            self.marks[low] = (marks_a or set()) | (marks_b or set())
            self.marks.pop(high, None)
        return True


def _identity_text(identity: tuple[str, str]) -> str:
    return f"{identity[0]} <{identity[1]}>"


def resolve_people(
    identities: Sequence[tuple[str, str]],
    commits: Sequence[int],
    first_commit_at: Sequence[int],
    last_commit_at: Sequence[int],
    options: IdentityOptions,
) -> People:
    rules = (
        bot_rules(identities, options.bot_patterns)
        if options.exclude_bots
        else [None] * len(identities)
    )
    humans = [index for index in range(len(identities)) if rules[index] is None]
    groups = _Groups(len(identities))
    merges: list[tuple[int, int, str, str]] = []

    # Who the alias file names: every identity with that address or normalised name.
    named: dict[tuple[str, str], list[int]] = {}
    if options.aliases or options.apart:
        for index in humans:
            name, email = identities[index]
            if email.strip():
                named.setdefault(("email", email.strip().casefold()), []).append(index)
            named.setdefault(("name", normalise_name(name)), []).append(index)
    for rule, group in enumerate(options.apart):
        for side, member in enumerate(group[:2]):
            for index in named.get(_alias_key(member), ()):
                root = groups.find(index)
                groups.marks.setdefault(root, set()).add((rule, side))
    _extra_apart(options.apart, named, groups)
    for number, group in enumerate(options.aliases):
        lines = options.alias_lines
        line = lines[number] if number < len(lines) else number + 1
        found = [i for key in map(_alias_key, group) for i in named.get(key, ())]
        for other in found[1:]:
            if groups.union(found[0], other, forced=True):
                merges.append((found[0], other, "alias file", f"line {line}"))

    by_key: dict[tuple[str, str], int] = {}
    placeholders: set[str] = set()
    for index in humans:
        name, email = identities[index]
        address = email.strip().casefold()
        if address and is_placeholder_email(address):
            placeholders.add(address)
        if options.merge_by_email and address and address not in placeholders:
            _join(groups, by_key, ("email", address), index, merges, "same e-mail address")
        normalised = normalise_name(name)
        if options.merge_by_name and is_full_name(normalised):
            _join(groups, by_key, ("name", normalised), index, merges, "same full name")

    members: dict[int, list[int]] = {}
    for index in humans:
        members.setdefault(groups.find(index), []).append(index)
    links: dict[int, list[Merge]] = {}
    for first, second, reason, evidence in merges:
        links.setdefault(groups.find(first), []).append(
            Merge(
                _identity_text(identities[first]),
                _identity_text(identities[second]),
                reason,
                evidence,
            )
        )
    by_identity: list[int | None] = [None] * len(identities)
    people: list[Person] = []
    built = [
        (
            _person(
                indexes,
                identities,
                commits,
                first_commit_at,
                last_commit_at,
                links.get(root, []),
                placeholders,
            ),
            indexes,
        )
        for root, indexes in members.items()
    ]
    built.sort(key=lambda pair: (-pair[0].commits, pair[0].key))  # busiest first
    taken: dict[str, int] = {}
    for person, indexes in built:
        for index in indexes:
            by_identity[index] = len(people)
        people.append(_unique_key(person, taken))
    bots = [
        Bot(_identity_text(identities[index]), commits[index], *rule)
        for index, rule in enumerate(rules)
        if rule is not None
    ]
    bots.sort(key=lambda bot: (-bot.commits, bot.identity))
    return People(by_identity, people, sorted({bot.identity for bot in bots}), bots)


def _extra_apart(
    apart: tuple[tuple[str, ...], ...], named: dict[tuple[str, str], list[int]], groups: _Groups
) -> None:
    """Members after the second of a `!=` line: each apart from every one before it."""
    rule = len(apart)
    for group in apart:
        for later in range(2, len(group)):
            for earlier in range(later):
                for side, member in ((0, group[earlier]), (1, group[later])):
                    for index in named.get(_alias_key(member), ()):
                        groups.marks.setdefault(groups.find(index), set()).add((rule, side))
                rule += 1


def _join(
    groups: _Groups,
    by_key: dict[tuple[str, str], int],
    key: tuple[str, str],
    index: int,
    merges: list[tuple[int, int, str, str]],
    reason: str,
) -> None:
    seen = by_key.get(key)
    if seen is None:
        by_key[key] = index
    elif groups.union(seen, index):
        merges.append((seen, index, reason, key[1]))


def _unique_key(person: Person, taken: dict[str, int]) -> Person:
    # Two people may share a placeholder address or a one-word name: keys stay unique.
    count = taken.get(person.key, 0)
    taken[person.key] = count + 1
    if not count:
        return person
    return Person(
        f"{person.key}#{count + 1}",
        person.name,
        person.emails,
        person.names,
        person.commits,
        person.first_commit_at,
        person.last_commit_at,
        person.merges,
    )


def _most_used(values: dict[str, int]) -> str:
    # Most commits first, then alphabetical, so the choice is stable between runs.
    return min(values, key=lambda value: (-values[value], value)) if values else ""


def _person(
    indexes: list[int],
    identities: Sequence[tuple[str, str]],
    commits: Sequence[int],
    first_commit_at: Sequence[int],
    last_commit_at: Sequence[int],
    merges: list[Merge],
    placeholders: set[str],
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
    # A placeholder address is nobody's: the key is then the name (made unique later).
    primary_email = _most_used(
        {email: n for email, n in emails.items() if email not in placeholders}
        if placeholders
        else emails
    )
    return Person(
        key=primary_email or f"name:{normalise_name(primary_name)}",
        name=primary_name or primary_email,
        emails=tuple(sorted(emails)),
        names=tuple(sorted(names)),
        commits=sum(commits[index] for index in indexes),
        first_commit_at=min(first_commit_at[index] for index in indexes),
        last_commit_at=max(last_commit_at[index] for index in indexes),
        merges=tuple(merges),
    )
