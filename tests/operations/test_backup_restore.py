"""`peerlearn backup` while the application writes, `peerlearn restore` into a new
installation: every row of every table and every file of the data folder come back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.operations.installation import NEEDS_PGSERVER, new_installation
from tests.operations.seeding import seed, start_writer, writes_done

WRITER_PREFIX = "writer-"


def _writer_number(row: dict[str, object]) -> int | None:
    username = str(row["username"])
    return int(username[len(WRITER_PREFIX) :]) if username.startswith(WRITER_PREFIX) else None


def _wait_for_writes(progress: Path, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while writes_done(progress) < at_least:
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.05)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=NEEDS_PGSERVER)])
def test_backup_while_writing_restores_every_row_and_file(kind: str, tmp_path: Path) -> None:
    source = new_installation(kind, tmp_path / "source")
    seed(source)
    archive = tmp_path / "peerlearn.backup"
    writer, progress, stop = start_writer(source, tmp_path)
    try:
        _wait_for_writes(progress, 3)
        committed_before = writes_done(progress)
        backup = source.cli("backup", str(archive))
        committed_after = writes_done(progress)
        _wait_for_writes(progress, committed_after + 3)  # still writing after it
    finally:
        stop.touch()
        _, writer_errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, writer_errors
    assert backup.returncode == 0, backup.stderr
    assert f"Backup written to {archive}" in backup.stdout
    assert archive.stat().st_mode & 0o077 == 0  # it holds password hashes and the secret key

    target = new_installation(kind, tmp_path / "target")
    target.migrate()  # an installed, empty database: the usual start of a restore
    restore = target.cli("restore", str(archive))
    assert restore.returncode == 0, restore.stderr
    assert "Restored the backup" in restore.stdout

    before, after = source.tables(), target.tables()
    restored = sorted(n for row in after["people_user"] if (n := _writer_number(row)) is not None)
    # One moment of the database: the writer's first k transactions, each whole.
    assert restored == list(range(len(restored)))
    # The moment lies within the backup: every write committed before it began is in.
    assert committed_before <= len(restored) <= committed_after + 1
    later = {
        row["id"]
        for row in before["people_user"]
        if (n := _writer_number(row)) is not None and n >= len(restored)
    }
    assert later, "the writer wrote after the backup"
    expected = dict(before)
    expected["people_user"] = [row for row in before["people_user"] if row["id"] not in later]
    expected["audit_auditevent"] = [
        row
        for row in before["audit_auditevent"]
        if not (row["target_type"] == "people.user" and row["target_id"] in later)
    ]
    assert set(after) == set(expected)
    for table, rows in expected.items():
        assert after[table] == rows, table
    assert sum(len(rows) for rows in after.values()) > 200  # the demo, not an empty shell
    assert after["knowledge_analysis"], "the knowledge maps came back"

    files = source.files()
    assert target.files() == files
    assert any(name.startswith("repositories/") and name.endswith("HEAD") for name in files)
    assert "secret_key" in files

    # The restored installation runs: migrate has nothing to do, the demo login works.
    assert target.cli("migrate", "--verbosity", "0").returncode == 0
    check = target.python(
        "from django.contrib.auth import authenticate\n"
        "from peerlearn.demo import DEMO_PASSWORD\n"
        "print(authenticate(username='carol', password=DEMO_PASSWORD) is not None)\n"
    )
    assert check.strip() == "True"
