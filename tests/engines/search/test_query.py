"""Query parsing: words, phrases and exclusions; anything typed parses into a safe
FTS5 expression (words only ever inside double quotes)."""

from __future__ import annotations

import re
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from peerlearn.engines.search.query import MAX_TERMS, Term, fts5_expression, parse_query

HOSTILE = [
    '"', '""', '"unterminated', "a\x00b", "NEAR(a b)", "a OR b AND NOT c", "* ^ : { } ( )",
    "col:word", "-", "--", "- -x", "'; DROP TABLE x; --", "x" * 10_000, "\u202e\u0000\ud7ff",
    "title: body:", "{title}: x", "a\"b\"c", "١٢٣", "e-mail", "ñandú Ça",
]  # fmt: skip


def _expression(text: str) -> str | None:
    query = parse_query(text)
    if query.empty:
        return None
    return fts5_expression(
        query, text_columns=("title", "body"), scope_column="scope", scopes=["t1"], kinds=["kpage"]
    )


def test_words_phrases_and_exclusions() -> None:
    query = parse_query('Deploying "blue green" -canary rollback')
    assert query.terms == (
        Term(("deploying",)),
        Term(("blue", "green")),
        Term(("canary",), excluded=True),
        Term(("rollback",)),
    )
    assert query.highlight_words() == ("deploying", "blue", "green", "rollback")


def test_stop_words_are_dropped_only_when_other_words_remain() -> None:
    assert parse_query("the rollback of").terms == (Term(("rollback",)),)
    assert parse_query("the").terms == (Term(("the",)),)


def test_punctuation_inside_a_word_makes_a_phrase() -> None:
    assert parse_query("e-mail foo.bar").terms == (Term(("e", "mail")), Term(("foo", "bar")))


def test_only_exclusions_or_nothing_is_an_empty_query() -> None:
    for text in ("", "   ", "-x", '""', "\x00", "!!! ??? ..."):
        assert parse_query(text).empty, text


def test_terms_are_capped() -> None:
    assert len(parse_query(" ".join(f"w{n}" for n in range(100))).terms) == MAX_TERMS


def test_expression_quotes_every_word_and_keeps_the_scope() -> None:
    expression = _expression("NEAR(a OR b) -c")
    assert expression == (
        # "NEAR(a" is one piece: a phrase of its words; "OR" a stop word.
        'scope : ("t1") AND {title body} : (("near a" AND "b") NOT "c") AND scope : ("kpage")'
    )


def _check_fts5(expression: str) -> None:
    database = sqlite3.connect(":memory:")
    database.execute("CREATE VIRTUAL TABLE f USING fts5(title, body, scope)")
    database.execute("INSERT INTO f VALUES ('a', 'b c', 't1 kpage')")
    database.execute("SELECT rowid FROM f WHERE f MATCH ?", [expression]).fetchall()


def test_hostile_text_parses_into_a_valid_fts5_expression() -> None:
    for text in HOSTILE:
        expression = _expression(text)
        if expression is not None:
            _check_fts5(expression)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_into_a_valid_fts5_expression(text: str) -> None:
    expression = _expression(text)
    if expression is not None:
        # Outside the quoted words only our own syntax remains.
        outside = re.sub(r'"(?:[^"]|"")*"', "", expression)
        assert set(outside) <= set("scope:(){}titlebodyANDORNOT k "), outside
        _check_fts5(expression)
