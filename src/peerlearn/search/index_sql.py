"""The full-text index each database builds on `search_searchentry` (the migrations run
these; search.backends queries them).

SQLite: a contentless FTS5 table whose rowid is the entry's id, kept current by triggers,
so every write of an entry (the ORM's, a cascade's, a bulk delete's) updates it in the
same transaction. Contentless: the text is stored once, in the entry; snippets are cut
from it in Python. Porter stemming over unicode61 without diacritics.

PostgreSQL: a stored generated tsvector column and a GIN index. The text search
configuration `peerlearn_search` is `simple` with an English Snowball stemmer that keeps
every word (no stop words, like FTS5) and, when the `unaccent` extension can be created
(it ships with PostgreSQL's contrib; creating it needs the right to), accents removed.
The scope tokens go into the vector as they are (array_to_tsvector), never parsed.
"""

from __future__ import annotations

# ruff: noqa: S608  (the statements are constants: names of our own, no input)

FTS_TABLE = "search_index"
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, body, scope, content='', tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, body, scope)
        VALUES (new.id, new.title, new.body, new.scope);
    END""",
    # A contentless table forgets a row given the values it was indexed with.
    f"""CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, scope)
        VALUES ('delete', old.id, old.title, old.body, old.scope);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, scope)
        VALUES ('delete', old.id, old.title, old.body, old.scope);
        INSERT INTO {FTS_TABLE}(rowid, title, body, scope)
        VALUES (new.id, new.title, new.body, new.scope);
    END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

PG_CONFIG = "peerlearn_search"
PG_COLUMN = "document"
_WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"
POSTGRESQL_CREATE = [
    # Without the right to create it, or without contrib installed: no accent folding.
    """DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available: search will not fold accents';
    END $$""",
    "CREATE TEXT SEARCH DICTIONARY peerlearn_stem (TEMPLATE = snowball, LANGUAGE = english)",
    f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)",
    f"""DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'unaccent') THEN
            ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
                ALTER MAPPING FOR {_WORD_TOKENS} WITH unaccent, peerlearn_stem;
        ELSE
            ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
                ALTER MAPPING FOR {_WORD_TOKENS} WITH peerlearn_stem;
        END IF;
    END $$""",
    f"""ALTER TABLE search_searchentry ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{PG_CONFIG}'::regconfig, title), 'A')
        || setweight(to_tsvector('{PG_CONFIG}'::regconfig, body), 'B')
        || array_to_tsvector(string_to_array(scope, ' '))
    ) STORED""",
    # Kept in the row (compressed) rather than in the TOAST table: a phrase's recheck and
    # ts_rank read the vectors of many rows, and each TOAST read is an index lookup more.
    f"ALTER TABLE search_searchentry ALTER COLUMN {PG_COLUMN} SET STORAGE MAIN",
    f"CREATE INDEX search_searchentry_document ON search_searchentry USING gin ({PG_COLUMN})",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS search_searchentry_document",
    f"ALTER TABLE search_searchentry DROP COLUMN IF EXISTS {PG_COLUMN}",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS peerlearn_stem",
]
