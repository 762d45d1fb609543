"""The two databases' ranked full-text queries over the index (search.index_sql).

Both return entry ids, best first, for a query already parsed into safe terms
(engines.search.query) and the scope tokens the viewer may read: the scope is a
condition inside the full-text query itself, so the index finds the viewer's rows
without reading other teams' matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from peerlearn.engines.search.query import ParsedQuery, fts5_expression
from peerlearn.search import index_sql

# Rank weights: a word in the title counts ten times one in the text; scope tokens nothing.
_FTS5_WEIGHTS = "10.0, 1.0, 0.0"
_PG_WEIGHTS = "'{0, 0, 0.1, 1}'"  # D (scope), C, B (text), A (title)
CANDIDATES = 500  # rows ranked for a query of words
STRICT_CANDIDATES = 2000  # rows checked for its phrases and exclusions


def ranked_ids(
    query: ParsedQuery, *, scopes: Sequence[str], kinds: Sequence[str], limit: int, offset: int
) -> list[int]:
    if query.empty or not scopes:
        return []
    if connection.vendor == "postgresql":
        return _postgresql(query, scopes, kinds, limit, offset)
    return _sqlite(query, scopes, kinds, limit, offset)


def _sqlite(
    query: ParsedQuery, scopes: Sequence[str], kinds: Sequence[str], limit: int, offset: int
) -> list[int]:
    table = index_sql.FTS_TABLE
    expression = fts5_expression(
        query, text_columns=("title", "body"), scope_column="scope", scopes=scopes, kinds=kinds
    )
    sql = (
        f"SELECT rowid FROM {table} WHERE {table} MATCH %s "  # noqa: S608
        f"ORDER BY bm25({table}, {_FTS5_WEIGHTS}) LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _lexemes(tokens: Sequence[str]) -> str:
    """A tsquery of scope tokens, in tsquery's own syntax: the tokens are ours (a letter
    and digits), never the user's, and quoted so they are taken as they are."""
    return " | ".join("'" + token.replace("'", "''") + "'" for token in tokens)


def _postgresql(
    query: ParsedQuery, scopes: Sequence[str], kinds: Sequence[str], limit: int, offset: int
) -> list[int]:
    config = f"'{index_sql.PG_CONFIG}'::regconfig"
    # The index answers "has all these words" exactly; phrases and exclusions need each
    # row's vector read again (a recheck). So candidates are found by the words alone,
    # and only a capped number of them checked against phrases and exclusions, then
    # ranked (ts_rank also reads each vector): a word on most of an organisation's
    # pages would otherwise have thousands read. Results beyond are not promised.
    words = [word for term in query.included for word in term.words]
    loose = " && ".join(f"plainto_tsquery({config}, %s)" for _ in words)
    ranked = " && ".join(f"phraseto_tsquery({config}, %s)" for _ in query.included)
    ranked_params = [" ".join(term.words) for term in query.included]
    strict_terms = [t for t in query.terms if t.excluded or len(t.words) > 1]
    strict = " && ".join(
        ("!! " if t.excluded else "") + f"phraseto_tsquery({config}, %s)" for t in strict_terms
    )
    scope = "%s::tsquery" + (" && %s::tsquery" if kinds else "")
    scope_params = [_lexemes(scopes)] + ([_lexemes(kinds)] if kinds else [])
    column = index_sql.PG_COLUMN
    candidates = max(STRICT_CANDIDATES if strict else CANDIDATES, offset + limit)
    sql = (
        f"SELECT c.id FROM (SELECT e.id, e.{column} AS document "  # noqa: S608
        f"FROM search_searchentry e WHERE e.{column} @@ (({scope}) && {loose}) LIMIT %s) c "
        + (f"WHERE c.document @@ ({strict}) " if strict else "")
        + f"ORDER BY ts_rank({_PG_WEIGHTS}, c.document, {ranked}) DESC, c.id DESC "
        "LIMIT %s OFFSET %s"
    )
    params: list[str | int] = [*scope_params, *words, candidates]
    params += [" ".join(t.words) for t in strict_terms] + ranked_params + [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
