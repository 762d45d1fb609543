"""`peerlearn backup FILE`: the database and the data folder in one archive, while the
application runs.

The database is snapshotted first (one consistent moment, see databases.py), then the
data folder is copied. A repository clone is copied while holding its analysis lock
(`repositories/<id>.lock`, the lock the analysis runner takes), so no fetch writes into
it meanwhile. Left out: the SQLite database's own files (the snapshot replaces them),
and the temporary folders of analyses and restores in progress.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

import peerlearn
from peerlearn.operations import archive, databases

# Temporary folders: an analysis's work folder, a clone being made, a restore or backup
# in progress.
_TRANSIENT = (
    "repositories/.run-*",
    "repositories/.*-*",
    ".restore-*",
    ".peerlearn-backup-*",
    "in-use.lock",  # operations.in_use: says which processes run, holds nothing
)


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database: str
    files: int
    bytes: int


def database_member(kind: str) -> str:
    return archive.DATABASE_PREFIX + ("peerlearn.sqlite3" if kind == "sqlite" else "peerlearn.sql")


def backup_create(*, path: Path, say: Callable[[str], None] = lambda _text: None) -> BackupSummary:
    """Write the backup to `path` (a new file); BackupError says why it could not."""
    path = path.absolute()
    if path.exists() or path.is_symlink():
        raise BackupError(
            f"{path} exists already; give a new file name (a backup never overwrites)."
        )
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    if partial.exists():
        raise BackupError(
            f"{partial} exists: another backup is being written there, or one was "
            "interrupted (then remove it)."
        )
    try:
        return _backup(path, say)
    except OSError as error:
        raise BackupError(f"{error.strerror or error} ({error.filename or path}).") from None


def _backup(path: Path, say: Callable[[str], None] = lambda _text: None) -> BackupSummary:
    try:
        kind = databases.kind()
    except databases.DatabaseError as error:
        raise BackupError(str(error)) from None
    data_dir = Path(settings.DATA_DIR).resolve()
    skip = {path.resolve(), path.resolve().with_name(path.name + ".partial")}
    if kind == "sqlite":
        database_file = databases.sqlite_path()
        skip |= {
            database_file.with_name(database_file.name + end)
            for end in ("", "-wal", "-shm", "-journal")
        }
    with tempfile.TemporaryDirectory(prefix=".peerlearn-backup-", dir=path.parent) as work:
        snapshot = Path(work) / "database"
        say(f"Copying the {kind} database…")
        try:
            if kind == "sqlite":
                databases.sqlite_snapshot(snapshot)
            else:
                databases.postgresql_dump(snapshot)
        except databases.DatabaseError as error:
            raise BackupError(str(error)) from None
        manifest = archive.Manifest(
            database=kind,
            database_member=database_member(kind),
            peerlearn_version=peerlearn.__version__,
            created_at=archive.now_text(),
        )
        writer = archive.ArchiveWriter(path, manifest)
        try:
            writer.add_file(manifest.database_member, snapshot)
            database_bytes = writer.bytes
            say(f"Copying the data folder {data_dir}…")
            if data_dir.is_dir():
                _add_tree(writer, data_dir, data_dir, skip=skip | {Path(work).resolve()}, say=say)
            writer.close()
        except BaseException:
            writer.abort()
            raise
    return BackupSummary(
        path=path, database=kind, files=writer.files - 1, bytes=writer.bytes - database_bytes
    )


def _transient(relative: str) -> bool:
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in _TRANSIENT)


def _add_tree(
    writer: archive.ArchiveWriter,
    root: Path,
    folder: Path,
    *,
    skip: set[Path],
    say: Callable[[str], None],
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except FileNotFoundError:
        return  # removed while we were copying (a temporary folder)
    for entry in entries:
        path = Path(entry.path)
        relative = path.relative_to(root).as_posix()
        if path in skip or _transient(relative):
            continue
        name = archive.DATA_PREFIX + relative
        try:
            if entry.is_symlink():
                writer.add_symlink(name, path)
            elif entry.is_dir():
                writer.add_directory(name, path)
                with _repository_lock(root, relative, say):
                    _add_tree(writer, root, path, skip=skip, say=say)
            elif entry.is_file():
                writer.add_file(name, path)
        except FileNotFoundError:
            continue  # gone between listing and reading: it was not there to keep


@contextlib.contextmanager
def _repository_lock(root: Path, relative: str, say: Callable[[str], None]) -> Iterator[None]:
    """Hold a clone's analysis lock (shared: backups do not exclude each other)."""
    head, _, name = relative.partition("/")
    if head != "repositories" or not name.isdigit():
        yield
        return
    with (root / "repositories" / f"{name}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"Waiting for the analysis of repository {name} to finish…")
            fcntl.flock(lock, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
