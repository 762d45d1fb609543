"""The configured database, snapshotted and restored: SQLite's online backup API, and
PostgreSQL's `pg_dump` and `psql` (the client programs of the server's version)."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.db import connections

BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# OPTIONS that Django's PostgreSQL backend reads itself; the rest are libpq's.
_DJANGO_ONLY_OPTIONS = frozenset(
    {"isolation_level", "assume_role", "server_side_binding", "pool", "cursor_factory"}
)
_ERROR_LINES = 5


class DatabaseError(Exception):
    """The database could not be dumped or restored; the message says why."""


def kind() -> str:
    """ "sqlite" or "postgresql"."""
    vendor = connections["default"].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise DatabaseError(f"backups of a {vendor} database are not supported.")
    return vendor


def database_settings() -> dict[str, Any]:
    settings: dict[str, Any] = connections["default"].settings_dict
    return settings


def sqlite_path() -> Path:
    return Path(database_settings()["NAME"]).resolve()


def _virtual_table_parts(cursor: Any) -> set[str]:
    """SQLite's virtual tables (the search index's FTS5 table) and their shadow tables:
    `migrate` writes rows of their own into them (FTS5's configuration), and what they
    hold is derived from ordinary tables, which the backup carries."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    )
    virtual = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    names = [row[0] for row in cursor.fetchall()]
    return {name for name in names for v in virtual if name == v or name.startswith(f"{v}_")}


def occupied_tables() -> list[str]:
    """Tables holding rows, other than those `peerlearn migrate` fills by itself."""
    if kind() == "sqlite" and not sqlite_path().exists():
        return []  # nothing to look at, and looking would create the file
    connection = connections["default"]
    occupied: list[str] = []
    with connection.cursor() as cursor:
        derived = _virtual_table_parts(cursor) if connection.vendor == "sqlite" else set()
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in BOOKKEEPING_TABLES or table in derived:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                occupied.append(table)
    return occupied


def existing_tables() -> list[str]:
    if kind() == "sqlite" and not sqlite_path().exists():
        return []
    connection = connections["default"]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def other_connections() -> int:
    """PostgreSQL: sessions connected to this database other than ours (a server or a
    worker, wherever it runs). SQLite has no such list: operations.in_use covers it."""
    if kind() != "postgresql":
        return 0
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


# --- SQLite ---------------------------------------------------------------------------


def sqlite_snapshot(target: Path) -> None:
    """A consistent copy of the live database: the backup API copies one snapshot while
    the web server and workers go on writing (WAL readers do not block writers)."""
    source_path = sqlite_path()
    if not source_path.is_file():
        raise DatabaseError(
            f"the SQLite database {source_path} does not exist (run `peerlearn migrate`)."
        )
    try:
        source = sqlite3.connect(source_path, timeout=20)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)  # one step: the whole database in one read transaction
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise DatabaseError(
            f"the SQLite database {source_path} could not be read: {error}."
        ) from None


def sqlite_check(snapshot: Path) -> None:
    database = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        result = database.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"its SQLite database is unreadable: {error}.") from None
    finally:
        database.close()
    if result is None or result[0] != "ok":
        raise DatabaseError(f"its SQLite database fails the integrity check: {result}.")


def sqlite_restore(snapshot: Path) -> None:
    """Replace the (empty) configured database with the snapshot, in one step."""
    connections.close_all()
    target_path = sqlite_path()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(target_path, timeout=20)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise DatabaseError(f"the database {target_path} could not be written: {error}.") from None


# --- PostgreSQL -----------------------------------------------------------------------


def postgresql_program(name: str) -> str:
    """The newest PostgreSQL client program `name` (Debian keeps each version's programs in
    /usr/lib/postgresql/<version>/bin, as scripts/pgserver.py finds the server's)."""
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parent.parent.name.split(".")[0]),
    )
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if found:
        return found
    raise DatabaseError(
        f"{name} is not installed: install PostgreSQL's client programs "
        "(Debian: apt-get install postgresql-client)."
    )


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _connection_arguments() -> tuple[str, dict[str, str]]:
    """A libpq connection string for the configured database, and the environment that
    carries its password (never on a command line other users can read)."""
    settings = database_settings()
    fields: dict[str, str] = {"dbname": str(settings["NAME"])}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if settings.get(key):
            fields[name] = str(settings[key])
    for name, value in (settings.get("OPTIONS") or {}).items():
        if name not in _DJANGO_ONLY_OPTIONS and isinstance(value, str | int):
            fields[name] = str(value)
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    conninfo = " ".join(f"{name}={_quote(value)}" for name, value in fields.items())
    return conninfo, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        detail = " ".join(lines[-_ERROR_LINES:]) or f"exit status {completed.returncode}"
        raise DatabaseError(f"{what} failed: {detail}")


def postgresql_dump(target: Path) -> None:
    """pg_dump reads every table in one repeatable-read transaction: a consistent
    snapshot while the application goes on writing."""
    conninfo, env = _connection_arguments()
    _run(
        [
            postgresql_program("pg_dump"), "--format=plain", "--no-owner", "--no-privileges",
            "--file", str(target), "--dbname", conninfo,
        ],
        env,
        "pg_dump",
    )  # fmt: skip


def text_search_objects() -> list[tuple[str, str]]:
    """The text search configurations and dictionaries a `peerlearn migrate` made (the
    search index's) in the current schema, not those of an extension: ("CONFIGURATION"
    or "DICTIONARY", qualified name), configurations first (they use the dictionaries)."""
    query = """
        SELECT kind, quote_ident(n.nspname) || '.' || quote_ident(name) FROM (
            SELECT 'CONFIGURATION' AS kind, c.oid, c.cfgname AS name, c.cfgnamespace AS ns,
                   'pg_ts_config'::regclass AS catalog, 0 AS rank FROM pg_ts_config c
            UNION ALL
            SELECT 'DICTIONARY', d.oid, d.dictname, d.dictnamespace,
                   'pg_ts_dict'::regclass, 1 FROM pg_ts_dict d
        ) o JOIN pg_namespace n ON n.oid = o.ns
        WHERE n.nspname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = o.catalog
                          AND e.objid = o.oid AND e.deptype = 'e')
        ORDER BY rank, name
    """
    with connections["default"].cursor() as cursor:
        cursor.execute(query)
        return [(str(kind), str(name)) for kind, name in cursor.fetchall()]


def postgresql_restore(
    script: Path,
    *,
    drop_tables: list[str],
    drop_text_search: Sequence[tuple[str, str]] = (),
) -> None:
    """Run the dump in one transaction (all of it, or nothing), after dropping the empty
    tables and the text search objects a `peerlearn migrate` may have created (the dump
    creates them again)."""
    connections.close_all()
    preamble = script.with_name("preamble.sql")
    quote = connections["default"].ops.quote_name
    preamble.write_text(
        "".join(f"DROP TABLE IF EXISTS {quote(table)} CASCADE;\n" for table in drop_tables)
        + "".join(
            f"DROP TEXT SEARCH {kind} IF EXISTS {name};\n" for kind, name in drop_text_search
        ),
        encoding="utf-8",
    )
    conninfo, env = _connection_arguments()
    _run(
        [
            postgresql_program("psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
            "--single-transaction", "--output", os.devnull, "--file", str(preamble),
            "--file", str(script), "--dbname", conninfo,
        ],
        env,
        "psql (restoring the dump)",
    )  # fmt: skip
