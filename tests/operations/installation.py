"""A whole peerlearn installation for a test: its own data folder and database, used only
through the `peerlearn` command and Python processes of its own (as an operator would)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER_URL = os.environ.get("DATABASE_URL", "")
UNDER_PGSERVER = SERVER_URL.startswith(("postgres://", "postgresql://"))
# Marks of a test of a PostgreSQL installation: skipped without the server, and counted as
# a database test so that the PostgreSQL pass of scripts/test (which drops tests that
# reach no database) keeps it, though it reaches a database of its own.
NEEDS_PGSERVER = [
    pytest.mark.skipif(
        not UNDER_PGSERVER,
        reason="needs a PostgreSQL server: run under scripts/pgserver.py (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db,
]


def needs_pgserver[F: Callable[..., object]](function: F) -> F:
    for mark in NEEDS_PGSERVER:
        function = mark(function)
    return function


@dataclass
class Installation:
    data_dir: Path
    env: dict[str, str]
    kind: str  # "sqlite" or "postgresql"

    def cli(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "peerlearn.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def python(self, code: str, *args: str, timeout: float = 180) -> str:
        """Run `code` (with `args` in sys.argv[1:]) with Django set up for this
        installation; return what it printed."""
        script = "import django\ndjango.setup()\n" + code
        completed = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    def migrate(self) -> None:
        result = self.cli("migrate", "--verbosity", "0")
        assert result.returncode == 0, result.stderr

    def tables(self) -> dict[str, list[dict[str, object]]]:
        """Every row of every table (all models, m2m tables too), in primary-key order."""
        return json.loads(self.python(DUMP_TABLES))  # type: ignore[no-any-return]

    def files(self) -> dict[str, bytes]:
        """The data folder's files, without the SQLite database's own and the lock that
        says which processes run (neither backed up as a file)."""
        found: dict[str, bytes] = {}
        for path in sorted(self.data_dir.rglob("*")):
            relative = path.relative_to(self.data_dir).as_posix()
            if relative == "in-use.lock":
                continue
            if path.is_file() and not relative.startswith("peerlearn.sqlite3"):
                found[relative] = path.read_bytes()
        return found


DUMP_TABLES = """
import json
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder

tables = {}
for model in apps.get_models(include_auto_created=True):
    rows = model._base_manager.order_by("pk").values()
    tables[model._meta.db_table] = list(rows)
print(json.dumps(tables, cls=DjangoJSONEncoder, sort_keys=True))
"""


def base_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PEERLEARN_SECRET_KEY"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "peerlearn.config.settings"
    env["PEERLEARN_DATA_DIR"] = str(data_dir)
    env["PEERLEARN_LOG_LEVEL"] = "WARNING"
    return env


def sqlite_installation(folder: Path) -> Installation:
    data_dir = folder / "data"
    return Installation(data_dir=data_dir, env=base_env(data_dir), kind="sqlite")


def postgresql_database(server_url: str) -> str:
    """A new, empty database on the server of `server_url`; its URL."""
    import psycopg

    parts = urlsplit(server_url)
    name = f"peerlearn_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgresql_installation(folder: Path, server_url: str = SERVER_URL) -> Installation:
    data_dir = folder / "data"
    env = base_env(data_dir)
    env["DATABASE_URL"] = postgresql_database(server_url)
    return Installation(data_dir=data_dir, env=env, kind="postgresql")


def new_installation(kind: str, folder: Path) -> Installation:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        return sqlite_installation(folder)
    return postgresql_installation(folder)
