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
    parts: list[str] = []
    params: list[object] = []
    for term in query.terms:
        parts.append(("!! " if term.excluded else "") + f"phraseto_tsquery({config}, %s)")
        params.append(" ".join(term.words))
    text = " && ".join(parts)
    scope = "%s::tsquery" + (" && %s::tsquery" if kinds else "")
    params += [_lexemes(scopes)] + ([_lexemes(kinds)] if kinds else [])
    column = index_sql.PG_COLUMN
    sql = (
        f"SELECT e.id FROM search_searchentry e, (SELECT {text} AS t, {scope} AS s) q "  # noqa: S608
        f"WHERE e.{column} @@ (q.s && q.t) "
        f"ORDER BY ts_rank({_PG_WEIGHTS}, e.{column}, q.t) DESC, e.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [row[0] for row in cursor.fetchall()]
