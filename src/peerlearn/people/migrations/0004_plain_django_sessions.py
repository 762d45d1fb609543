"""Back to Django's own sessions; the page cache's content triggers and version go.

The triggers (named peerlearn_content_*) were installed outside migrations, after every
migrate, so they are dropped here by name before the column they write disappears.
Sign-ins stored in the old session table end once: people sign in again.
"""

from typing import Any

from django.db import migrations

PREFIX = "peerlearn_content_"


def drop_content_triggers(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [PREFIX + "%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE %s",
                [PREFIX + "%"],
            )
            for name, table in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
            cursor.execute(
                "SELECT proname FROM pg_proc WHERE proname LIKE %s", [PREFIX + "%"]
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP FUNCTION IF EXISTS {quote(name)}()")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_login_session"),
        ("schedule", "0002_feed_content_changed_at"),
    ]

    operations = [
        migrations.RunPython(drop_content_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="LoginSession"),
        migrations.RemoveField(model_name="organisation", name="content_version"),
    ]
