"""What a person typed into the search box, as terms the databases can be given safely.

Nothing the user typed reaches a query language as syntax: the text is cut into words
(letters and digits; everything else separates), `"quoted words"` make a phrase and a
leading `-` excludes a word or phrase. The words are then written into the FTS5
expression by this module, always inside double quotes, and passed to PostgreSQL as
bound parameters of `phraseto_tsquery`. Any input, however hostile (quotes, operators,
NUL, 10,000 characters), parses; at worst into a query that matches nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MAX_QUERY_CHARS = 500  # the rest of a longer text is ignored
MAX_TERMS = 12
MAX_WORD_CHARS = 60

_WORD = re.compile(r"[^\W_]+")
# A phrase in double quotes (possibly unterminated at the end), or a run of anything else.
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

# Common English words that match almost every page: dropped from a query that has other
# words, so they cost nothing and do not demote pages that do not repeat them.
_STOP_WORDS_TEXT = (
    "a an and are as at be but by for from has have how i in is it its of on or our "
    "so that the their there this to was we were what when where which who why will "
    "with you"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase in order
    excluded: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def included(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.excluded)

    @property
    def empty(self) -> bool:
        """Nothing to look for: no results, without asking the database."""
        return not self.included

    def highlight_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(word for term in self.included for word in term.words))


def words_of(text: str) -> list[str]:
    normal = unicodedata.normalize("NFKC", text).casefold()
    return [word[:MAX_WORD_CHARS] for word in _WORD.findall(normal)]


def parse_query(text: str) -> ParsedQuery:
    terms: list[Term] = []
    seen: set[Term] = set()
    for match in _PIECE.finditer(text[:MAX_QUERY_CHARS]):
        phrase = match.group(2)
        excluded = bool(match.group(1) if phrase is not None else match.group(3))
        words = words_of(phrase if phrase is not None else match.group(4))
        if not words:
            continue
        # Outside quotes too, "e-mail" or "foo.bar" is a phrase of its words, as the
        # databases' own parsers read such a word in a page.
        term = Term(tuple(words), excluded)
        if term not in seen:
            seen.add(term)
            terms.append(term)
    meaningful = [
        t for t in terms if t.excluded or len(t.words) > 1 or t.words[0] not in STOP_WORDS
    ]
    if any(not t.excluded for t in meaningful):
        terms = meaningful
    return ParsedQuery(tuple(terms[:MAX_TERMS]))


def _fts5_phrase(words: Sequence[str]) -> str:
    # Words are letters and digits only; the doubling is what FTS5 asks of a quote
    # inside a string, kept so this stays safe should the word rule ever change.
    return '"' + " ".join(words).replace('"', '""') + '"'


def _fts5_any(tokens: Sequence[str]) -> str:
    return "(" + " OR ".join(_fts5_phrase([token]) for token in tokens) + ")"


def fts5_expression(
    query: ParsedQuery, *, text_columns: Sequence[str], scope_column: str,
    scopes: Sequence[str], kinds: Sequence[str] = (),
) -> str:  # fmt: skip
    """The FTS5 MATCH expression: every included term in the text columns, none of the
    excluded ones, and one of `scopes` (and of `kinds`) in the scope column."""
    if query.empty or not scopes:
        raise ValueError("an empty query or scope matches nothing: do not ask the database")
    included = " AND ".join(_fts5_phrase(term.words) for term in query.included)
    text = f"({included})"
    for term in query.excluded:
        text = f"{text} NOT {_fts5_phrase(term.words)}"
    columns = "{" + " ".join(text_columns) + "}"
    expression = f"{scope_column} : {_fts5_any(scopes)} AND {columns} : ({text})"
    if kinds:
        expression += f" AND {scope_column} : {_fts5_any(kinds)}"
    return expression
