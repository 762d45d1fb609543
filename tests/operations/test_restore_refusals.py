"""`peerlearn restore` refuses, with a clear message and nothing written: an installation
in use, a damaged or truncated archive, one of the other database kind, no archive."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import shutil
import signal
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.operations.installation import Installation, needs_pgserver, new_installation
from tests.operations.processes import wait_until
from tests.operations.seeding import seed


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = new_installation("sqlite", tmp_path_factory.mktemp("demo-source"))
    seed(source)
    archive = tmp_path_factory.mktemp("archives") / "demo.backup"
    result = source.cli("backup", str(archive))
    assert result.returncode == 0, result.stderr
    return archive


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    installation = new_installation("sqlite", tmp_path_factory.mktemp("migrated"))
    installation.migrate()
    return installation


@pytest.fixture
def target(migrated: Installation, tmp_path: Path) -> Installation:
    """A new installation with a migrated, empty database (a copy: migrating takes long)."""
    installation = new_installation("sqlite", tmp_path / "target")
    shutil.copytree(migrated.data_dir, installation.data_dir)
    return installation


def _state(installation: Installation) -> tuple[object, object]:
    return installation.tables(), installation.files()


def _refused(installation: Installation, archive: Path, reason: str) -> None:
    before = _state(installation)
    result = installation.cli("restore", str(archive))
    assert result.returncode == 2, result.stdout
    assert "not restored, nothing written" in result.stderr
    assert reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _state(installation) == before
    leftovers = [p.name for p in installation.data_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_restore_refuses_a_database_with_rows(target: Installation, demo_archive: Path) -> None:
    target.python(
        "from peerlearn.people.services import organisation_create\n"
        "organisation_create(name='Already here')\n"
    )
    _refused(target, demo_archive, "the database is not empty (people_organisation hold rows)")


def test_restore_refuses_a_data_folder_with_files(target: Installation, demo_archive: Path) -> None:
    clone = target.data_dir / "repositories" / "7"
    clone.mkdir(parents=True)
    (clone / "HEAD").write_text("ref: refs/heads/main\n")
    _refused(target, demo_archive, "is not empty (it holds repositories/7/HEAD)")


def test_restore_refuses_a_truncated_archive(
    target: Installation, demo_archive: Path, tmp_path: Path
) -> None:
    truncated = tmp_path / "truncated.backup"
    data = demo_archive.read_bytes()
    truncated.write_bytes(data[: len(data) * 2 // 3])
    _refused(target, truncated, "damaged or truncated")


def test_restore_refuses_a_damaged_archive(
    target: Installation, demo_archive: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.backup"
    data = bytearray(demo_archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    _refused(target, damaged, "damaged")


def _rewritten(
    archive: Path,
    out: Path,
    manifest_change: dict[str, object],
    database: Callable[[bytes], bytes] = lambda data: data,
) -> Path:
    """The archive with its manifest (or database) changed and its checksums made to
    match again: only the check under test can refuse it."""
    members: list[tuple[tarfile.TarInfo, bytes | None]] = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            stream = tar.extractfile(member) if member.isfile() else None
            members.append((member, stream.read() if stream else None))
    checksums: dict[str, str] = {}
    with tarfile.open(out, "w:gz") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                assert data is not None
                data = json.dumps({**json.loads(data), **manifest_change}).encode()
            if member.name.startswith("database/"):
                assert data is not None
                data = database(data)
            if member.name == "checksums.json":
                data = json.dumps(checksums).encode()
            if data is not None:
                member.size = len(data)
                checksums[member.name] = hashlib.sha256(data).hexdigest()
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


def test_restore_refuses_an_archive_of_the_other_database_kind(
    target: Installation, demo_archive: Path, tmp_path: Path
) -> None:
    other = _rewritten(demo_archive, tmp_path / "pg.backup", {"database": "postgresql"})
    _refused(target, other, "it holds a PostgreSQL database and this installation uses SQLite")


def test_restore_refuses_a_database_that_is_no_sqlite_file(
    target: Installation, demo_archive: Path, tmp_path: Path
) -> None:
    broken = _rewritten(
        demo_archive, tmp_path / "broken.backup", {}, database=lambda data: b"x" * len(data)
    )
    _refused(target, broken, "its SQLite database is unreadable")


def test_restore_refuses_a_newer_format(
    target: Installation, demo_archive: Path, tmp_path: Path
) -> None:
    newer = _rewritten(demo_archive, tmp_path / "v2.backup", {"format_version": 2})
    _refused(target, newer, "backup format version 2")


def test_restore_refuses_what_is_no_backup(target: Installation, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a backup\n")
    _refused(target, text, "not a gzip-compressed tar archive")
    plain = tmp_path / "other.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        tar.add(text, arcname="notes.txt")
    _refused(target, plain, "does not start with manifest.json")
    _refused(target, tmp_path / "missing.backup", "there is no such file")


def test_restore_refuses_a_member_outside_the_data_folder(
    target: Installation, demo_archive: Path, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.backup"
    with tarfile.open(demo_archive, "r:gz") as tar, tarfile.open(hostile, "w:gz") as out:
        for member in tar:
            if member.name == "checksums.json":
                link = tarfile.TarInfo("data/escape")
                link.type = tarfile.SYMTYPE
                link.linkname = "/etc"
                out.addfile(link)
            out.addfile(member, tar.extractfile(member) if member.isfile() else None)
    _refused(target, hostile, "'data/escape' would be written outside")


def test_backup_never_overwrites_a_file(target: Installation, demo_archive: Path) -> None:
    installation = target
    before = demo_archive.read_bytes()
    result = installation.cli("backup", str(demo_archive))
    assert result.returncode == 2
    assert "exists already" in result.stderr
    assert demo_archive.read_bytes() == before


def test_restore_into_a_database_never_migrated(tmp_path: Path, demo_archive: Path) -> None:
    fresh = new_installation("sqlite", tmp_path / "fresh")
    restore = fresh.cli("restore", str(demo_archive))
    assert restore.returncode == 0, restore.stderr
    assert fresh.cli("migrate", "--verbosity", "0").returncode == 0
    assert fresh.tables()["knowledge_repository"]


@needs_pgserver
def test_restore_on_postgresql_refuses_sqlite_archives_and_databases_in_use(
    tmp_path: Path, demo_archive: Path
) -> None:
    target = new_installation("postgresql", tmp_path / "pg")
    target.migrate()
    _refused(
        target, demo_archive, "it holds a SQLite database and this installation uses PostgreSQL"
    )
    target.python(
        "from peerlearn.people.services import organisation_create\n"
        "organisation_create(name='Already here')\n"
    )
    source = new_installation("postgresql", tmp_path / "pg-source")
    source.migrate()
    archive = tmp_path / "pg.backup"
    assert source.cli("backup", str(archive)).returncode == 0
    _refused(target, archive, "the database is not empty (people_organisation hold rows)")

    # A dump that fails at its end: the statements before it are rolled back too.
    fresh = new_installation("postgresql", tmp_path / "pg-fresh")
    fresh.migrate()
    failing = _rewritten(
        archive,
        tmp_path / "failing.backup",
        {},
        database=lambda dump: dump + b"\nSELECT * FROM no_such_table;\n",
    )
    _refused(fresh, failing, 'relation "no_such_table" does not exist')


def _held(lock: Path) -> bool:
    if not lock.exists():
        return False
    with lock.open("rb") as stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def test_restore_refuses_while_a_worker_runs_and_goes_ahead_once_it_is_gone(
    target: Installation, demo_archive: Path
) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "peerlearn.cli", "worker", "--no-periodic", "--interval", "0.2"],
        env=target.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _held(target.data_dir / "in-use.lock"), "the worker to start")
        _refused(target, demo_archive, "peerlearn is running on this installation")
    finally:
        worker.send_signal(signal.SIGKILL)  # however it ends, the kernel drops its lock
        worker.wait()
    result = target.cli("restore", str(demo_archive))
    assert result.returncode == 0, result.stderr
