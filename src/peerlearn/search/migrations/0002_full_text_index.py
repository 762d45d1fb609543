"""The databases' full-text index on the entries (search.index_sql says what and why)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from peerlearn.search import index_sql

_STATEMENTS = {
    "sqlite": (index_sql.SQLITE_CREATE, index_sql.SQLITE_DROP),
    "postgresql": (index_sql.POSTGRESQL_CREATE, index_sql.POSTGRESQL_DROP),
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
