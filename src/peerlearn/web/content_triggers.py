"""Database triggers that give an organisation a new content version on every write.

The page cache (`peerlearn.web.page_cache`) serves a rendered page again only while the
viewer's organisation still has the content version the page was rendered at. For that to
be safe, no write to what a cached page shows may leave the version unchanged: not a
service function, not `bulk_create` or `QuerySet.update` (which send no signals), not the
Django admin, not a shell. So the version is replaced by the database itself, in a trigger
on each table below, inside the writing transaction. A reader that reads the version
before the page's data (as the cache does) can then never store old data under a new
version.

The triggers are (re)installed after every `migrate` (post_migrate), so a migration that
rebuilds a table (SQLite does that for many changes, dropping its triggers) cannot
silently remove them; `tests/web/test_content_triggers.py` checks each one is there.
"""

# Every name put into SQL here comes from model metadata, never from input:
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from peerlearn.people.models import Membership, Organisation, Team, User
from peerlearn.schedule.models import Series, SeriesSkip, Session, SessionRole

PREFIX = "peerlearn_content_"
# 2**62 - 1: the new version is a non-negative random 62-bit number on both databases.
_MASK = (1 << 62) - 1


@dataclass(frozen=True)
class Tracked:
    """A table whose rows pages show, and the foreign keys leading to its organisation."""

    model: type[models.Model]
    path: Sequence[str]  # field names, from the model to the organisation
    # Columns no page shows, written often: an UPDATE of only these keeps the version.
    ignored: Sequence[str] = ()

    def update_columns(self, connection: BaseDatabaseWrapper) -> str:
        """The quoted columns whose update renews the version ("" for all of them)."""
        if not self.ignored:
            return ""
        columns = [
            field.column
            for field in self.model._meta.concrete_fields
            if field.column and field.name not in self.ignored
        ]
        return ", ".join(connection.ops.quote_name(column) for column in columns)


# Everything the cached pages show (the dashboard and the team page, with the layout
# around them): add a table here before caching a page that reads it.
TRACKED: tuple[Tracked, ...] = (
    # Every sign-in writes last_login; it would otherwise renew every page of the
    # organisation each time somebody signs in.
    Tracked(User, ("organisation",), ignored=("last_login",)),
    Tracked(Team, ("organisation",)),
    Tracked(Membership, ("team", "organisation")),
    Tracked(Series, ("team", "organisation")),
    Tracked(SeriesSkip, ("series", "team", "organisation")),
    Tracked(Session, ("team", "organisation")),
    Tracked(SessionRole, ("session", "team", "organisation")),
)


def _pk_column(model: type[models.Model]) -> str:
    column = model._meta.pk.column
    assert column is not None
    return column


def organisation_expression(connection: BaseDatabaseWrapper, tracked: Tracked, row: str) -> str:
    """SQL for the organisation id of `row` (NEW or OLD), following the foreign keys."""
    quote = connection.ops.quote_name
    model: type[models.Model] = tracked.model
    expression = ""
    for name in tracked.path:
        field = model._meta.get_field(name)
        assert isinstance(field, models.ForeignKey), f"{model.__name__}.{name} is not a FK"
        if not expression:
            expression = f"{row}.{quote(field.column)}"
        else:
            expression = (
                f"(SELECT {quote(field.column)} FROM {quote(model._meta.db_table)}"
                f" WHERE {quote(_pk_column(model))} = {expression})"
            )
        model = field.related_model
    assert model is Organisation, f"{tracked.model.__name__}'s path does not end at Organisation"
    return expression


def _bump(connection: BaseDatabaseWrapper, ids: str, random_value: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"UPDATE {quote(Organisation._meta.db_table)}"
        f" SET {quote('content_version')} = {random_value}"
        f" WHERE {quote(_pk_column(Organisation))} IN ({ids})"
    )


def sqlite_statements(connection: BaseDatabaseWrapper, tracked: Tracked) -> list[str]:
    table = connection.ops.quote_name(tracked.model._meta.db_table)
    random_value = f"(random() & {_MASK})"
    statements = []
    columns = tracked.update_columns(connection)
    update = f"UPDATE OF {columns}" if columns else "UPDATE"
    for event, rows in (("INSERT", ["NEW"]), (update, ["NEW", "OLD"]), ("DELETE", ["OLD"])):
        name = f"{PREFIX}{tracked.model._meta.db_table}_{event.split()[0].lower()}"
        ids = ", ".join(organisation_expression(connection, tracked, row) for row in rows)
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
            f" BEGIN {_bump(connection, ids, random_value)}; END",
        ]
    return statements


def postgresql_statements(connection: BaseDatabaseWrapper, tracked: Tracked) -> list[str]:
    table = connection.ops.quote_name(tracked.model._meta.db_table)
    name = f"{PREFIX}{tracked.model._meta.db_table}"
    random_value = f"floor(random() * {_MASK})::bigint"
    new = organisation_expression(connection, tracked, "NEW")
    old = organisation_expression(connection, tracked, "OLD")
    columns = tracked.update_columns(connection)
    update = f"UPDATE OF {columns}" if columns else "UPDATE"
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_bump(connection, new, random_value)};
  ELSIF TG_OP = 'UPDATE' THEN
    {_bump(connection, f"{new}, {old}", random_value)};
  ELSE
    {_bump(connection, old, random_value)};
  END IF;
  RETURN NULL;
END
$body$""",
        f"CREATE OR REPLACE TRIGGER {name} AFTER INSERT OR {update} OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def install(using: str = "default") -> list[str]:
    """Create or replace the triggers on every tracked table that exists; returns the tables."""
    connection = connections[using]
    builders = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}
    build = builders.get(connection.vendor)
    if build is None:
        raise NotImplementedError(f"content triggers for {connection.vendor} are not written")
    existing = set(connection.introspection.table_names())
    installed = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _drop_untracked(connection, cursor)
        for tracked in TRACKED:
            if tracked.model._meta.db_table not in existing:
                continue  # migrated in part; the next full migrate installs it
            for statement in build(connection, tracked):
                cursor.execute(statement)
            installed.append(tracked.model._meta.db_table)
    return installed


def _drop_untracked(connection: BaseDatabaseWrapper, cursor: Any) -> None:
    """Drop our triggers on tables no longer tracked (or since renamed)."""
    tracked_tables = {tracked.model._meta.db_table for tracked in TRACKED}
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [PREFIX + "%"],
        )
        for name, table in cursor.fetchall():
            if table not in tracked_tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
    else:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE %s",
            [PREFIX + "%"],
        )
        for name, table in cursor.fetchall():
            if table not in tracked_tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {quote(name)}()")


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    install(using)
